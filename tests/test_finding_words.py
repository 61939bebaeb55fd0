"""Issue 14, points 3 and 10: a finding says where it is in words a clerk finds the place by, and Russianisms in a
department's own text are pointed out as a notice, whole words only, once per cell, never changed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zvit.model import FormLine, Report, SourceLocation
from zvit.normalize.language import language_notices, russianisms
from zvit.normalize.report import missing_columns
from zvit.quality.findings import Finding, Severity, catalogued, location_text


@pytest.mark.parametrize(("place", "expected"), [
    # a Word table cell: the table, the measure and the form's column by name
    ((("таблиця 1", 3, "9"), {"measure": "1", "field": "percent"}),
     "рядок 3 таблиці 1 (захід 1), графа 9 «Відсоток виконання»"),
    # an Excel sheet: the column letter too
    ((("Звіт", 12, "8"), {"measure": "3", "field": "financed"}),
     "рядок 12 аркуша «Звіт» (захід 3), графа 8 (стовпець H) «Фактично профінансовано»"),
    # a CSV or text file: its line
    ((("", 90, "6"), {"measure": "1", "field": "annual"}), "рядок 90 файлу (захід 1), графа 6 «Річний обсяг фінансування»"),
    # a header line: by its own words, with the file line where a file has numbered lines
    ((("абзац", 6, None), {"field": "decisions"}), "рядок «Дата і номер рішення міської ради…» заголовка звіту"),
    ((("", 90, None), {"field": "decisions"}),
     "рядок «Дата і номер рішення міської ради…» заголовка звіту (рядок 90 файлу)"),
    ((("Звіт", 4, None), {"field": "title"}),
     "рядок «Звіт про результат виконання програми…» заголовка звіту (рядок 4 аркуша «Звіт»)"),
    # any other paragraph, in words; a total row with no measure; a column with no name known
    ((("абзац", 6, None), {}), "6-й абзац тексту документа"),
    ((("таблиця 2", 14, "7"), {}), "рядок 14 таблиці 2, графа 7"),
    (((None, None, None), {}), ""),
])
def test_a_place_reads_in_words(place: tuple[tuple[str | None, int | None, str | None], dict[str, str]],
                                expected: str) -> None:
    (part, row, column), named = place
    assert location_text(part, row, column, **named) == expected


def test_no_place_says_table_twice_or_a_bare_paragraph_number() -> None:
    places = [location_text(part, row, column, measure=measure)
              for part in ("таблиця 1", "абзац", "", "Звіт") for row in (1, 6) for column in (None, "9")
              for measure in (None, "1")]
    assert places and not any("таблиця таблиця" in p or "таблиці таблиця" in p or p.startswith("абзац")
                              for p in places)


def test_a_stored_finding_knows_its_place_from_the_rule() -> None:
    # what the warehouse gives back: no message context, only the rule and the cell
    stored = Finding(rule_code="ROW-PERCENT-MISMATCH", severity=Severity.WARNING, message="…", measure="4",
                     part="таблиця 1", row=6, column="9", value="25,00%", expected="24,04%")
    assert stored.where == "рядок 6 таблиці 1 (захід 4), графа 9 «Відсоток виконання»"
    header = catalogued("REPORT-DECISION-WRONG-DATE", part="абзац", row=6, value="23.09.2022 № 279",
                        expected="23.09.2021 № 279")
    assert header.where == "рядок «Дата і номер рішення міської ради…» заголовка звіту"
    assert header.message == "Рішення від 23.09.2022 № 279 має іншу дату: правильно — 23.09.2021 № 279."


def test_russianisms_are_found_as_whole_words_in_any_case() -> None:
    assert russianisms("Планується ЗАКЛЮЧИТИ  договір у жовтні; навиків бракує") == [
        ("ЗАКЛЮЧИТИ договір", "укласти договір"), ("навиків", "навичок")]
    # inside a longer word, or a word that only starts alike, is no match
    assert russianisms("заключна частина, навикидати, перенавиків, приймати участі") == []


def _line(**texts: str) -> FormLine:
    return FormLine(measure="4", location=SourceLocation(part="таблиця 1", row=6), annual=Decimal("141000"),
                    columns={"task": "2", "content": "3", "info": "10"}, **texts)


def test_one_notice_per_cell_names_each_russianism_once_and_the_text_stays_as_written() -> None:
    info = "Планується заключити договір. Навиків бракує, тому навиків набуватимуть. Заключити договір — у жовтні."
    line = _line(task="Підвищити рівень навиків депутатів", info=info)
    task, info_notice = language_notices((line,))
    assert (task.severity, task.rule_code, task.column, task.value, task.expected) == (
        "notice", "TEXT-RUSSIANISM", "2", "навиків", "навичок")
    assert task.message == ("Рядок 6 таблиці 1 (захід 4), графа 2 «Пріоритетні завдання»: «навиків» краще "
                            "замінити на «навичок». Це порада щодо мови, текст звіту прийнято так, як його "
                            "написано.")
    assert (info_notice.column, info_notice.value) == ("10", "заключити договір, Навиків")
    assert "«заключити договір» краще замінити на «укласти договір»; «Навиків» краще замінити на «навичок»" \
        in info_notice.message
    assert line.info == info  # never changed
    assert language_notices((_line(task="Забезпечити участь депутатів", info="Договір укладено."),)) == []


def test_the_seed_gets_two_language_notices_where_its_departments_wrote_them(seed_reports: list[Report]) -> None:
    notices = [(r.index, f.measure, f.column, f.value) for r in seed_reports for f in r.warnings
               if f.rule_code == "TEXT-RUSSIANISM"]
    assert notices == [(1, "4", "2", "навиків"), (2, "4", "10", "заключити договір")]


def test_a_table_without_a_figure_column_of_the_form_says_which_and_how_many_it_has() -> None:
    form = ["measure", "task", "content", "term", "executors", "planned", "annual", "financed", "percent", "info"]
    assert missing_columns(form) == ""
    assert missing_columns([f for f in form if f != "planned"]) == (
        "у ній 9 граф замість 10, немає графи «Орієнтовний обсяг фінансування» (графа 6 за формою)")
    # a text column merged away is not the form's figures: no finding for it
    assert missing_columns([f for f in form if f != "term"]) == ""
    assert missing_columns([f for f in form if f not in ("planned", "percent", "term")]) == (
        "у ній 7 граф замість 10, немає граф «Орієнтовний обсяг фінансування» (графа 6 за формою), "
        "«Відсоток виконання» (графа 9 за формою)")
