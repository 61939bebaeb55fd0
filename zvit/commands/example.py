"""`zvit example-inbox`: put the bundled example's reports into an inbox as the Word files departments send."""

from __future__ import annotations

import argparse
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from zvit.cli import ExitCode
from zvit.resources import resource_dir

EXAMPLE = "zhytomyr-efficient-government-2022-9m.txt"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `example-inbox` to the command line."""
    parser = subparsers.add_parser("example-inbox",
                                   help="write the bundled example's three reports as .docx into an inbox folder")
    parser.add_argument("--inbox", type=Path, default=None, metavar="DIR", help="default: ZVIT_INBOX_DIR/2022-Q3")
    parser.set_defaults(func=run)


#: When the example's departments sent their files: 7 October 2022, before the deadline of the 10th.
RECEIVED = datetime(2022, 10, 7, 9, 30, tzinfo=ZoneInfo("Europe/Kyiv")).timestamp()


def run(args: argparse.Namespace) -> int:
    """Write one .docx per report of the example (9 months of 2022) into the inbox."""
    from zvit.intake import read_layouts
    from zvit.samples.docx_writer import write_docx
    from zvit.settings import Settings

    folder = args.inbox or Settings.load().inbox_dir / "2022-Q3"
    folder.mkdir(parents=True, exist_ok=True)
    source = resource_dir("examples") / EXAMPLE
    for number, layout in enumerate(read_layouts(source), start=1):
        target = folder / f"{source.stem}-{number}.docx"
        if not target.exists():  # an existing file is the department's: never overwrite it
            write_docx([layout], target)
            os.utime(target, (RECEIVED, RECEIVED))  # an inbox file counts as received when it arrived
        print(target)
    return ExitCode.OK
