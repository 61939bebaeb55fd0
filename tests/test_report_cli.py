"""`zvit report`: one command writes the consolidated report in every format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from zvit.cli import main


def test_report_writes_the_requested_formats_into_the_given_folder(
        seed_quarter_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ZVIT_DATABASE_URL", seed_quarter_url)
    out = tmp_path / "out"
    assert main(["report", "--period", "2022-Q3", "--program", "efektyvna-vlada", "--format", "xlsx,html,datapackage",
                 "--unit", "grn", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == ("efektyvna-vlada 2022-Q3: 2 of 3 departments counted, 15 lines, "
                          "financed 716\u00a0337,84 UAH (27,77\u00a0%)")
    assert printed[1:] == [f"  {out / 'efektyvna-vlada.html'}", f"  {out / 'efektyvna-vlada.xlsx'}",
                           f"  {out / 'efektyvna-vlada-data' / 'datapackage.json'}"]
    page = lxml.html.fromstring((out / "efektyvna-vlada.html").read_text(encoding="utf-8"))
    total = page.xpath("//tr[@class='total']/td[@data-field='financed']")[0]
    assert total.text_content() == "716\u00a0337,84"
    assert sorted(p.name for p in out.iterdir()) == ["efektyvna-vlada-data", "efektyvna-vlada.html",
                                                     "efektyvna-vlada.xlsx"]
    assert not [p for p in out.rglob(".*.tmp")]  # atomic writes leave no temporary files


def test_by_default_every_program_goes_to_reports_period(
        seed_quarter_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ZVIT_DATABASE_URL", seed_quarter_url)
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--period", "2022-Q3", "--format", "html"]) == 0
    assert (tmp_path / "reports" / "2022-Q3" / "efektyvna-vlada.html").is_file()
    assert "reports/2022-Q3/efektyvna-vlada.html" in capsys.readouterr().out


def test_an_unknown_program_or_a_missing_warehouse_is_one_line_on_stderr(
        seed_quarter_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ZVIT_DATABASE_URL", seed_quarter_url)
    assert main(["report", "--period", "2022-Q3", "--program", "nope", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "zvit: unknown program 'nope' (known: efektyvna-vlada)\n"
    missing = tmp_path / "none.db"
    monkeypatch.setenv("ZVIT_DATABASE_URL", f"sqlite:///{missing}")
    assert main(["report", "--period", "2022-Q3", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"zvit: no warehouse at {missing}")
    assert not missing.exists()


def test_the_clerks_outgoing_number_and_the_registrys_signer_are_printed(
        seed_quarter_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZVIT_DATABASE_URL", seed_quarter_url)
    assert main(["report", "--period", "2022-Q3", "--format", "html", "--number", "12/345", "--dated", "2022-11-02",
                 "--out", str(tmp_path)]) == 0
    page = lxml.html.fromstring((tmp_path / "efektyvna-vlada.html").read_text(encoding="utf-8"))
    assert " ".join(page.xpath("//div[@class='outgoing']")[0].text_content().split()) == \
        "від 2 листопада 2022 р. № 12/345"
    signature = " ".join(page.xpath("//section[@id='signature']")[0].text_content().split())
    assert "Ольга КОВАЛЬЧУК" in signature and "ПОГОДЖЕНО" in signature and "Андрій МЕЛЬНИК" in signature


@pytest.mark.parametrize("argument", [["--period", "2022-Q5"], ["--period", "2022-Q3", "--format", "html,odt"],
                                      ["--period", "2022-Q3", "--unit", "usd"],
                                      ["--period", "2022-Q3", "--dated", "02.11.2022"]])
def test_bad_arguments_are_refused_by_the_parser(argument: list[str], capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["report", *argument])
    assert stopped.value.code == 2
    assert "zvit report: error:" in capsys.readouterr().err


def test_the_report_command_loads_nothing_heavy_at_start_up() -> None:
    # every `zvit` start imports every command module and the shared templating
    code = ("import sys, zvit.commands.report, zvit.templating; "
            "print(sorted(m for m in ('sqlalchemy', 'typst', 'docxtpl', 'openpyxl', 'docx', 'babel', 'lxml') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
