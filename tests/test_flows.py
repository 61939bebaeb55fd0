"""The quarterly flow and `zvit run`, against one shared Prefect test harness (no server started by hand)."""

from __future__ import annotations

import email
import email.policy
import json
import os
from pathlib import Path

import pytest

from zvit.cli import main
from zvit.intake import read_layouts
from zvit.samples.docx_writer import write_docx

pytestmark = pytest.mark.usefixtures("prefect_harness")
CORRECTED = ("02.12.2020 р. № 1430 та зміни від 23.09.2022 № 279",
             "24.12.2020 № 31 та зміни від 23.09.2021 № 279, 24.12.2021 № 381, 02.09.2022 № 558")


@pytest.fixture
def quarter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with its own warehouse, reports folder and the example's inbox for 2022-Q3."""
    monkeypatch.chdir(tmp_path)
    for name in ("ZVIT_DATABASE_URL", "ZVIT_INBOX_DIR", "ZVIT_REPORTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert main(["example-inbox"]) == 0
    return tmp_path


def run_json(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, dict]:
    code = main(["run", "--period", "2022-Q3", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_zvit_run_on_the_example_reports_each_department_and_writes_the_report(
        quarter: Path, capsys: pytest.CaptureFixture) -> None:
    code, summary = run_json(capsys)
    assert code == 0
    assert [(s["department"], s["status"], s["late"]) for s in summary["submissions"]] == [
        ("upravlinnia-zvernen", "rejected", False),
        ("upravlinnia-zviazkiv", "accepted_with_warnings", False),
        ("viddil-deputatskoi-diialnosti", "accepted_with_warnings", False)]
    assert summary["totals"] == {"planned": 4580000.0, "annual": 2580000.0, "financed": 716337.84, "percent": 27.77}
    assert {"REPORT-DECISION-UNKNOWN", "REPORT-DECISION-WRONG-DATE"} <= {
        f["code"] for f in summary["submissions"][0]["findings"]}
    assert Path(summary["reports"]["html"]).is_file() and Path(summary["reports"]["xlsx"]).is_file()
    # No SMTP configured: the rejection notice and the digest wait in ./outbox as .eml files.
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted((quarter / "outbox").glob("*.eml"))]
    assert sorted(m["To"] for m in messages) == ["zvit@deputaty.example.org, zvit@zviazky.example.org, "
                                                 "zvit@zvernennia.example.org", "zvit@zvernennia.example.org"]

    # Run again: nothing new is loaded and the result is the same; --strict reports the rejection.
    code, again = run_json(capsys, "--strict")
    assert code == 1
    assert again["submissions"] == summary["submissions"] and again["totals"] == summary["totals"]


def test_a_rejection_fails_its_named_task_with_the_findings_as_an_artifact(quarter: Path) -> None:
    from prefect.client.orchestration import get_client

    from flows.quarterly import SubmissionsRejected, collect_quarter

    state = collect_quarter("2022-Q3", return_state=True)
    assert state.is_failed()
    assert isinstance(state.result(raise_on_failure=False), SubmissionsRejected)
    with get_client(sync_client=True) as client:
        artifact = client.read_latest_artifacts()
        markdown = next(a for a in artifact if a.key == "rejected-upravlinnia-zvernen-2022-q3")
        assert "REPORT-DECISION-WRONG-DATE" in markdown.data and "23.09.2022 № 279" in markdown.data


def test_the_batch_is_let_go_before_the_report_renders_issue_15(quarter: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # The render reuses the memory the batch's reports held; only the rejected one, which its failed task keeps
    # for the Prefect UI, may still be alive when it begins.
    import gc

    import flows.quarterly
    from zvit.model import Report

    def reports() -> list[Report]:
        gc.collect()
        return [item for item in gc.get_objects() if isinstance(item, Report)]

    earlier = reports()  # an earlier test's, held here so that no new report takes one's id
    known = {id(report) for report in earlier}
    alive: list[int] = []
    render_reports = flows.quarterly.render_reports

    def counting(*args: object, **kwargs: object) -> object:
        alive.append(sum(id(report) not in known for report in reports()))
        return render_reports(*args, **kwargs)

    monkeypatch.setattr(flows.quarterly, "render_reports", counting)
    state = flows.quarterly.collect_quarter("2022-Q3", return_state=True)
    assert state.is_failed()  # the third report is rejected
    assert alive == [1]


def test_process_submission_takes_a_corrected_file_alone(quarter: Path, capsys: pytest.CaptureFixture,
                                                         seed_path: Path) -> None:
    from flows.quarterly import process_submission

    run_json(capsys)
    corrected = quarter / "corrected.txt"
    corrected.write_text(seed_path.read_text(encoding="utf-8").replace(*CORRECTED), encoding="utf-8")
    target = quarter / "inbox" / "2022-Q3" / "upravlinnia-zvernen-corrected.docx"
    write_docx([read_layouts(corrected)[2]], target)
    os.utime(target, (1665300000, 1665300000))  # 9 October 2022, after the first file, before the deadline

    state = process_submission(department="upravlinnia-zvernen", period="2022-Q3", return_state=True)
    assert state.is_completed()
    _, summary = run_json(capsys)
    zvernen = summary["submissions"][0]
    assert (zvernen["department"], zvernen["source"], zvernen["version"], zvernen["status"]) == (
        "upravlinnia-zvernen", target.name, 2, "accepted_with_warnings")
    assert summary["totals"]["annual"] == 2982700.0 and summary["totals"]["financed"] == 868627.84


def test_process_submission_with_no_file_from_the_department_fails_naming_the_folder(quarter: Path) -> None:
    # Regression for issue 13: it completed in a second having done nothing.
    from flows.quarterly import NothingToCollect, process_submission

    inbox = quarter / "inbox" / "2022-Q3"
    for path in inbox.glob("*-3.docx"):
        path.unlink()
    state = process_submission(department="upravlinnia-zvernen", period="2022-Q3", return_state=True)
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, NothingToCollect)
    assert str(error).startswith("2022-Q3: no file from upravlinnia-zvernen in ") and str(inbox) in str(error)


def test_operators_are_alerted_when_a_run_fails_but_not_when_data_was_rejected(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from uuid import uuid4

    from prefect.client.schemas.objects import FlowRun
    from prefect.states import Crashed, Failed

    from flows.quarterly import SubmissionsRejected, alert_operators

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZVIT_SMTP_HOST", raising=False)
    run = FlowRun(id=uuid4(), name="2022-Q3", flow_id=uuid4())
    alert_operators(None, run, Failed(data=SubmissionsRejected("2022-Q3: 1 submission(s) rejected")))
    assert not (tmp_path / "outbox").exists()  # a rejection is the department's news, not an operator's alert
    alert_operators(None, run, Crashed(message="database is unreachable"))
    (alert,) = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in (tmp_path / "outbox").glob("*.eml")]
    assert alert["To"] == "zvit-operators@example.org"
    assert "database is unreachable" in alert.get_body(("plain",)).get_content()
