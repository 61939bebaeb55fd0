"""Bad files get one clear line naming the file and the problem; one bad file never stops the others."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from sqlalchemy.engine import Engine

from tests.test_hostile_bounds import CASES
from zvit.errors import IntakeError
from zvit.intake import read_reports
from zvit.intake.ooxml import MAX_RATIO
from zvit.pipeline import Job, process, received
from zvit.registry import Registry
from zvit.warehouse.receipts import Fate, receipts_for_period


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
    assert error.value.told == "empty.xlsx: Файл порожній. Надішліть заповнений звіт."


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
    assert error.value.told == ("no-table.docx: У файлі не знайдено таблиці звіту (з заголовками «Річний обсяг "
                                "фінансування», «Фактично профінансовано» тощо).")


def test_old_binary_excel_format_is_named(tmp_path: Path) -> None:
    # an old Word file is converted by LibreOffice (tests/test_intake_converted.py); an old Excel file is not
    path = tmp_path / "zvit.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    english = r"Excel 97-2003 \(\.xls\) is not supported: save it as \.docx or \.xlsx"
    with pytest.raises(IntakeError, match=english) as error:
        read_reports(path)
    assert error.value.told == ("zvit.xls: Файл не вдалося прочитати як звіт: файл у старому форматі Word чи Excel "
                                "97-2003, якого система не читає. Надішліть звіт у форматі Word (.docx), Excel (.xlsx) "
                                "або CSV.")


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
    assert error.value.told == ("bomb.docx: Файл відхилено з міркувань безпеки: файл стиснуто підозріло сильно, як "
                                "стискають шкідливі файли. Збережіть звіт звичайним способом і надішліть знову.")


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


#: Latin words a Ukrainian reason may hold: the names of formats and programs a department saves with
FORMAT_NAMES = {"Word", "Excel", "CSV", "PDF", "LibreOffice", "RTF", "OpenDocument"}
#: the hostile files of tests/test_hostile_bounds.py that are quick to build and read in this process
BROKEN = ["zip-bomb.docx", "lying-zip-bomb.docx", "truncated.docx", "truncated.xlsx", "empty.docx", "empty.csv",
          "plain-text.docx", "binary-junk.csv", "old-excel.xls", "big.csv", "many-sheets.xlsx",
          "billion-laughs.xlsx", "long-field.csv", "many-entries.xlsx"]


def _latin_words(reason: str, name: str) -> list[str]:
    """Latin words of three letters or more in a reason, besides its file's name, extensions and format names."""
    text = reason.removeprefix(f"{name}: ").replace(name, "")
    text = re.sub(r"\.[A-Za-z]{2,4}\b", "", text)  # «(.docx)», «.xls»
    return [word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in FORMAT_NAMES]


@pytest.fixture
def broken_files(tmp_path: Path, seed_fixtures: dict[str, list[Path]], seed_path: Path) -> list[Path]:
    """Files a department might send that cannot be read, each broken its own way."""
    folder = tmp_path / "broken"
    folder.mkdir()
    seed = {fmt: paths[0] for fmt, paths in seed_fixtures.items()}
    cases = {case.name: case for case in CASES}
    for name in BROKEN:
        cases[name].build(folder / name, seed)
    _docx_without_table(folder / "без-таблиці.docx")
    from PIL import Image

    Image.new("RGB", (200, 280), "white").save(folder / "скан.pdf", "PDF")
    text = seed_path.read_text(encoding="utf-8")
    (folder / "bad-number.txt").write_text(text.replace("\t26,2\t", "\tдвадцять шість\t"), encoding="utf-8")
    (folder / "no-such-date.txt").write_text(text.replace("24.12.2020", "31.02.2020", 1), encoding="utf-8")
    return sorted(folder.iterdir())


def test_every_broken_file_is_explained_in_ukrainian_and_logged_in_english(
        broken_files: list[Path], warehouse: Engine, registry: Registry, caplog: pytest.LogCaptureFixture) -> None:
    job = Job(registry=registry, engine=warehouse, period="2022-Q3", received_at=datetime(2022, 10, 7, tzinfo=UTC))
    with caplog.at_level(logging.INFO, logger="zvit.pipeline"):
        outcome = process(received(broken_files, job), job)
    fates = {fate.name: fate for fate in outcome.files}
    assert sorted(fates) == sorted(path.name for path in broken_files)
    recorded = {receipt.name: receipt.reason for receipt in receipts_for_period(warehouse, "2022-Q3")}
    for name, fate in fates.items():
        assert fate.fate in (Fate.UNREADABLE, Fate.UNSUPPORTED), name
        reason = fate.reason or ""
        # what the department reads: the file's name, then plain Ukrainian on one line, as the warehouse keeps it
        assert reason.startswith(f"{name}: ") and "\n" not in reason, reason
        assert _latin_words(reason, name) == [], reason
        assert recorded[name] == reason
    logged = caplog.text
    assert "Bad CRC-32 for file 'word/document.xml'" in logged
    assert "lying-zip-bomb.docx: truncated or damaged (Bad CRC-32" in logged
    assert "скан.pdf: a scanned PDF (no text layer) cannot be read" in logged
    assert "без-таблиці.docx: no report table found" in logged
    assert "Файл не вдалося" not in logged  # the log keeps the technical English line
    assert fates["lying-zip-bomb.docx"].reason == (
        "lying-zip-bomb.docx: Файл не вдалося прочитати як звіт: файл пошкоджений або обрізаний (можливо, надіслано "
        "не до кінця). Надішліть звіт у форматі Word (.docx), Excel (.xlsx) або CSV.")
    assert fates["empty.csv"].reason == "empty.csv: Файл порожній. Надішліть заповнений звіт."
    assert fates["zip-bomb.docx"].reason == (
        "zip-bomb.docx: Файл відхилено з міркувань безпеки: файл стиснуто підозріло сильно, як стискають шкідливі "
        "файли. Збережіть звіт звичайним способом і надішліть знову.")
    assert fates["скан.pdf"].reason == (
        "скан.pdf: Файл не вдалося прочитати як звіт: це сканований PDF — зображення сторінок без тексту, його не "
        "прочитати. Надішліть звіт у форматі Word (.docx), Excel (.xlsx) або CSV.")
    assert fates["без-таблиці.docx"].reason == (
        "без-таблиці.docx: У файлі не знайдено таблиці звіту (з заголовками «Річний обсяг фінансування», "
        "«Фактично профінансовано» тощо).")
    assert fates["bad-number.txt"].reason == (
        "bad-number.txt: Число не вдалося прочитати: рядок 27 файлу, графа 8, значення «двадцять шість». Запишіть "
        "суму числом, наприклад «249 000,00».")
    assert fates["big.csv"].reason == (
        "big.csv: Файл відхилено з міркувань безпеки: файл більший за 5 МБ — забагато для звіту. Збережіть звіт "
        "звичайним способом і надішліть знову.")
