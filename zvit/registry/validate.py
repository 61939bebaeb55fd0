"""Check a registry directory: YAML syntax, shape (pydantic) and the references between entries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from zvit.registry.names import normalize_department, normalize_program
from zvit.registry.schema import Registry
from zvit.registry.yamldoc import Document, Loc, Problem, read_document

SECTIONS: tuple[str, ...] = tuple(Registry.model_fields)

Report = Callable[[Loc, str], None]


def read_registry(directory: Path) -> tuple[Registry | None, list[Problem]]:
    """Parse and validate every *.yaml file of a registry directory; the registry is None if anything is wrong."""
    if not directory.is_dir():
        return None, [Problem(directory, None, "registry directory not found")]
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not files:
        return None, [Problem(directory, None, "no *.yaml files in the registry directory")]
    problems: list[Problem] = []
    merged: dict[str, Any] = {}
    owners: dict[str, Document] = {}
    for path in files:
        doc = read_document(path)
        problems.extend(doc.problems)
        _merge_sections(doc, merged, owners, problems)

    def where(loc: Loc) -> tuple[Path, int | None]:
        doc = owners.get(str(loc[0])) if loc else None
        return (doc.path, doc.line_of(loc)) if doc else (directory, None)

    def report(loc: Loc, message: str) -> None:
        path, line = where(loc)
        problems.append(Problem(path, line, f"{_dotted(loc)}: {message}" if loc else message))

    try:
        registry = Registry.model_validate(merged)
    except ValidationError as exc:
        errors = exc.errors()
        locs = [tuple(error["loc"]) for error in errors]
        for error, loc in zip(errors, locs, strict=True):
            # a list that is too short only because its items failed says nothing new
            if not any(len(other) > len(loc) and other[: len(loc)] == loc for other in locs):
                report(loc, _message(error))
        return None, problems
    cross_check(registry, report)
    return (None if problems else registry), problems


def _merge_sections(doc: Document, merged: dict[str, Any], owners: dict[str, Document],
                    problems: list[Problem]) -> None:
    if doc.data is None:
        return
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.path, 1, f"expected a mapping of sections ({', '.join(SECTIONS)})"))
        return
    for section, value in doc.data.items():
        line = doc.lines.get((section,))
        if section not in SECTIONS:
            problems.append(Problem(doc.path, line, f"unknown key '{section}' (sections are: {', '.join(SECTIONS)})"))
        elif section in owners:
            problems.append(Problem(doc.path, line,
                                    f"section '{section}' is already defined in {owners[section].path}"))
        else:
            merged[section], owners[section] = value, doc


def _dotted(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing key"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in {"value_error", "assertion_error"}:
        return message
    found = error.get("input")
    return message if isinstance(found, (dict, list)) else f"{message} (found {found!r})"


def cross_check(registry: Registry, report: Report) -> None:
    """Report duplicates, dangling references and dates that contradict each other."""
    _unique(report, "programs", [p.code for p in registry.programs], "code", "program code")
    _unique(report, "departments", [d.code for d in registry.departments], "code", "department code")
    _unique(report, "convocations", [c.code for c in registry.convocations], "code", "convocation code")
    _unique(report, "decisions", [(d.number, d.date) for d in registry.decisions], "number", "decision")
    _check_programs(registry, report)
    _check_decisions(registry, report)
    _check_departments(registry, report)
    _check_name_clashes(registry, report)
    covered = {period.code for period in registry.periods()}
    for code in registry.calendar.overrides:
        if code not in covered:
            report(("calendar", "overrides", code), f"period {code} is outside every program's years")


def _unique(report: Report, section: str, keys: Iterable[Any], field: str, what: str) -> None:
    first: dict[Any, int] = {}
    for index, key in enumerate(keys):
        if key in first:
            shown = key if not isinstance(key, tuple) else f"№{key[0]} of {key[1].isoformat()}"
            report((section, index, field), f"duplicate {what} {shown!s} (first at {section}[{first[key]}])")
        else:
            first[key] = index


def _check_programs(registry: Registry, report: Report) -> None:
    by_key = {(d.number, d.date): d for d in registry.decisions}
    for index, program in enumerate(registry.programs):
        if program.last_year < program.first_year:
            report(("programs", index, "last_year"), "last_year is before first_year")
        ref = program.approved_by
        decision = by_key.get((ref.number, ref.date))
        if decision is None:
            report(("programs", index, "approved_by"),
                   f"decision №{ref.number} of {ref.date.isoformat()} is not in the decisions")
        elif program.code not in decision.approves:
            report(("programs", index, "approved_by"),
                   f"decision №{ref.number} of {ref.date.isoformat()} does not list '{program.code}' in approves")
        approvals = [d for d in registry.decisions if program.code in d.approves]
        if len(approvals) > 1:
            report(("programs", index, "code"), f"program '{program.code}' is approved by {len(approvals)} decisions")


def _check_decisions(registry: Registry, report: Report) -> None:
    programs = {p.code: p for p in registry.programs}
    sessions = sorted((c.first_session, c.code) for c in registry.convocations)
    for index, decision in enumerate(registry.decisions):
        for field in ("approves", "amends"):
            for position, code in enumerate(getattr(decision, field)):
                if code not in programs:
                    report(("decisions", index, field, position), f"unknown program '{code}'")
        convocation = next((c for c in registry.convocations if c.code == decision.convocation), None)
        if convocation is None:
            report(("decisions", index, "convocation"), f"unknown convocation '{decision.convocation}'")
        else:
            later = [start for start, _ in sessions if start > convocation.first_session]
            if decision.date < convocation.first_session or (later and decision.date >= later[0]):
                report(("decisions", index, "date"),
                       f"{decision.date.isoformat()} is outside convocation {convocation.code} "
                       f"(first session {convocation.first_session.isoformat()})")
        for code in decision.amends:
            program = programs.get(code)
            if program and decision.date < program.approved_by.date:
                report(("decisions", index, "date"),
                       f"amends '{code}' before it was approved on {program.approved_by.date.isoformat()}")


def _check_departments(registry: Registry, report: Report) -> None:
    programs = {p.code for p in registry.programs}
    for index, department in enumerate(registry.departments):
        for position, code in enumerate(department.programs):
            if code not in programs:
                report(("departments", index, "programs", position), f"unknown program '{code}'")
        for position, code in enumerate(department.responsible_for):
            if code not in department.programs:
                report(("departments", index, "responsible_for", position),
                       f"'{code}' is not among the department's programs")


def _check_name_clashes(registry: Registry, report: Report) -> None:
    # a name that resolves to two departments (or titles to two programs) would make resolution a coin toss
    owners: dict[str, str] = {}
    for index, department in enumerate(registry.departments):
        for position, name in enumerate((department.name, *department.name_variants)):
            owner = owners.setdefault(normalize_department(name), department.code)
            if owner != department.code:
                loc: Loc = ("departments", index, "name") if position == 0 else (
                    "departments", index, "name_variants", position - 1)
                report(loc, f"name {name!r} already belongs to department {owner}")
    # so is an address: mail from it, and a sign-in link asked for it, must be one department's
    addresses: dict[str, str] = {}
    for index, department in enumerate(registry.departments):
        for position, email in enumerate(department.emails):
            owner = addresses.setdefault(email.strip().lower(), department.code)
            if owner != department.code:
                report(("departments", index, "emails", position), f"address {email!r} already belongs to "
                       f"department {owner}")
    titles: dict[str, str] = {}
    for index, program in enumerate(registry.programs):
        for position, title in enumerate((program.title, *program.title_variants)):
            owner = titles.setdefault(normalize_program(title), program.code)
            if owner != program.code:
                loc = ("programs", index, "title") if position == 0 else (
                    "programs", index, "title_variants", position - 1)
                report(loc, f"title {title!r} already belongs to program {owner}")
