"""`zvit mail fetch`: read the reports mailbox once: each new message's files through the pipeline, each sender
answered once."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from zvit.cli import ExitCode
from zvit.commands._database import reports_errors


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `mail` and its `fetch` to the command line."""
    parser = subparsers.add_parser("mail", help="collect reports sent by email (ZVIT_IMAP_*)")
    commands = parser.add_subparsers(dest="mail_command", metavar="COMMAND", required=True)
    fetch = commands.add_parser(
        "fetch", help="read the mailbox once: store each new message's reports and answer its sender",
        description="Each message is processed once, however often this runs or however many run at once; it is "
                    "then flagged and moved to ZVIT_IMAP_PROCESSED_FOLDER, never deleted. Exit code 1 when an "
                    "answer could not be delivered (it stays queued), 2 on a settings error, 3 when the mailbox "
                    "cannot be read.")
    fetch.add_argument("--json", action="store_true", help="print what became of each message as JSON")
    fetch.set_defaults(func=run)


@reports_errors
def run(args: argparse.Namespace) -> int:
    """Fetch once and print one line per message."""
    from zvit.mail import fetch_mail
    from zvit.mail.imap import MailboxError
    from zvit.notify import transport_from_settings
    from zvit.registry import load_registry
    from zvit.settings import Settings
    from zvit.templating import render
    from zvit.warehouse import make_engine

    settings = Settings.load()
    registry = load_registry(settings.registry_dir)
    transport = transport_from_settings(settings)
    engine = make_engine(settings.database_url)
    try:
        result = fetch_mail(engine, registry=registry, settings=settings, transport=transport)
    except MailboxError as error:
        print(f"zvit: {error}", file=sys.stderr)
        return ExitCode.RUN_FAILED
    finally:
        engine.dispose()
    if args.json:
        json.dump(fetch_data(result), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render("cli/mail-fetch.txt.j2", result=result, channel=transport.channel))
    return ExitCode.REJECTED if result.undelivered else ExitCode.OK


def fetch_data(result: Any) -> dict[str, Any]:
    """What `zvit mail fetch --json` prints."""
    return {
        "mailbox": result.mailbox,
        "messages": [{
            "uid": m.uid, "sender": m.sender, "subject": m.subject, "outcome": m.outcome,
            "department": m.department, "period": m.period,
            "files": [{"source": f.name, "size": f.size, "sha256": f.sha256, "fate": f.fate.value,
                       "error": f.reason, "submission_ids": f.submission_ids,
                       "statuses": [c.result.status.value for c in f.reports if c.result is not None]}
                      for f in m.files],
            "answers": [{"kind": a.kind, "to": list(a.recipients), "status": a.status, "subject": a.subject}
                        for a in m.answers],
        } for m in result.messages],
        "flushed": [{"kind": a.kind, "to": list(a.recipients), "status": a.status, "subject": a.subject}
                    for a in result.flushed],
    }
