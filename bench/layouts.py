"""One synthetic department report as a `ReportLayout`: header lines, the form's table, a signature."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bench import vocabulary as words
from bench.city import City, DecisionSpec, DepartmentSpec, ProgramSpec
from zvit.intake import ReportLayout
from zvit.model import SourceLocation
from zvit.normalize.columns import Column
from zvit.normalize.lines import GridRow
from zvit.normalize.periods import PERIOD_WORDS, ReportingPeriod

_THOUSAND = Decimal(1000)
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")
#: Defects that make the gate reject a report that reads fine.
REJECTED_DEFECTS = ("financed-gt-annual", "wrong-decision")


@dataclass(frozen=True)
class ReportPlan:
    """What one report will say and how it is laid out; the generator draws it from the seed."""

    department: DepartmentSpec
    program: ProgramSpec
    lines: int
    #: False: the 9-column variant without the program volume («Орієнтовний обсяг»)
    planned_column: bool
    #: hryvnias per written unit: 1000 (тис. грн, the form's unit) or 1
    unit: int
    defect: str | None = None


@dataclass(frozen=True)
class BuiltReport:
    """The layout and what the parser should find in it."""

    layout: ReportLayout
    lines: int
    sub_items: int
    continuations: int
    has_total: bool


def build_report(rng: random.Random, plan: ReportPlan, city: City, period: ReportingPeriod) -> BuiltReport:
    """Draw one report's text and numbers; the line count (lines + sub-items) is exactly plan.lines."""
    columns = _columns(plan)
    rows, sub_items, continuations = _rows(rng, plan)
    has_total = rng.random() < 0.9
    if has_total:
        rows.append(_total_row(rows, plan, len(rows)))
    header = _header(rng, plan, city, period)
    footer = [rng.choice(words.POSITIONS), f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.SURNAMES)}"]
    layout = ReportLayout(header_lines=header, columns=columns, rows=rows, footer_lines=footer)
    return BuiltReport(layout, plan.lines, sub_items, continuations, has_total)


def _columns(plan: ReportPlan) -> list[Column]:
    unit = "тис. грн" if plan.unit == 1000 else "грн"
    specs = [("measure", "№ з/п"), ("task", "Пріоритетні завдання"), ("content", "Зміст заходів"),
             ("term", "Термін виконання"), ("executors", "Виконавці")]
    if plan.planned_column:
        specs.append(("planned", f"Орієнтовний обсяг фінансування відповідно до програми, {unit}"))
    specs += [("annual", f"Річний обсяг фінансування, {unit}"),
              ("financed", f"Фактично профінансовано у звітному періоді, {unit}"),
              ("percent", "Відсоток виконання заходу, %"),
              ("info", "Інформація про виконання, або причини невиконання заходу")]
    factor = Decimal(plan.unit)
    return [Column(field, index, header, factor if field in ("planned", "annual", "financed") else None)
            for index, (field, header) in enumerate(specs)]


def _rows(rng: random.Random, plan: ReportPlan) -> tuple[list[GridRow], int, int]:
    rows: list[GridRow] = []
    sub_items = continuations = 0
    term = f"{plan.program.first_year}-{plan.program.last_year}"
    executor = _executor_name(rng, plan.department)
    dotted = rng.random() < 0.5  # «1.» or «1», one style per clerk
    over_budget_at = rng.randrange(plan.lines) if plan.defect == "financed-gt-annual" else -1
    written = measure = 0
    while written < plan.lines:
        measure += 1
        subs = min(rng.choice((0, 0, 0, 1, 1, 2, 3)), plan.lines - written - 1)
        numbered_subs = rng.random() < 0.15
        for sub in range(subs + 1):
            cells = _money_cells(rng, plan, over_budget=written == over_budget_at)
            cells["content"] = _content(rng)
            cells["info"] = _info(rng, cells)
            if sub == 0:
                cells.update(measure=f"{measure}." if dotted else str(measure), task=_task(rng), term=term,
                             executors=executor)
                kind = "line"
            else:
                # Sub-items leave the measure and task to the merged cells above; some repeat term and executors.
                repeat = rng.random() < 0.4
                cells.update(measure=f"{measure}.{sub}" if numbered_subs else "", task="",
                             term=term if repeat else "", executors=executor if repeat else "")
                kind = "sub_item"
                sub_items += 1
            rows.append(GridRow(_fill(cells, plan), SourceLocation(part="", row=len(rows) + 1), kind=kind))
            written += 1
            if rng.random() < 0.06:
                # The cell ran over a page break: its end is in a row of its own in the next table.
                tail = {"info" if rng.random() < 0.6 else "content": rng.choice(words.TAILS)}
                rows.append(GridRow(_fill(tail, plan), SourceLocation(part="", row=len(rows) + 1),
                                    kind="continuation"))
                continuations += 1
    return rows, sub_items, continuations


def _fill(cells: dict[str, str], plan: ReportPlan) -> dict[str, str]:
    fields = ["measure", "task", "content", "term", "executors", "annual", "financed", "percent", "info"]
    if plan.planned_column:
        fields.insert(5, "planned")
    return {field: cells.get(field, "") for field in fields}


def _executor_name(rng: random.Random, department: DepartmentSpec) -> str:
    """The department as its clerk writes it: the official name, the short one, with the council's name."""
    roll = rng.random()
    name = department.short_name if roll < 0.2 else department.name
    if roll > 0.85:
        name += " міської ради"
    return name[0].upper() + name[1:]


def _task(rng: random.Random) -> str:
    return f"{rng.choice(words.TASK_VERBS)} {rng.choice(words.OBJECTS)}"


def _content(rng: random.Random) -> str:
    first = f"{rng.choice(words.ACTIONS)} {rng.choice(words.ACTION_OBJECTS)}"
    if rng.random() < 0.12:
        # A list of actions typed as separate paragraphs of one cell (a text export keeps them as <p> fragments).
        more = [f"{rng.choice(words.ACTIONS)} {rng.choice(words.ACTION_OBJECTS)}" for _ in range(rng.randint(1, 3))]
        return " ".join(f"<p>{item};</p>" for item in (first, *more))
    return first


def _info(rng: random.Random, cells: dict[str, str]) -> str:
    done = cells.get("_share", Decimal(0)) >= Decimal("0.99")
    sentence = rng.choice(words.DONE if done else words.PARTIAL)
    detail = rng.choice(words.DETAILS).format(k=rng.randint(2, 40), m=rng.randint(50, 5000),
                                               d=f"{rng.randint(1, 28):02d}.{rng.randint(1, 9):02d}.2022")
    if rng.random() < 0.15:
        return f"{sentence}\n{detail}"  # two paragraphs in one cell
    return f"{sentence} {detail}" if rng.random() < 0.5 else sentence


def _money_cells(rng: random.Random, plan: ReportPlan, *, over_budget: bool) -> dict:
    # Amounts are whole hundreds of hryvnias so that a column in тис. грн with one decimal is exact.
    annual = Decimal(rng.randint(20, 30_000)) * 100
    share = Decimal(1) if rng.random() < 0.3 else Decimal(0) if rng.random() < 0.15 else \
        Decimal(rng.randint(5, 99)) / 100
    if over_budget:
        share = Decimal(rng.randint(110, 160)) / 100
    financed = annual * share
    if plan.unit == 1:
        financed += Decimal(rng.randint(0, 99)) * _CENT if share not in (0, 1) else 0
    financed = (financed / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100 if plan.unit == 1000 else \
        financed.quantize(_CENT)
    planned = annual * rng.choice((1, 1, 3, 4, 5))
    return {"_annual": annual, "_financed": financed, "_planned": planned, "_share": share,
            "planned": format_amount(planned, plan.unit, rng), "annual": format_amount(annual, plan.unit, rng),
            "financed": format_amount(financed, plan.unit, rng), "percent": format_percent(financed, annual, rng)}


def format_amount(hryvnias: Decimal, unit: int, rng: random.Random | None = None) -> str:
    """An amount as a clerk types it: «1 234,5» in тис. грн, «249 000,00» in грн, grouped or not."""
    text = f"{(hryvnias / _THOUSAND).quantize(_TENTH):,}" if unit == 1000 else f"{hryvnias.quantize(_CENT):,}"
    grouping = " " if rng is None or rng.random() < 0.7 else ""
    return text.replace(",", grouping).replace(".", ",")


def format_percent(financed: Decimal, annual: Decimal, rng: random.Random | None = None) -> str:
    """financed / annual as the form's percent («51,88%»)."""
    percent = (financed / annual * 100).quantize(_CENT, rounding=ROUND_HALF_UP) if annual else Decimal(0)
    text = f"{percent}".replace(".", ",")
    if text.endswith(",00") and (rng is None or rng.random() < 0.5):
        text = text[:-3]
    return f"{text}%" if rng is None or rng.random() < 0.85 else text


def _total_row(rows: list[GridRow], plan: ReportPlan, number: int) -> GridRow:
    sums = {field: sum((_value(row.cells.get(field, ""), plan.unit) for row in rows), Decimal(0))
            for field in ("planned", "annual", "financed")}
    cells = {"annual": f"Всього: {format_amount(sums['annual'], plan.unit)}",
             "financed": f"Всього: {format_amount(sums['financed'], plan.unit)}",
             "percent": f"Всього: {format_percent(sums['financed'], sums['annual'])}"}
    if plan.planned_column:
        cells["planned"] = f"Всього: {format_amount(sums['planned'], plan.unit)}"
    return GridRow(_fill(cells, plan), SourceLocation(part="", row=number + 1), kind="total")


def _value(text: str, unit: int) -> Decimal:
    if not text:
        return Decimal(0)
    return Decimal(text.replace(" ", "").replace(",", ".")) * unit


def _header(rng: random.Random, plan: ReportPlan, city: City, period: ReportingPeriod) -> list[str]:
    program = plan.program
    title = program.title
    if rng.random() < 0.03:
        title = title.replace("о", "o", 1)  # a Latin «o» typed into the title, as in the seed
    when = period_phrase(period)
    responsible = ", ".join(d.name for d in city.responsible(program.code)) or plan.department.name
    return [
        "Звіт",
        rng.choice(("про результат виконання", "про результати виконання")),
        f"Міської цільової програми «{title}»",
        f"Житомирської міської територіальної громади на {program.first_year}-{program.last_year} роки",
        f"{when}.",
        "Дата і номер рішення міської ради, яким затверджено Програму: " + _decisions_text(rng, plan),
        f"Відповідальний виконавець Програми: **{responsible}.**",
        f"Термін реалізації Програми: **{program.first_year}-{program.last_year} роки.**",
        "1. Виконання заходів Програми",
    ]


def period_phrase(period: ReportingPeriod) -> str:
    """How a report's title names its period: «за 9 місяців 2022 року», «за 2022 рік»."""
    return f"за {period.year} рік" if period.quarter == 4 else f"за {PERIOD_WORDS[period.quarter]} {period.year} року"


def _decisions_text(rng: random.Random, plan: ReportPlan) -> str:
    """The decisions line in one of the forms the seed's offices use; a wrong decision when the plan says so."""
    approval, *amendments = plan.program.decisions
    if plan.defect == "wrong-decision":
        approval = DecisionSpec(str(rng.randint(2000, 2999)), approval.date.replace(day=min(approval.date.day, 27) + 1),
                                approval.program, True)
    if amendments and rng.random() < 0.08:
        amendments = amendments[:-1]  # the latest change forgotten: a warning, not a rejection
    form = rng.randrange(3)
    if form == 0:  # «**24.12.2020 №31** та зміни від **02.09.2022 №558**.»
        text = f"**{_dmy(approval)} №{approval.number}**"
        if amendments:
            text += " та зміни від " + ", ".join(f"**{_dmy(d)} №{d.number}**" for d in amendments)
        return text + "."
    if form == 1:  # «№31 від 24.12.2020, внесення змін - №279 від 23.09.2021; №381 від 24.12.2021»
        text = f"№{approval.number} від {_dmy(approval)}"
        if amendments:
            text += ", внесення змін - " + "; ".join(f"№{d.number} від {_dmy(d)}" for d in amendments)
        return text
    # «**24.12.2020 р. № 31 та зміни від 23.09.2021 № 279**»
    text = f"{_dmy(approval)} р. № {approval.number}"
    if amendments:
        text += " та зміни від " + ", ".join(f"{_dmy(d)} № {d.number}" for d in amendments)
    return f"**{text}**"


def _dmy(decision: DecisionSpec) -> str:
    return decision.date.strftime("%d.%m.%Y")
