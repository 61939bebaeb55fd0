"""Bad input to any command is one line on stderr and exit code 2, never a traceback: ZVIT_* settings above all."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from zvit.cli import ExitCode, main
from zvit.errors import DateError, NumberError, PeriodError, ZvitError
from zvit.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "zhytomyr-efficient-government-2022-9m.txt"

#: every command that reads the settings, with arguments it would otherwise accept
COMMANDS = [
    ["report", "--period", "2022-Q3"],
    ["remind", "--period", "2022-Q3", "--dry-run"],
    ["db", "current"],
    ["db", "upgrade"],
    ["registry", "check"],
    ["registry", "load"],
    ["example-inbox"],
    ["serve"],
    ["load", str(SEED)],
    ["validate", str(SEED)],
    ["run", "--period", "2022-Q3"],
]


@pytest.fixture
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty working directory (no .env, no zvit.db) and no ZVIT_* variable of the caller's; the environment
    is restored afterwards (`zvit run` sets Prefect's variables for its process)."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith("ZVIT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    os.environ.clear()
    os.environ.update(saved)


def _stderr_lines(capsys: pytest.CaptureFixture) -> list[str]:
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_a_bad_setting_stops_every_command_with_one_line_naming_the_variable(
        command: list[str], clean: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ZVIT_OVERDUE_MAX", "abc")
    assert main(command) == ExitCode.INPUT == 2
    assert _stderr_lines(capsys) == ["zvit: ZVIT_OVERDUE_MAX='abc': expected a whole number from 0 to 50"]
    assert list(clean.iterdir()) == []  # nothing created: no warehouse, no inbox, no reports


def test_zvit_report_with_a_bad_overdue_max_exits_2_in_a_process_of_its_own(clean: Path) -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZVIT_")}, "ZVIT_OVERDUE_MAX": "abc",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "zvit", "report", "--period", "2022-Q3"], env=env, cwd=clean,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "zvit: ZVIT_OVERDUE_MAX='abc': expected a whole number from 0 to 50\n"


@pytest.mark.parametrize(("variable", "value", "line"), [
    ("ZVIT_SMTP_PORT", "0", "zvit: ZVIT_SMTP_PORT='0': expected a port number from 1 to 65535"),
    ("ZVIT_SMTP_SECURITY", "tls", "zvit: ZVIT_SMTP_SECURITY='tls': expected ssl, starttls or plain"),
    ("ZVIT_TIMEZONE", "Europe/Kiyv",
     "zvit: ZVIT_TIMEZONE: expected a time zone name such as Europe/Kyiv (unknown time zone 'Europe/Kiyv')"),
    ("ZVIT_OPERATOR_EMAILS", "ops@example.org; duty@example",
     "zvit: ZVIT_OPERATOR_EMAILS: expected email addresses separated by commas or semicolons "
     "(invalid email address 'duty@example')"),
])
def test_each_bad_variable_is_named_with_the_form_it_expects(
        variable: str, value: str, line: str, clean: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["remind", "--period", "2022-Q3", "--dry-run"]) == 2
    assert _stderr_lines(capsys) == [line]


def test_several_bad_variables_are_one_line_each(clean: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ZVIT_SMTP_PORT", "smtp")
    monkeypatch.setenv("ZVIT_REMINDER_DAYS_BEFORE", "-1")
    assert main(["db", "current"]) == 2
    assert _stderr_lines(capsys) == [
        "zvit: ZVIT_SMTP_PORT='smtp': expected a port number from 1 to 65535",
        "zvit: ZVIT_REMINDER_DAYS_BEFORE='-1': expected a whole number of days from 0 to 60"]


def test_a_secret_is_never_shown_in_the_message() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.load({"ZVIT_DATABASE_URL": "postgresql://zvit:Sekret-Pa55@db/zvit", "ZVIT_SMTP_PORT": "x"})
    assert "Sekret" not in str(raised.value)


def test_blank_variables_mean_the_default_and_spaces_around_a_value_are_dropped() -> None:
    settings = Settings.load({"ZVIT_SMTP_HOST": "  ", "ZVIT_SMTP_PORT": " 2525 ", "ZVIT_OVERDUE_MAX": ""})
    assert (settings.smtp_host, settings.smtp_port, settings.overdue_max) == (None, 2525, 3)


def test_a_dot_env_file_is_read_and_the_environment_wins_over_it(
        clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean / ".env").write_text("ZVIT_OVERDUE_MAX=5\nZVIT_REPORTS_DIR=/srv/zvit/reports\nPREFECT_API_URL=x\n",
                                encoding="utf-8")
    assert (Settings.load().overdue_max, Settings.load().reports_dir) == (5, Path("/srv/zvit/reports"))
    monkeypatch.setenv("ZVIT_OVERDUE_MAX", "7")
    assert Settings.load().overdue_max == 7


def test_constructing_settings_reads_no_environment(clean: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZVIT_OVERDUE_MAX", "abc")
    (clean / ".env").write_text("ZVIT_SMTP_PORT=0\n", encoding="utf-8")
    assert Settings().overdue_max == 3 and Settings(overdue_max=5).overdue_max == 5


def test_parse_errors_are_zvit_errors_and_still_value_errors() -> None:
    from zvit.normalize.decisions import parse_decisions
    from zvit.normalize.numbers import parse_number
    from zvit.normalize.periods import parse_period_code

    for call, error in ((lambda: parse_period_code("2022-Q5"), PeriodError), (lambda: parse_number("abc"), NumberError),
                        (lambda: parse_decisions("рішення від 31.02.2022 № 5"), DateError)):
        with pytest.raises(error) as raised:
            call()
        assert isinstance(raised.value, ZvitError) and isinstance(raised.value, ValueError)


def test_a_date_that_does_not_exist_in_a_file_is_one_line_naming_the_file(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(SEED.read_text(encoding="utf-8").replace("24.12.2020", "31.02.2020"), encoding="utf-8")
    assert main(["parse", str(bad)]) == 2
    assert _stderr_lines(capsys) == ["zvit: bad.txt: a date that does not exist: 31.02.2020"]


def test_a_folder_that_cannot_be_written_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["example-inbox", "--inbox", str(blocker / "inbox")]) == 2
    [line] = _stderr_lines(capsys)
    assert line.startswith(f"zvit: {blocker / 'inbox'}: ")


def test_zvit_report_writes_to_zvit_reports_dir_by_default(
        seed_quarter_url: str, clean: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("ZVIT_DATABASE_URL", seed_quarter_url)
    monkeypatch.setenv("ZVIT_REPORTS_DIR", str(clean / "published"))
    assert main(["report", "--period", "2022-Q3", "--format", "html"]) == 0
    assert (clean / "published" / "2022-Q3" / "efektyvna-vlada.html").is_file()
    assert not (clean / "reports").exists()
    assert f"{clean / 'published' / '2022-Q3' / 'efektyvna-vlada.html'}" in capsys.readouterr().out
