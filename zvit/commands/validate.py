"""`zvit validate FILE...`: check department files against every rule, without storing anything."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zvit.commands._arguments import period_code
from zvit.commands._database import reports_errors

if TYPE_CHECKING:
    from zvit.submissions import Checked


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `validate` to the command line."""
    parser = subparsers.add_parser(
        "validate", help="check report files against every rule without storing them",
        description="Exit code: 0 when every report would be accepted, 1 when one would be rejected, "
                    "2 when a file cannot be read.")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".docx, .xlsx, .csv or .txt")
    parser.add_argument("--period", default=None, type=period_code, metavar="PERIOD", help="the period being collected, e.g. 2022-Q3")
    parser.add_argument("--program", default=None, metavar="CODE", help="the program being collected")
    parser.add_argument("--json", action="store_true", help="print a JSON array, one object per report")
    parser.set_defaults(func=run)


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Read and check the files; earlier periods come from the warehouse when it exists."""
    # Imported here: `zvit parse` must not pay for the gate and the warehouse at start-up.
    from zvit.registry import load_registry
    from zvit.submissions import check, read_files
    from zvit.templating import render
    from zvit.warehouse import make_engine
    from zvit.warehouse.engine import warehouse_exists

    submitted, unreadable = read_files(args.files)
    for problem in unreadable:
        print(f"zvit: {problem.message}", file=sys.stderr)
    # Validating stores nothing: with no warehouse yet there is no history, and none is created.
    engine = make_engine() if warehouse_exists() else None
    try:
        checked = check(submitted, registry=load_registry(), period=args.period, program=args.program,
                        engine=engine)
    finally:
        if engine is not None:
            engine.dispose()
    verdicts = [verdict(item) for item in checked]
    if args.json:
        json.dump(verdicts, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render("cli/validate.txt.j2", verdicts=verdicts))
    if unreadable:
        return 2
    return 1 if any(v["status"] == "rejected" for v in verdicts) else 0


def verdict(item: Checked) -> dict[str, Any]:
    """One report's status and every finding, intake's repairs included, as `zvit validate --json` prints it."""
    from zvit.warehouse.findings import status_for
    from zvit.warehouse.load import intake_findings

    report = item.submitted.report
    findings = [*intake_findings(report), *item.findings]
    return {
        "source": report.source,
        "report": report.index,
        "department": report.department,
        "period": report.period,
        "status": status_for(f.severity for f in findings),
        "findings": [{"code": f.rule_code, "severity": f.severity, "message": f.message, "measure": f.measure,
                      "part": f.part, "row": f.row, "column": f.column, "value": f.value, "expected": f.expected}
                     for f in findings],
    }
