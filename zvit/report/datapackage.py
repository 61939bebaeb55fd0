"""The report as open data: a Frictionless data package (datapackage.json + UTF-8 CSV) for a data portal."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from zvit.formatting import THOUSANDS, Unit
from zvit.quality.findings import Status
from zvit.report.atomic import write_atomic
from zvit.report.model import AnnexFinding, ConsolidatedReport, DepartmentStatus, Line, Section
from zvit.report.safety import csv_text
from zvit.report.texts import period_phrase, texts

#: statuses a department's row can have in departments.csv ('unreadable': its only file could not be read)
STATUSES: tuple[Status, ...] = (Status.ACCEPTED, Status.ACCEPTED_WITH_WARNINGS, Status.REJECTED, Status.UNREADABLE,
                               Status.MISSING)


@dataclass(frozen=True)
class Column:
    """A CSV column: its Table Schema type and how to get its value from a record."""

    name: str
    type: str
    get: Callable[[Any], Any]
    required: bool = False
    constraints: dict[str, Any] | None = None


def _line_columns(report: ConsolidatedReport) -> list[Column]:
    program, period = report.program.code, report.period.code
    return [
        Column("program_code", "string", lambda _: program, required=True),
        Column("period_code", "string", lambda _: period, required=True),
        Column("department_code", "string", lambda r: r[0].department_code, required=True),
        Column("department_name", "string", lambda r: r[0].department_name, required=True),
        Column("line_no", "integer", lambda r: r[1].line_no, required=True),
        Column("measure", "string", lambda r: r[1].measure),
        Column("sub_item", "integer", lambda r: r[1].sub_item, required=True),
        Column("task", "string", lambda r: r[1].task),
        Column("content", "string", lambda r: r[1].content),
        Column("term", "string", lambda r: r[1].term),
        Column("executors", "string", lambda r: r[1].executors),
        Column("planned", "number", lambda r: r[1].amounts.planned),
        Column("annual", "number", lambda r: r[1].amounts.annual),
        Column("financed", "number", lambda r: r[1].amounts.financed),
        Column("reported_percent", "number", lambda r: r[1].reported_percent),
        Column("computed_percent", "number", lambda r: r[1].amounts.ratio),
        Column("info", "string", lambda r: r[1].info),
        # where the line is in the department's file: the file, its table (Word) or sheet (Excel) and row
        Column("source_file", "string", lambda r: r[0].source_file),
        Column("source_part", "string", lambda r: r[1].source_part),
        Column("source_row", "integer", lambda r: r[1].source_row),
    ]


def _department_columns(report: ConsolidatedReport) -> list[Column]:
    program, period = report.program.code, report.period.code
    return [
        Column("program_code", "string", lambda _: program, required=True),
        Column("period_code", "string", lambda _: period, required=True),
        Column("department_code", "string", lambda s: s.department_code),
        Column("department_name", "string", lambda s: s.department_name, required=True),
        Column("responsible_executor", "boolean", lambda s: s.responsible, required=True),
        Column("deadline", "date", lambda s: s.deadline, required=True),
        Column("status", "string", lambda s: s.status, required=True, constraints={"enum": list(STATUSES)}),
        # the file received: for 'unreadable' the one that could not be read (and `reasons` says why)
        Column("source_file", "string", lambda s: s.source_file or s.refused_file),
        Column("version", "integer", lambda s: s.version),
        Column("received_at", "datetime", lambda s: s.received_at),
        Column("is_late", "boolean", lambda s: s.is_late),
        Column("line_count", "integer", lambda s: s.line_count, required=True),
        Column("signed_by", "string", lambda s: s.signed_by),
        Column("reasons", "string", lambda s: "\n".join(s.reasons) or None),
    ]


def _finding_columns(report: ConsolidatedReport) -> list[Column]:
    program, period = report.program.code, report.period.code
    return [
        Column("program_code", "string", lambda _: program, required=True),
        Column("period_code", "string", lambda _: period, required=True),
        Column("annex_number", "integer", lambda f: f[0], required=True),
        Column("department_code", "string", lambda f: f[1].department_code),
        Column("department_name", "string", lambda f: f[1].department_name, required=True),
        Column("measure", "string", lambda f: f[1].measure),
        Column("sub_item", "integer", lambda f: f[1].sub_item),
        Column("source_part", "string", lambda f: f[1].part),
        Column("where", "string", lambda f: f[1].where or None),
        Column("row", "integer", lambda f: f[1].row),
        Column("column", "string", lambda f: f[1].column),
        Column("value", "string", lambda f: f[1].value),
        Column("expected", "string", lambda f: f[1].expected),
        Column("severity", "string", lambda f: f[1].severity, required=True),
        Column("rule_code", "string", lambda f: f[1].rule_code, required=True),
        Column("origin", "string", lambda f: f[1].origin, required=True),
        Column("message", "string", lambda f: f[1].message, required=True),
    ]


def _total_columns(report: ConsolidatedReport) -> list[Column]:
    program, period = report.program.code, report.period.code
    return [
        Column("program_code", "string", lambda _: program, required=True),
        Column("period_code", "string", lambda _: period, required=True),
        Column("level", "string", lambda t: t[0], required=True,
               constraints={"enum": ["department", "program", "not_counted"]}),
        Column("department_code", "string", lambda t: t[1].department_code if t[1] else None),
        Column("department_name", "string", lambda t: t[1].department_name if t[1] else None),
        Column("line_count", "integer", lambda t: len(t[1].lines) if t[1] else len(report.lines), required=True),
        Column("planned", "number", lambda t: t[2].planned),
        Column("annual", "number", lambda t: t[2].annual),
        Column("financed", "number", lambda t: t[2].financed),
        # a report not counted shows its own percent (reported), as it claims it
        Column("computed_percent", "number", lambda t: t[2].ratio if t[0] != "not_counted" else None),
        Column("reported_percent", "number",
               lambda t: t[2].ratio if t[0] == "not_counted" else t[1].reported_percent if t[1] else None),
    ]


def _cell(value: Any) -> str:
    """A CSV cell: plain decimals with a point, ISO dates, UTC times, lowercase booleans, text kept as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return csv_text(str(value))


def _csv(columns: list[Column], records: Iterable[Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    for record in records:
        writer.writerow([_cell(column.get(record)) for column in columns])
    return buffer.getvalue()


def _schema(columns: list[Column], titles: dict[str, str]) -> dict[str, Any]:
    fields = []
    for column in columns:
        spec: dict[str, Any] = {"name": column.name, "type": column.type, "title": titles[column.name]}
        if column.type == "number":
            spec["bareNumber"] = True
        constraints = dict(column.constraints or {})
        if column.required:
            constraints["required"] = True
        if constraints:
            spec["constraints"] = constraints
        fields.append(spec)
    return {"fields": fields, "missingValues": [""]}


def _resource(name: str, title: str, columns: list[Column], **schema_extra: Any) -> dict[str, Any]:
    return {"name": name, "title": title, "path": f"{name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"delimiter": ",", "quoteChar": '"', "lineTerminator": "\r\n", "header": True},
            "schema": {**_schema(columns, texts()["datapackage"]["fields"]), **schema_extra}}


def package_name(report: ConsolidatedReport) -> str:
    """The package's machine name: lowercase letters, digits and hyphens, e.g. zvit-efektyvna-vlada-2022-q3."""
    return re.sub(r"[^a-z0-9]+", "-", f"zvit-{report.program.code}-{report.period.code}".lower()).strip("-")


def build_package(report: ConsolidatedReport) -> tuple[dict[str, Any], dict[str, str]]:
    """The descriptor and the CSV text of each resource, by file name."""
    words = texts()["datapackage"]
    lines: list[tuple[Section, Line]] = [(section, line) for section in report.counted_sections
                                         for line in section.lines]
    statuses: tuple[DepartmentStatus, ...] = report.statuses
    findings: list[tuple[int, AnnexFinding]] = list(enumerate(report.findings, start=1))
    totals = [*(("department", section, section.totals) for section in report.counted_sections),
              ("program", None, report.total),
              *(("not_counted", section, section.claimed) for section in report.uncounted_claims)]
    tables: dict[str, tuple[list[Column], Sequence[Any]]] = {
        "lines": (_line_columns(report), lines),
        "totals": (_total_columns(report), totals),
        "departments": (_department_columns(report), statuses),
        "findings": (_finding_columns(report), findings),
    }
    resources = [
        _resource("lines", words["resources"]["lines"], tables["lines"][0],
                  primaryKey=["department_code", "line_no"],
                  foreignKeys=[{"fields": ["department_code"],
                                "reference": {"resource": "departments", "fields": ["department_code"]}}]),
        _resource("totals", words["resources"]["totals"], tables["totals"][0]),
        _resource("departments", words["resources"]["departments"], tables["departments"][0]),
        _resource("findings", words["resources"]["findings"], tables["findings"][0]),
    ]
    descriptor = {
        "name": package_name(report),
        "title": words["title"].format(title=report.program.title, period=period_phrase(report.period)),
        "description": " ".join(words["description"].split()),
        "version": report.prepared_at.strftime("%Y.%m.%d"),
        "created": report.prepared_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "keywords": [report.program.code, report.period.code],
        "licenses": [dict(words["license"])],
        "resources": resources,
    }
    csv_files = {f"{name}.csv": _csv(columns, records) for name, (columns, records) in tables.items()}
    return descriptor, csv_files


def write_datapackage(report: ConsolidatedReport, path: Path, *, unit: Unit = THOUSANDS) -> Path:
    """Write the CSV files, then datapackage.json (at `path`), each atomically; amounts are always in hryvnias."""
    del unit  # open data carries exact hryvnias whatever unit the documents use
    descriptor, csv_files = build_package(report)
    for name, text in csv_files.items():
        write_atomic(path.parent / name, text)
    write_atomic(path, json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    return path
