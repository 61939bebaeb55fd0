"""Issue 13: every file taken in has a fate, on record and shown: a broken file never vanishes."""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import models
from tests.test_hostile_bounds import CASES
from zvit.warehouse import make_engine

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
#: The third example report's department: here it sends only a broken file.
BROKEN_SENDER = "upravlinnia-zvernen"
REFUSED = [case for case in CASES if case.refusal is not None]


def _unregistered_report(seed_path: Path, target: Path) -> None:
    """The seed's first report, written by a department the registry does not know."""
    lines = seed_path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.strip() == "Звіт"]
    text = "".join(lines[starts[0]:starts[1]])
    target.write_text(text.replace("Відділ організаційного забезпечення депутатської діяльності",
                                   "Відділ невідомих справ"), encoding="utf-8")


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory, seed_fixtures: dict[str, list[Path]],
            seed_path: Path) -> tuple[Path, dict[str, str], dict]:
    """An inbox of two good reports, a broken file from the third department, every hostile file the tests know
    and a report from an unregistered department, run once through `zvit run --json`."""
    home = tmp_path_factory.mktemp("fates")
    env = {**os.environ, "ZVIT_DATABASE_URL": f"sqlite:///{home / 'zvit.db'}", "ZVIT_INBOX_DIR": str(home / "inbox"),
           "ZVIT_REPORTS_DIR": str(home / "reports"), "ZVIT_OUTBOX_DIR": str(home / "outbox"),
           "PREFECT_HOME": str(home / "prefect"), "ZVIT_CONSOLIDATOR_EMAILS": "consolidator@example.org"}
    subprocess.run([sys.executable, "-m", "zvit", "example-inbox"], env=env, cwd=home, check=True,
                   capture_output=True)
    inbox = home / "inbox" / "2022-Q3"
    third = sorted(inbox.glob("*-3.docx"))[0]
    third.unlink()
    seed = {fmt: paths[0] for fmt, paths in seed_fixtures.items()}
    for case in REFUSED:
        case.build(inbox / f"hostile-{case.name}", seed)
    truncated = next(case for case in CASES if case.name == "truncated.docx")
    truncated.build(inbox / f"{BROKEN_SENDER}-zvit.docx", seed)
    _unregistered_report(seed_path, inbox / "unknown-department.txt")
    run = subprocess.run([sys.executable, "-m", "zvit", "run", "--period", "2022-Q3", "--json"], env=env, cwd=home,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return home, env, json.loads(run.stdout)


def test_zvit_run_lists_every_file_with_its_fate(quarter: tuple[Path, dict[str, str], dict]) -> None:
    home, _, summary = quarter
    names = sorted(path.name for path in (home / "inbox" / "2022-Q3").iterdir())
    files = {f["source"]: f for f in summary["files"]}
    assert sorted(files) == names
    assert {name: f["fate"] for name, f in files.items() if name.startswith("zhytomyr")} == {
        "zhytomyr-efficient-government-2022-9m-1.docx": "stored", "zhytomyr-efficient-government-2022-9m-2.docx": "stored"}
    assert files["unknown-department.txt"]["fate"] == "unregistered"
    assert files["unknown-department.txt"]["submission_id"] is not None
    assert "Відділ невідомих справ" in files["unknown-department.txt"]["error"]
    assert files["hostile-old-excel.xls"]["fate"] == "unsupported"
    for case in REFUSED:
        refused = files[f"hostile-{case.name}"]
        assert refused["fate"] in ("unreadable", "unsupported"), case.name
        assert refused["error"] and refused["submission_id"] is None, case.name
    broken = files[f"{BROKEN_SENDER}-zvit.docx"]
    assert (broken["fate"], broken["department"]) == ("unreadable", BROKEN_SENDER)
    assert broken["error"] == (f"{BROKEN_SENDER}-zvit.docx: Файл не вдалося прочитати як звіт: файл пошкоджений або "
                               "обрізаний (можливо, надіслано не до кінця). Надішліть звіт у форматі Word (.docx), "
                               "Excel (.xlsx) або CSV.")


def test_the_warehouse_holds_a_row_for_each_file(quarter: tuple[Path, dict[str, str], dict]) -> None:
    home, env, summary = quarter
    engine = make_engine(env["ZVIT_DATABASE_URL"])
    try:
        with Session(engine) as session:
            rows = session.scalars(select(models.ReceivedFile)).all()
    finally:
        engine.dispose()
    assert sorted(row.name for row in rows) == sorted(f["source"] for f in summary["files"])
    assert all(len(row.sha256) == 64 and row.period_code == "2022-Q3" for row in rows)


def test_a_department_whose_only_file_was_broken_is_not_missing(
        quarter: tuple[Path, dict[str, str], dict]) -> None:
    _, _, summary = quarter
    [state] = [s for s in summary["submissions"] if s["department"] == BROKEN_SENDER]
    assert state["status"] == "unreadable"
    assert state["source"] == f"{BROKEN_SENDER}-zvit.docx"
    assert "файл пошкоджений або обрізаний" in state["reason"] and "truncated" not in state["reason"]


def test_a_rerun_reports_the_same_fates(quarter: tuple[Path, dict[str, str], dict]) -> None:
    home, env, summary = quarter
    again = subprocess.run([sys.executable, "-m", "zvit", "run", "--period", "2022-Q3", "--json"], env=env,
                           cwd=home, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    rerun = json.loads(again.stdout)
    assert [(f["source"], f["fate"]) for f in rerun["files"]] == [(f["source"], f["fate"]) for f in summary["files"]]


def test_the_report_and_the_digest_show_the_refused_files(quarter: tuple[Path, dict[str, str], dict]) -> None:
    home, _, _ = quarter
    html = next((home / "reports" / "2022-Q3").glob("*.html")).read_text(encoding="utf-8")
    assert f"{BROKEN_SENDER}-zvit.docx" in html and "файл не прочитано" in html
    assert "hostile-zip-bomb.docx" in html
    digests = [email.message_from_bytes(path.read_bytes(), policy=policy.default)
               for path in (home / "outbox").glob("*.eml")]
    [digest] = [m for m in digests if "consolidator@example.org" in str(m["To"])]
    text = digest.get_body(preferencelist=("plain",)).get_content()
    assert f"{BROKEN_SENDER}-zvit.docx" in text and "hostile-zip-bomb.docx" in text
