"""Issue 17: the department portal in headless Chromium, on a real `zvit web` over a real warehouse (SQLite, then
PostgreSQL): the third example department signs in by link, uploads its rejected report, sees the wrong decisions
highlighted in the header, uploads the corrected file and sees it accepted; the consolidator sees the new totals.

Screenshots are kept in $ZVIT_TEST_ARTIFACTS (default build/test-artifacts/web/).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.tools import require_tool
from tests.web_fixtures import (
    CHROMIUM_ARGS,
    FIRST,
    PERIOD,
    PROGRAM,
    ExampleFiles,
    WebServer,
    submit,
)
from zvit.formatting import amount, ratio
from zvit.warehouse import make_engine, view_rows

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def artifacts_dir() -> Path:
    """Where the test keeps pictures for people to look at."""
    folder = Path(os.environ.get("ZVIT_TEST_ARTIFACTS") or ROOT / "build" / "test-artifacts") / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The system Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    binary = require_tool("chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=binary, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


#: Every element with text of its own whose contrast with the background behind it is under WCAG 2.1 AA: 4.5:1,
#: or 3:1 for large text (24 px, or 18.66 px bold).
LOW_CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
                                                  : Math.pow((v + 0.055) / 1.055, 2.4); })
                                      .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                        if (c.length < 4 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  const low = [];
  for (const e of document.querySelectorAll('body *')) {
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(e);
    if (style.visibility === 'hidden' || e.getClientRects().length === 0 || style.position === 'absolute') continue;
    const [a, b] = [lum(rgb(style.color)), lum(behind(e))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) low.push(`${e.tagName}.${e.className}: ${ratio.toFixed(2)} «${e.textContent.trim().slice(0, 30)}»`);
  }
  return low;
}"""


def _program_totals(server: WebServer) -> dict[str, Any]:
    engine = make_engine(server.env["ZVIT_DATABASE_URL"])
    try:
        [row] = view_rows(engine, "v_program_totals", period_code=PERIOD, program_code=PROGRAM)
    finally:
        engine.dispose()
    return row


def _upload(page: Any, path: Path) -> float:
    """Upload through the form as a clerk does, from the link; seconds from pressing the button to the verdict."""
    page.get_by_role("link", name="Подати звіт").first.click()
    return submit(page, path)


def test_a_clerk_uploads_sees_the_rejection_then_the_correction_accepted_and_the_consolidator_the_totals(
        browser: Any, web_server: WebServer, example_files: ExampleFiles) -> None:
    before = _program_totals(web_server)
    assert before["department_count"] == 2

    # The clerk of the third department signs in with the link the operator printed.
    clerk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="uk-UA")
    page = clerk.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(web_server.link("upravlinnia-zvernen"))
    page.get_by_role("button", name="Увійти").click()
    assert page.locator("h1").inner_text() == "управління звернень та діловодства"
    assert page.url == web_server.url("/departments/upravlinnia-zvernen")

    # The example's rejected report: the verdict, and the wrong decisions highlighted in the header as read.
    seconds = _upload(page, example_files.third)
    assert page.locator("#verdict .verdict-word").inner_text() == "відхилено"
    assert "із запізненням" in page.locator("#verdict").inner_text()  # 2022-Q3 was due on 10 October 2022
    flagged = page.locator("#header-read .flagged.sev-critical")
    assert flagged.count() == 2
    assert "02.12.2020 № 1430" in flagged.nth(0).inner_text()
    assert "23.09.2022 № 279" in flagged.nth(1).inner_text()
    assert page.locator("#header-read .read-value:not(.flagged)").filter(has_text="Ефективна влада").count() == 1
    # the table as read: the cells the warnings name are marked, in the row and columns they name: the annual
    # volume citing №279 with the wrong date, and the percent (issue 14)
    cells = page.locator("table.read td.flagged.sev-warning").all_inner_texts()
    assert len(cells) == 2 and cells[0].startswith("402\u00a0700,00") and cells[1].startswith("64,00")
    marked_row = page.locator("table.read tbody tr", has=page.locator("td.flagged.sev-warning"))
    assert marked_row.locator("th").inner_text() == "рядок 3 таблиці 1"
    assert page.locator(".findings .finding.sev-critical").count() == 2
    assert page.evaluate(LOW_CONTRAST) == []
    page.screenshot(path=str(artifacts_dir() / "verdict-rejected.png"), full_page=True)
    assert seconds < 15, f"the verdict took {seconds:.1f} s"  # bench/web.py measures it on a warm server

    # The corrected file: accepted (the percent warning remains), version 2, the rejected one kept in history.
    _upload(page, example_files.corrected)
    assert page.locator("#verdict .verdict-word").inner_text() == "прийнято із зауваженнями"
    assert "версія 2" in page.locator("#verdict").inner_text()
    history = page.locator("ol.history li").all_inner_texts()
    assert [h.split(" — ")[0] for h in history] == ["версія 2: прийнято із зауваженнями",
                                                    "версія 1: замінено новішою версією"]
    assert page.locator("#header-read .flagged").count() == 0
    page.screenshot(path=str(artifacts_dir() / "verdict-accepted.png"), full_page=True)

    # Its own page lists both versions, and what the consolidated report counts from the new one.
    page.get_by_role("link", name="Мої звіти").click()
    versions = page.locator("table.list tbody tr")
    assert versions.count() == 2
    assert "не враховано" in versions.nth(1).inner_text()
    after = _program_totals(web_server)
    assert after["department_count"] == 3
    assert problems == []
    clerk.close()

    # The consolidator (a responsible executor of the program) sees the quarter with the new totals.
    consolidator = browser.new_context(viewport={"width": 1280, "height": 900}, locale="uk-UA")
    quarter = consolidator.new_page()
    quarter.goto(web_server.link(FIRST, "consolidator"))
    quarter.get_by_role("button", name="Увійти").click()
    quarter.goto(web_server.url(f"/quarter?period={PERIOD}"))
    rows = quarter.locator("#departments tbody tr")
    assert rows.count() == 3
    third = quarter.locator("#departments tr[data-department=upravlinnia-zvernen]")
    assert "прийнято із зауваженнями" in third.inner_text() and "із запізненням" in third.inner_text()
    totals = quarter.locator(f"#totals tr[data-program={PROGRAM}]")
    assert totals.locator("[data-field=annual]").inner_text() == amount(after["annual"])
    assert totals.locator("[data-field=financed]").inner_text() == amount(after["financed"])
    assert totals.locator("[data-field=percent]").inner_text() == ratio(after["computed_percent"])
    assert after["annual"] > before["annual"] and after["annual"] - before["annual"] == Decimal("402700.00")
    assert quarter.evaluate(LOW_CONTRAST) == []
    quarter.screenshot(path=str(artifacts_dir() / "quarter.png"), full_page=True)
    consolidator.close()


def test_the_pages_work_on_a_phone_and_by_keyboard(browser: Any, web_server: WebServer) -> None:
    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(web_server.url("/sign-in"))
    # every form control has a label; the page is no wider than the phone
    assert page.evaluate("[...document.querySelectorAll('input:not([type=hidden]), select')]"
                         ".every(e => e.labels && e.labels.length > 0)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # the first Tab reaches the skip link, and Enter on it moves to the main content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Перейти до змісту"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("document.documentElement.lang") == "uk"
    assert page.evaluate("document.scripts.length") == 0  # works without JavaScript: there is none
    assert page.evaluate(LOW_CONTRAST) == []
    phone.close()
