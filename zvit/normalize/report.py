"""Building the normalized `Report` from one report's raw parts."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from zvit.catalogue import column_name, form_columns
from zvit.model import MONEY_FIELDS, NUMBER_FIELDS, FormLine, Report, SourceFormat, SourceLocation, Total
from zvit.normalize.columns import UNIT_NAMES
from zvit.normalize.header import read_header, read_signer
from zvit.normalize.language import language_notices
from zvit.normalize.layout import RawReport
from zvit.normalize.lines import LineDraft, TableContent, read_table
from zvit.normalize.units import ColumnUnit, rescale_details, resolve_units
from zvit.quality.findings import catalogued

_KOPECK = Decimal("0.01")


def build_report(raw: RawReport, source: str, fmt: SourceFormat, index: int) -> Report:
    """Interpret one report: header fields, lines in hryvnias, the total, and what intake had to assume."""
    table = read_table(source, raw.rows, raw.columns, raw.width)
    header = read_header(raw.header_lines)
    warnings = []
    if header.title and header.title != header.title_raw:
        warnings.append(catalogued("INTAKE-LATIN", found=header.title_raw, repaired=header.title))
    sums = {f: sum((line.amounts.get(f) or Decimal(0) for line in table.lines), Decimal(0)) for f in MONEY_FIELDS}
    units = resolve_units(raw.columns, raw.header_lines, sums, table.total)
    headers = {c.field: c.header for c in raw.columns}
    for unit in units.values():
        if unit.rescaled and table.total:
            details = rescale_details(unit, sums[unit.field], table.total[unit.field] or Decimal(0))
            warnings.append(catalogued(
                "INTAKE-UNIT-RESCALED", header=headers[unit.field], **details, column=headers[unit.field],
                part=table.total_location.part if table.total_location else None,
                row=table.total_location.row if table.total_location else None))
        elif not unit.declared_in_header:
            warnings.append(catalogued("INTAKE-UNIT-ASSUMED", column=headers[unit.field]))
    missing = missing_columns([c.field for c in raw.columns])
    if missing:
        warnings.append(catalogued("INTAKE-COLUMN-MISSING", detail=missing))
    refs = {c.field: str(c.index + 1) for c in raw.columns}
    rows = tuple(_line(draft, units, refs) for draft in table.lines)
    warnings += language_notices(rows)
    return Report(
        source=source,
        format=fmt,
        index=index,
        program=header.title,
        period=header.period.code if header.period else None,
        department=_department(table.lines, header.responsible_executors),
        decisions=tuple(header.decisions),
        title_location=_at(raw, header.title_line),
        decisions_location=_at(raw, header.decisions_line),
        responsible_executors=tuple(header.responsible_executors),
        term=header.term,
        signer=read_signer(raw.footer_lines),
        units={f: UNIT_NAMES[u.lines] for f, u in units.items()},
        rows=rows,
        total=_total(table, units),
        warnings=tuple(warnings),
    )


def _line(draft: LineDraft, units: dict[str, ColumnUnit], refs: dict[str, str]) -> FormLine:
    amounts = {f: _hryvnias(draft.amounts.get(f), units[f].lines if f in units else None) for f in NUMBER_FIELDS}
    texts = {f: (text or None) for f, text in draft.texts.items()}
    return FormLine(measure=draft.measure, sub_item=draft.sub_item, **texts, **amounts,
                    notes=tuple(draft.notes), cell_notes=dict(draft.cell_notes), location=draft.location,
                    columns=refs)


def _total(table: TableContent, units: dict[str, ColumnUnit]) -> Total | None:
    if table.total is None:
        return None
    amounts = {f: _hryvnias(table.total.get(f), units[f].total if f in units else None) for f in NUMBER_FIELDS}
    return Total(**amounts, location=table.total_location)


def _hryvnias(value: Decimal | None, scale: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return (value * scale if scale is not None else value).quantize(_KOPECK, rounding=ROUND_HALF_UP)


def missing_columns(found: list[str]) -> str:
    """The figures' columns the table lacks of the official form, in words: «у ній 9 граф замість 10, немає графи
    «Орієнтовний обсяг фінансування» (графа 6 за формою)»; '' when it has every one."""
    form = form_columns()
    # Only the figures' columns: a table that merges or leaves out a text column («Термін виконання») still
    # gives every figure of the consolidated form; one without «Орієнтовний обсяг» does not.
    absent = [(number, field) for number, field in enumerate(form, start=1)
              if field in NUMBER_FIELDS and field not in found]
    if not absent:
        return ""
    named = ", ".join(f"«{column_name(field)}» (графа {number} за формою)" for number, field in absent)
    count = len([field for field in found if field in form])
    return (f"у ній {count} {_columns_word(count)} замість {len(form)}, "
            f"немає {'графи' if len(absent) == 1 else 'граф'} {named}")


def _columns_word(count: int) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return "графа"
    return "графи" if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14 else "граф"


def _department(lines: list[LineDraft], responsible: list[str]) -> str | None:
    named = Counter(line.texts.get("executors", "").replace("\n", " ").strip() for line in lines)
    named.pop("", None)
    if named:
        return named.most_common(1)[0][0]
    return responsible[0] if len(responsible) == 1 else None


def _at(raw: RawReport, line: int | None) -> SourceLocation | None:
    return raw.header_locations[line] if line is not None else None
