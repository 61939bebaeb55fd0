"""Bad files get one clear line naming the file and the problem; one bad file never stops the others."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from zvit.errors import IntakeError
from zvit.intake import read_reports
from zvit.intake.ooxml import MAX_RATIO


def _docx_without_table(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Звіт про виконання програми за 9 місяців 2022 року")
    document.add_paragraph("Таблицю буде надіслано пізніше.")
    document.save(str(path))
    return path


def test_text_file_named_docx_is_not_a_word_file(tmp_path: Path) -> None:
    path = tmp_path / "zvit.docx"
    path.write_text("Звіт\nце не Word", encoding="utf-8")
    with pytest.raises(IntakeError, match=r"^zvit\.docx: .*not a Word \(\.docx\) file|no report table"):
        read_reports(path)


def test_empty_file_is_reported_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(IntakeError, match=r"^empty\.xlsx: the file is empty$") as error:
        read_reports(path)
    assert error.value.code == "INTAKE-EMPTY"


def test_truncated_word_file_is_reported_as_truncated(seed_fixtures: dict[str, list[Path]], tmp_path: Path) -> None:
    data = seed_fixtures["docx"][0].read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IntakeError, match=r"^cut\.docx: truncated or damaged"):
        read_reports(path)


def test_word_file_without_report_table(tmp_path: Path) -> None:
    path = _docx_without_table(tmp_path / "no-table.docx")
    with pytest.raises(IntakeError, match=r"^no-table\.docx: no report table found") as error:
        read_reports(path)
    assert error.value.code == "INTAKE-NO-TABLE"


def test_old_binary_excel_format_is_named(tmp_path: Path) -> None:
    # an old Word file is converted by LibreOffice (tests/test_intake_converted.py); an old Excel file is not
    path = tmp_path / "zvit.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(IntakeError, match=r"Excel 97-2003 \(\.xls\) is not supported: save it as \.docx or \.xlsx"):
        read_reports(path)


def test_unreadable_number_names_row_column_and_value(seed_path: Path, tmp_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8").replace("\t26,2\t", "\tдвадцять шість\t")
    path = tmp_path / "bad-number.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IntakeError) as error:
        read_reports(path)
    assert str(error.value) == ("bad-number.txt: a number that cannot be read at рядок 27 файлу, column 8 "
                                "(found 'двадцять шість')")
    assert (error.value.code, error.value.row, error.value.column) == ("INTAKE-NUMBER", "рядок 27 файлу", "8")


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b"a" * (MAX_RATIO * 200_000))
    with pytest.raises(IntakeError, match="compressed like a zip bomb") as error:
        read_reports(path)
    assert error.value.code == "INTAKE-LIMIT"


def test_cli_reports_each_bad_file_in_one_line_and_reads_the_others(seed_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = subprocess.run([sys.executable, "-m", "zvit", "parse", "--json", str(broken), str(seed_path), str(empty)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "zvit: broken.docx: truncated or damaged",
        "zvit: empty.csv: the file is empty",
    ]
    assert "Traceback" not in result.stderr
    assert [r["department"] for r in json.loads(result.stdout)] == [
        "Відділ організаційного забезпечення депутатської діяльності",
        "Управління по зв'язках з громадськістю",
        "управління звернень та діловодства Житомирської міської ради",
    ]
