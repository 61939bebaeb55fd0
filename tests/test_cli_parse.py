"""`zvit parse` shows what was read: a readable table by default, the agreed JSON shape with --json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from zvit.cli import main


def test_json_has_one_object_per_report_in_the_agreed_shape(seed_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["parse", "--json", str(seed_path)]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert len(reports) == 3
    second = reports[1]
    assert {"source", "format", "program", "period", "department", "decisions", "rows", "total",
            "warnings"} <= second.keys()
    assert (second["source"], second["format"], second["period"]) == (seed_path.name, "txt", "2022-Q3")
    assert second["decisions"][3] == {"number": None, "date": "2022-09-02"}
    assert second["total"] == {"planned": 2080000, "annual": 2080000, "financed": 513537.84, "percent": 24.69}
    row = second["rows"][9]
    assert {k: row[k] for k in ("measure", "planned", "annual", "financed", "percent")} == {
        "measure": "7", "planned": 100000, "annual": 100000, "financed": 35933.84, "percent": 35.93}
    assert reports[2]["rows"][0]["planned"] is None  # the 9-column form has no program volume
    assert reports[2]["rows"][0]["notes"][1] == "Нагороджено 64 особи"
    assert second["warnings"][1].startswith("INTAKE-UNIT-RESCALED: Графа «Орієнтовний обсяг")


def test_default_output_is_a_readable_table_in_hryvnias(seed_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["parse", str(seed_path)]) == 0
    out = capsys.readouterr().out
    assert "Виконавець: Управління по зв'язках з громадськістю" in out
    assert "№31 від 24.12.2020; №279 від 23.09.2021; №381 від 24.12.2021; без номера від 02.09.2022" in out
    total = next(line for line in out.splitlines() if line.strip().startswith("Всього"))
    assert re.split(r" {2,}", total.strip())[1:] == ["2\u00a0080\u00a0000,00", "2\u00a0080\u00a0000,00", "513\u00a0537,84", "24,69%"]
    assert out.count("Суми в гривнях.") == 3
