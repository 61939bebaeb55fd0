"""`zvit parse FILE...`: show what was read from department files, as a table or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from zvit.cli import ExitCode
from zvit.errors import IntakeError, ZvitError, printable
from zvit.export import report_data
from zvit.intake import read_reports
from zvit.model import Report
from zvit.templating import render


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `parse` to the command line."""
    parser = subparsers.add_parser("parse", help="read department report files and show what was read")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".docx, .xlsx, .csv or .txt")
    parser.add_argument("--json", action="store_true", help="print a JSON array, one object per report found")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read every file; a bad one is reported on stderr and the others are still read."""
    reports: list[Report] = []
    failed = False
    for path in args.files:
        try:
            reports.extend(read_reports(path))
        except IntakeError as error:
            print(f"zvit: {printable(str(error))}", file=sys.stderr)
            failed = True
        except ZvitError as error:  # what the file holds cannot be read (a date that does not exist): name it
            print(f"zvit: {printable(f'{path.name}: {error}')}", file=sys.stderr)
            failed = True
        except OSError as error:
            print(f"zvit: {printable(f'{path.name}: {error.strerror or error}')}", file=sys.stderr)
            failed = True
    if args.json:
        json.dump([report_data(r) for r in reports], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        counts = Counter(r.source for r in reports)
        sys.stdout.write(render("cli/parse.txt.j2", reports=reports, reports_in_file=counts))
    return ExitCode.INPUT if failed else ExitCode.OK
