"""Building the Great Expectations suites from the rule catalogue: one expectation per rule and column."""

from __future__ import annotations

from typing import Any

from zvit.catalogue import Rule, rules

#: Every line expectation reports the staged line's key, so a failure maps back to its report and source row.
LINE_KEY = "line_id"
#: The staged table each rule's `{batch}` is: report rules see every report, even one with no lines.
TABLES: dict[str, str] = {"report": "report", "row": "line", "cross-period": "line"}


def gate_rules() -> list[Rule]:
    """The catalogue's rules the gate runs: its Great Expectations and SQL homes."""
    return [rule for rule in rules().values() if rule.home == "gx" or rule.sql_path is not None]


def rule_table(rule: Rule) -> str:
    """The staged table a rule runs on."""
    return TABLES[rule.category]


def build_suite(gx: Any, name: str, table: str) -> Any:
    """A fresh suite of the rules on one staged table (an expectation belongs to one suite only); each
    expectation's meta names its rule."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.core.unexpected_rows_expectation import UnexpectedRowsExpectation

    suite = gx.ExpectationSuite(name=name)
    for rule in gate_rules():
        if rule_table(rule) != table:
            continue
        if rule.sql_path is not None:
            query = rule.sql_path.read_text(encoding="utf-8")
            suite.add_expectation(UnexpectedRowsExpectation(
                unexpected_rows_query=query, description=rule.message_en, meta={"rule": rule.code}))
            continue
        expectation = getattr(gxe, rule.expectation or "")
        for column in rule.columns:
            arguments = dict(rule.kwargs)
            if "column_A" not in arguments:
                arguments["column"] = column
            suite.add_expectation(expectation(**arguments, meta={"rule": rule.code, "column": column}))
    return suite
