"""Issue 17, in one process: who a link signs in as, cookies over HTTPS, the request limit, upload names, and the
findings placed on the cells of the report as read."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.web_fixtures import csrf_of
from zvit.cli import main
from zvit.model import Report
from zvit.normalize.decisions import cite
from zvit.notify.transport import OutboxTransport
from zvit.quality.findings import Finding, Severity
from zvit.registry import Registry
from zvit.settings import Settings
from zvit.warehouse import make_engine, sync_registry, upgrade
from zvit.web import Portal, auth, create_app
from zvit.web.upload import safe_name, too_large
from zvit.web.verdict import read_table

with warnings.catch_warnings():
    # Starlette would rather have httpx2 for its test client; httpx is what the lock file has
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

THIRD = "upravlinnia-zvernen"


@pytest.fixture
def engine(tmp_path: Path, registry: Registry) -> Iterator[Engine]:
    """A fresh SQLite warehouse with the registry."""
    warehouse = make_engine(f"sqlite:///{tmp_path / 'zvit.db'}")
    upgrade(warehouse)
    sync_registry(warehouse, registry, timezone="Europe/Kyiv")
    yield warehouse
    warehouse.dispose()


def _client(engine: Engine, registry: Registry, tmp_path: Path, base_url: str) -> TestClient:
    settings = Settings(database_url=str(engine.url), web_base_url=base_url, inbox_dir=tmp_path / "inbox",
                        outbox_dir=tmp_path / "outbox", reports_dir=tmp_path / "reports")
    portal = Portal(settings=settings, registry=registry, engine=engine,
                    transport=OutboxTransport(directory=tmp_path / "outbox", sender="zvit@example.org"), warm_up=False)
    return TestClient(create_app(portal), base_url=base_url, follow_redirects=False)


def _sign_in(client: TestClient, engine: Engine, grant: auth.Grant) -> str:
    token = auth.issue_link(engine, grant, minutes=5)
    page = client.get(f"/link/{token}")
    answer = client.post(f"/link/{token}", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303
    [cookie] = [c for c in answer.headers.get_list("set-cookie") if c.startswith("zvit_session=")]
    return cookie


def test_over_https_the_session_cookie_is_secure_httponly_and_samesite(engine: Engine, registry: Registry,
                                                                      tmp_path: Path) -> None:
    client = _client(engine, registry, tmp_path, "https://zvit.example.org")
    cookie = _sign_in(client, engine, auth.department_grant(registry, THIRD))
    assert cookie.startswith("zvit_session=")
    assert {"HttpOnly", "Secure", "SameSite=lax", "Path=/"} <= {part.strip() for part in cookie.split(";")}
    page = client.get(f"/departments/{THIRD}")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["x-frame-options"] == "DENY"


def test_a_link_signs_in_as_the_role_it_was_issued_for(registry: Registry) -> None:
    operators, consolidators = ("ops@example.org",), ("zvedennia@example.org",)
    department = auth.grant_for_address(registry, "ZVIT@zvernennia.example.org", auth.DEPARTMENT,
                                        operators=operators, consolidators=consolidators)
    assert department == auth.Grant(auth.DEPARTMENT, THIRD, (), "zvit@zvernennia.example.org")
    responsible = auth.grant_for_address(registry, "zvit@deputaty.example.org", auth.CONSOLIDATOR,
                                         operators=operators, consolidators=consolidators)
    assert responsible is not None and responsible.programs == ("efektyvna-vlada",)
    assert auth.grant_for_address(registry, "zvedennia@example.org", auth.CONSOLIDATOR, operators=operators,
                                  consolidators=consolidators) == \
        auth.Grant(auth.CONSOLIDATOR, None, ("efektyvna-vlada",), "zvedennia@example.org")
    assert auth.grant_for_address(registry, "ops@example.org", auth.OPERATOR, operators=operators,
                                  consolidators=consolidators) == auth.Grant(auth.OPERATOR, email="ops@example.org")
    for address, role in (("nobody@example.org", auth.DEPARTMENT), ("zvit@zvernennia.example.org", auth.OPERATOR),
                          ("ops@example.org", auth.CONSOLIDATOR)):
        assert auth.grant_for_address(registry, address, role, operators=operators,
                                      consolidators=consolidators) is None
    clerk = auth.Principal(auth.DEPARTMENT, THIRD)
    assert clerk.sees_department(THIRD, "efektyvna-vlada") and not clerk.sees_department("upravlinnia-zviazkiv", None)
    assert not clerk.sees_program("efektyvna-vlada")
    consolidator = auth.Principal(auth.CONSOLIDATOR, None, ("efektyvna-vlada",))
    assert consolidator.sees_department("upravlinnia-zviazkiv", "efektyvna-vlada")
    assert not consolidator.sees_department("upravlinnia-zviazkiv", "insha-programa")


def test_link_requests_are_limited_per_address_and_per_client(engine: Engine) -> None:
    keys = [("address:a@example.org", 3), ("client:10.0.0.1", 5)]
    assert [auth.allow_request(engine, keys) for _ in range(4)] == [True, True, True, False]
    other = [("address:b@example.org", 3), ("client:10.0.0.1", 5)]
    assert [auth.allow_request(engine, other) for _ in range(3)] == [True, True, False]  # the client's 5 are used


def test_an_upload_keeps_only_a_plain_name() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\clerk\\Звіт 9 міс.DOCX") == "Звіт 9 міс.docx"
    assert safe_name('<script>alert("x")</script>.docx') == "script_.docx"  # a slash ends a folder's name
    assert safe_name("...") == "zvit"
    assert too_large("zvit.csv", 5 * 2**20) is None
    assert too_large("zvit.csv", 6 * 2**20) == ("Файл «zvit.csv» завеликий: 6,0 МБ, а звіт у форматі .csv може мати "
                                                "щонайбільше 5 МБ. Нічого не збережено.")


def test_findings_are_placed_on_the_cells_and_decisions_they_name(seed_reports: list[Report]) -> None:
    report = seed_reports[2]
    line = report.rows[0]
    assert report.decisions_location is not None
    wrong = report.decisions[0]
    findings = [
        Finding(rule_code="REPORT-DECISION-UNKNOWN", severity=Severity.CRITICAL, message="рішення не того",
                part=report.decisions_location.part or None, row=report.decisions_location.row,
                value=cite(wrong.number, wrong.date)),
        Finding(rule_code="ROW-PERCENT-MISMATCH", severity=Severity.WARNING, message="відсоток",
                part=line.location.part or None, row=line.location.row, column=line.columns["percent"]),
        Finding(rule_code="ROW-NOTE", severity=Severity.NOTICE, message="рядок", part=line.location.part or None,
                row=line.location.row),
    ]
    table = read_table(report, findings, program_title="Ефективна влада. Конкурентне місто")
    decisions = table.header[3]
    assert [(c.text, c.severity) for c in decisions.items] == [
        (cite(d.number, d.date), "critical" if d == wrong else None) for d in report.decisions]
    assert cite(wrong.number, wrong.date) == "02.12.2020 № 1430"
    first = table.rows[0]
    marked = [(table.columns[i], cell.text, cell.severity) for i, cell in enumerate(first.cells) if cell.severity]
    assert marked == [("Виконання, %", "64,00", "warning")]
    assert [f.rule_code for f in first.findings] == ["ROW-NOTE"]  # a row finding without a column marks the row
    assert all(not cell.severity for row in table.rows[1:] for cell in row.cells)


def test_zvit_web_link_prints_a_link_that_signs_in_once(engine: Engine, registry: Registry, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ZVIT_DATABASE_URL", str(engine.url))
    monkeypatch.setenv("ZVIT_WEB_BASE_URL", "https://city.example.org/zvit")
    assert main(["web", "link", THIRD]) == 0
    link = capsys.readouterr().out.strip()
    assert re.fullmatch(r"https://city\.example\.org/zvit/link/[A-Za-z0-9_-]{43}", link)
    token = link.rsplit("/", 1)[1]
    assert auth.use_link(engine, token, session_hours=1) is not None
    assert auth.use_link(engine, token, session_hours=1) is None
    assert main(["web", "link", "no-such-department"]) == 2
    assert capsys.readouterr().err == ("zvit: no-such-department: no department of that name (a department code "
                                       "from the registry, or for a consolidator an address in "
                                       "ZVIT_CONSOLIDATOR_EMAILS)\n")
