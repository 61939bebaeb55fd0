"""`zvit validate` prints every report's verdict and findings without storing anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zvit.cli import main


def test_validate_json_gives_status_and_located_findings_per_report(
        seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZVIT_DATABASE_URL", raising=False)
    assert main(["validate", "--json", "--period", "2022-Q3", str(seed_path)]) == 1  # one report is rejected
    verdicts = json.loads(capsys.readouterr().out)
    assert [(v["source"], v["department"], v["status"]) for v in verdicts] == [
        (seed_path.name, "Відділ організаційного забезпечення депутатської діяльності", "accepted_with_warnings"),
        (seed_path.name, "Управління по зв'язках з громадськістю", "accepted_with_warnings"),
        (seed_path.name, "управління звернень та діловодства Житомирської міської ради", "rejected"),
    ]
    percent = next(f for f in verdicts[2]["findings"] if f["code"] == "ROW-PERCENT-MISMATCH")
    assert {k: percent[k] for k in ("severity", "measure", "row", "column", "value", "expected")} == {
        "severity": "warning", "measure": "1", "row": 102, "column": "8", "value": "64,00%", "expected": "37,82%"}
    assert not (tmp_path / "zvit.db").exists()  # validating stores nothing, not even an empty warehouse


def test_validate_table_is_in_ukrainian_and_an_unreadable_file_exits_2(
        seed_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04broken")
    assert main(["validate", str(broken), str(seed_path)]) == 2
    captured = capsys.readouterr()
    # what the department is told, in its words (the English technical line goes to the log)
    assert captured.err == ("zvit: broken.xlsx: Файл не вдалося прочитати як звіт: файл пошкоджений або обрізаний "
                            "(можливо, надіслано не до кінця). Надішліть звіт у форматі Word (.docx), Excel (.xlsx) "
                            "або CSV.\n")
    assert "Висновок: відхилено" in captured.out and "критична помилка [REPORT-DECISION-WRONG-DATE]" in captured.out
