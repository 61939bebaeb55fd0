"""Names that come from outside never become a path outside zvit's folders, nor a second line (issue 9).

Where an outside name meets the file system: a submitted file's name (shown and stored, never written to),
the period given on the command line (the inbox and reports folders), a program code (the report's file
names), a notice's key (the outbox's file names). zvit sends no attachments, so there is no attachment name.
"""

from __future__ import annotations

import datetime as dt
import email
import re
from email import policy
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.engine import Engine

from zvit.cli import main
from zvit.normalize.periods import PeriodError
from zvit.notify import Notice, OutboxTransport
from zvit.notify.message import build_message
from zvit.pipeline import inbox_files
from zvit.registry.schema import Code
from zvit.settings import Settings

NOW = dt.datetime(2022, 10, 8, 9, 0, tzinfo=dt.UTC)
#: what a hostile name may try: climb out, start at the root, hide a NUL, break the line, be a device on
#: Windows, be all dots, be longer than a file name may be, carry a terminal escape sequence
HOSTILE = ["../../etc/passwd", "/etc/passwd", "..", ".", "", "a\x00b", "рядок\nBcc: x@evil.example.org", "CON",
           "NUL.txt", "....//....//escape", "x" * 10_000, "\x1b[2J\x1b[31mred", "..\\..\\windows\\system32"]


def _notice(key: str) -> Notice:
    return Notice(key=key, kind="reminder", recipients=("zvit@zvernennia.example.org",), subject="Нагадування",
                  text="Надішліть звіт.")


@pytest.mark.parametrize("key", HOSTILE, ids=range(len(HOSTILE)))
def test_an_outbox_file_is_named_safely_inside_the_outbox_whatever_the_notice_key(tmp_path: Path, key: str) -> None:
    outbox = tmp_path / "outbox"
    path = Path(OutboxTransport(outbox).send(build_message(_notice(key), sender="zvit@example.org",
                                                           sender_name="Звіти", now=NOW)).detail)
    assert path.parent == outbox and path.resolve().parent == outbox.resolve()
    assert re.fullmatch(r"20221008-090000-[A-Za-z0-9][A-Za-z0-9._-]{0,119}\.eml", path.name), path.name
    assert [p.name for p in tmp_path.rglob("*")] == ["outbox", path.name]  # nothing else, anywhere
    assert email.message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"] == "Нагадування"


def test_two_notices_whose_keys_read_the_same_once_made_safe_are_both_kept(tmp_path: Path) -> None:
    outbox = OutboxTransport(tmp_path)
    written = [outbox.send(build_message(_notice(key), sender="zvit@example.org", sender_name="Звіти", now=NOW))
               for key in ("reminder/a/1", "reminder-a-1", "reminder a 1")]
    assert sorted(Path(w.detail).name for w in written) == [
        "20221008-090000-reminder-a-1-2.eml", "20221008-090000-reminder-a-1-3.eml", "20221008-090000-reminder-a-1.eml"]
    assert len({Path(w.detail).read_bytes() for w in written}) == 3


@pytest.mark.parametrize("code", ["../../x", "/etc", "a/b", "a\\b", "..", "A", "x\n", "", "a" * 81])
def test_a_program_code_that_could_be_a_path_is_refused_by_the_registry(code: str) -> None:
    # the report's files are named <code>.html, <code>-data/...: only plain lowercase words reach them
    with pytest.raises(ValidationError):
        TypeAdapter(Code).validate_python(code)


COMMANDS = [["run"], ["report"], ["remind"], ["load", "x.csv"], ["validate", "x.csv"]]
PERIODS = ["../../etc", "/etc/passwd", "2022-Q3/../../escape", "2022-Q3\x00", "2022-Q3\n../x", "..", "CON"]


@pytest.mark.parametrize("period", PERIODS, ids=range(len(PERIODS)))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_period_that_is_not_a_quarter_is_refused_before_any_folder_is_touched(
        command: list[str], period: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("INBOX", "REPORTS", "OUTBOX"):
        monkeypatch.setenv(f"ZVIT_{name}_DIR", str(tmp_path / name.lower()))
    monkeypatch.setenv("ZVIT_DATABASE_URL", f"sqlite:///{tmp_path / 'zvit.db'}")
    with pytest.raises(SystemExit) as stopped:
        main([*command, "--period", period])
    assert stopped.value.code == 2
    assert "period must look like 2022-Q3" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_report_asked_for_an_unregistered_program_writes_nothing(
        seeded: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZVIT_DATABASE_URL", str(seeded.url))
    before = sorted(tmp_path.rglob("*"))
    assert main(["report", "--period", "2022-Q3", "--program", "../../escape", "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.startswith("zvit: ")
    assert sorted(tmp_path.rglob("*")) == before and not (tmp_path.parent / "escape.html").exists()


NAMES = ["звіт\nzvit: підроблений.docx: прийнято.docx", "\x1b[2J\x1b[31mчервоний.csv", "CON.docx", "..docx",
         "-rf.txt", "з" * 120 + ".csv", " .docx", "звіт\u2028рядок.txt"]


def test_a_file_name_with_line_breaks_or_escapes_stays_on_its_one_error_line(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    for name in NAMES:
        (tmp_path / name).write_text("не звіт\n", encoding="utf-8")
    assert main(["parse", *(str(tmp_path / name) for name in NAMES)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == len(NAMES) and all(line.startswith("zvit: ") for line in lines)
    assert lines[0] == ("zvit: звіт\\nzvit: підроблений.docx: прийнято.docx: not a Word (.docx) file")
    assert lines[1].startswith("zvit: \\x1b[2J\\x1b[31mчервоний.csv: ") and "\x1b" not in "".join(lines)
    assert lines[5].startswith(f"zvit: {'з' * 120}.csv: ")


@pytest.mark.parametrize("period", PERIODS, ids=range(len(PERIODS)))
def test_a_flow_given_a_period_that_is_a_path_refuses_it_and_never_looks_outside_the_inbox(
        period: str, tmp_path: Path) -> None:
    # A deployment, the UI or the API pass the period unchecked: the flow must refuse it, not make a folder of it.
    from flows.quarterly import inbox_folder, period_or_last_ended

    settings = Settings(inbox_dir=tmp_path / "inbox")
    with pytest.raises(PeriodError, match="period must look like 2022-Q3"):
        period_or_last_ended(period)
    with pytest.raises(PeriodError, match="period must look like 2022-Q3"):
        inbox_folder(period, None, settings)
    (tmp_path / "inbox" / "2022-Q3").mkdir(parents=True)
    assert inbox_folder("2022-Q3", None, settings) == tmp_path / "inbox" / "2022-Q3"


def _inbox_around(tmp_path: Path) -> Path:
    """An inbox with one report, beside a folder holding files that are not the inbox's."""
    (tmp_path / "inbox" / "2022-Q3").mkdir(parents=True)
    (tmp_path / "inbox" / "2022-Q3" / "zvit.txt").write_text("звіт\n", encoding="utf-8")
    (tmp_path / "elsewhere" / "deeper").mkdir(parents=True)
    for name in ("secret.csv", "deeper/secret.txt", "passwd"):
        (tmp_path / "elsewhere" / name).write_text("x\n", encoding="utf-8")
    return tmp_path / "inbox" / "2022-Q3"


def test_an_inbox_given_with_dots_is_that_one_folder_and_nothing_around_or_below_it(tmp_path: Path) -> None:
    # `zvit run --inbox DIR` and the flows' `inbox` parameter name any folder the operator chooses (bench/ runs
    # on one outside ZVIT_INBOX_DIR): `..` is taken as written, the period is not added to it, and only the
    # files directly inside it are read, never its subfolders nor its parent.
    from flows.quarterly import inbox_folder

    inbox = _inbox_around(tmp_path)
    settings = Settings(inbox_dir=tmp_path / "inbox")
    folder = inbox_folder("2022-Q3", str(inbox / ".." / ".." / "elsewhere"), settings)
    assert folder.resolve() == (tmp_path / "elsewhere").resolve()
    found = inbox_files(folder)
    assert "secret.csv" in [p.name for p in found]
    assert {p.resolve().parent for p in found} == {(tmp_path / "elsewhere").resolve()}  # not deeper/, not inbox/
    assert [p.name for p in inbox_files(inbox_folder("2022-Q3", str(inbox / ".." / "2022-Q3"), settings))] == [
        "zvit.txt"]


INBOXES = ["missing", "inbox/2022-Q3/zvit.txt", "inbox/2022-Q3\x00"]


@pytest.mark.parametrize("given", INBOXES, ids=["missing", "a-file", "nul"])
def test_an_inbox_given_that_is_not_a_folder_is_refused_not_read_as_empty(
        given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.quarterly import inbox_folder

    _inbox_around(tmp_path)
    monkeypatch.chdir(tmp_path)
    try:
        folder = inbox_folder("2022-Q3", given, Settings(inbox_dir=tmp_path / "inbox"))
    except (ValueError, OSError) as refused:
        assert repr(given) in str(refused) or given in str(refused)  # the message names what was given
    else:
        assert folder.is_dir(), f"{given!r} became {folder}, read as an inbox with {inbox_files(folder)} in it"


def test_zvit_validate_shows_a_file_named_with_a_line_break_on_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # IntakeError escapes control characters, so every command and log shows one line per file.
    path = tmp_path / NAMES[0]
    path.write_text("не звіт\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and "звіт\\nzvit: підроблений.docx" in lines[0]


@pytest.mark.parametrize(("department", "expected"), [
    ("upravlinnia-zvernen", "rejected-upravlinnia-zvernen-2022-q3"),
    ("управління звернень", "rejected-submission-7-2022-q3"), ("?", "rejected-submission-7-2022-q3"),
    ("../../x", "rejected-submission-7-2022-q3")])
def test_a_rejection_artifact_key_is_valid_for_prefect_whatever_the_department(department: str,
                                                                              expected: str) -> None:
    from prefect.client.schemas.actions import ArtifactCreate

    from flows.quarterly import artifact_key
    from zvit.warehouse.load import LoadResult

    item = type("Item", (), {"result": LoadResult("loaded", 7, 1, "rejected", True, department, "p", "2022-Q3")})()
    key = artifact_key("2022-Q3", department, item)  # type: ignore[arg-type]
    assert key == expected and ArtifactCreate(key=key, type="markdown").key == key
