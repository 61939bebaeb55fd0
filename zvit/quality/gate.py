"""Running the gate: stage a batch, validate it in one Great Expectations run, map failures back to cells.

Every failing row of every rule reaches its finding, whatever the count: Great Expectations passes on at most
200 rows of a query rule, so when a rule counts more, its complete rows are read from the same query; and it lists
at most `partial_unexpected_count` failing rows of a column rule on SQL, so the batch's line count is passed as
that limit.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from zvit.catalogue import column_name, rules
from zvit.errors import ZvitError
from zvit.formatting import number
from zvit.model import Report
from zvit.quality.findings import Finding, catalogued
from zvit.quality.staging import HistoryMeasure, stage
from zvit.quality.suite import LINE_KEY, TABLES, build_suite, rule_table
from zvit.registry import Registry
from zvit.registry.resolve import Resolution

_HUNDRED = Decimal(100)


class GateError(ZvitError):
    """The gate itself failed (a rule raised inside Great Expectations): our error, never the department's."""


def check_reports(reports: Sequence[Report], resolutions: Sequence[Resolution], *, registry: Registry,
                  period: str | None = None, program: str | None = None,
                  history: Iterable[HistoryMeasure] = ()) -> list[list[Finding]]:
    """Every finding of every report, in the order of `reports`, from one validation of the whole batch: intake's
    repairs first, then the rules' failures."""
    findings: list[list[Finding]] = [list(report.warnings) for report in reports]
    if not reports:
        return findings
    with tempfile.TemporaryDirectory(prefix="zvit-gate-") as folder:
        database = Path(folder) / "stage.db"
        stage(database, reports, resolutions, registry, period=period, program=program, history=history)
        lines = _staged_lines(database)
        results = _validate(database, len(lines))
        for result in results:
            meta = result.expectation_config.meta or {}
            failure = _raised(result.exception_info or {})
            if failure is not None:
                raise GateError(f"rule {meta.get('rule')} failed to run: {failure}")
            if result.success:
                continue
            for key, finding in _findings(meta, result.result, lines, database):
                findings[key].append(finding)
    return findings


def _validate(database: Path, line_count: int) -> list[Any]:
    # Imported here: Great Expectations costs seconds to import, and only the gate needs it.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # A clean console: Great Expectations announces its temporary folders at INFO, on loggers whose levels its
    # import sets one by one.
    for name in [n for n in logging.root.manager.loggerDict if n.startswith("great_expectations")]:
        logging.getLogger(name).setLevel(logging.WARNING)

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_sqlite("stage", connection_string=f"sqlite:///{database}")
    results: list[Any] = []
    # One suite per staged table: line rules on the lines, report rules on every report (lines or not).
    for table in sorted(set(TABLES.values())):
        batch = source.add_table_asset(table, table_name=table).add_batch_definition_whole_table(table)
        suite = context.suites.add(build_suite(gx, f"zvit-{table}", table))
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=table, data=batch, suite=suite))
        run = definition.run(result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [LINE_KEY],
                                            "partial_unexpected_count": max(line_count, 20)} if table == "line"
                             else {"result_format": "COMPLETE"})
        results += run.results
    return results


def _raised(info: dict[str, Any]) -> str | None:
    """The message of an exception Great Expectations caught, whether reported flat or per metric."""
    reports = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for report in reports:
        if report.get("raised_exception"):
            return str(report.get("exception_message") or "unknown error")
    return None


def _staged_lines(database: Path) -> dict[int, dict[str, Any]]:
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    try:
        return {row["line_id"]: dict(row) for row in connection.execute("SELECT * FROM line")}
    finally:
        connection.close()


def _findings(meta: dict[str, Any], result: dict[str, Any], lines: dict[int, dict[str, Any]],
              database: Path) -> Iterable[tuple[int, Finding]]:
    rule = rules()[meta["rule"]]
    if rule.home == "gx":
        column = meta["column"]
        indexes = result.get("unexpected_index_list") or []
        if (result.get("unexpected_count") or 0) > len(indexes):
            raise GateError(f"rule {rule.code} listed {len(indexes)} of its {result['unexpected_count']} failing rows")
        for index in indexes:
            line = lines[index[LINE_KEY]]
            yield line["report_key"], _line_finding(rule.code, line, column)
        return
    rows = result.get("details", {}).get("unexpected_rows") or []
    if (result.get("observed_value") or 0) > len(rows):
        assert rule.sql_path is not None, "a gate rule not checked by an expectation is a query under sql/"
        rows = _all_rows(rule.sql_path, rule_table(rule), database)
    for row in rows:
        yield row["report_key"], _row_finding(rule.code, row)


def _all_rows(query_path: Path, table: str, database: Path) -> list[dict[str, Any]]:
    """Every row a rule's query returns, run on the staged table its `{batch}` stands for."""
    query = query_path.read_text(encoding="utf-8").replace("{batch}", table)
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(query)]
    finally:
        connection.close()


def _line_finding(code: str, line: dict[str, Any], column: str) -> Finding:
    """A finding of a Great Expectations rule about one cell of a staged line."""
    other = {"annual": "planned"}.get(column)
    return catalogued(code, measure=line["measure"], row=line["row"], part=line["part"] or None,
                      column=line.get(f"col_{column}") or column_name(column), field=column,
                      value=_money(line.get(column)), expected=_money(line.get(other)) if other else None,
                      detail=column_name(column))


def _row_finding(code: str, row: dict[str, Any]) -> Finding:
    """A finding of a SQL rule from one row it returned."""
    values = {name: _shown(row, name) for name in ("value", "expected", "difference")}
    detail = row.get("detail") or ""
    details = rules()[code].details
    if row.get("detail_code") in details:
        detail = details[row["detail_code"]].format(detail_value=row.get("detail_value") or "")
    return catalogued(code, measure=row.get("measure"), row=row.get("row"), part=row.get("part") or None,
                      column=row.get("column_ref"), field=row.get("field"), detail=detail, **values)


def _shown(row: dict[str, Any], name: str) -> str | None:
    """A rule's value as a department reads it: money in hryvnias, percents with a % sign."""
    if row.get(f"{name}_kop") is not None:
        return _money(row[f"{name}_kop"])
    if row.get(f"{name}_pct") is not None:
        points = number(Decimal(int(row[f"{name}_pct"])) / _HUNDRED)
        return points if name == "difference" else f"{points}%"  # a gap is in percentage points
    value = row.get(name)
    return None if value is None else str(value)


def _money(kopecks: int | float | None) -> str | None:
    return None if kopecks is None else number(Decimal(int(kopecks)) / _HUNDRED)
