"""Flow `collect-mail`: the reports mailbox read once (every 15 minutes in working hours, by its deployment).

The fetch itself (zvit.mail) claims each message in the warehouse before touching it, so a retry or two runs at
once process every message once; the flow only names the run, retries the fetch and shows what it did.
"""

from __future__ import annotations

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.logs import show_zvit_logs
from flows.quarterly import alert_operators, run_logger
from zvit.mail import FetchResult, fetch_mail
from zvit.notify import transport_from_settings
from zvit.registry import load_registry
from zvit.settings import Settings
from zvit.warehouse import make_engine

show_zvit_logs()


@task(name="fetch-mailbox", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=60)
def fetch_mailbox() -> FetchResult:
    """One fetch cycle (a retry is safe: a message done before is only marked on the server)."""
    settings = Settings.load()
    engine = make_engine(settings.database_url)
    try:
        return fetch_mail(engine, registry=load_registry(settings.registry_dir), settings=settings,
                          transport=transport_from_settings(settings))
    finally:
        engine.dispose()


@flow(name="collect-mail", on_failure=[alert_operators], on_crashed=[alert_operators])
def collect_mail() -> list[str]:
    """Read the reports mailbox (ZVIT_IMAP_*): store each new message's reports and answer its sender once."""
    result = fetch_mailbox()
    rows = [{"sender": m.sender, "subject": m.subject, "outcome": m.outcome, "period": m.period or "",
             "files": ", ".join(f"{f.name}: {f.fate.value}" for f in m.files)} for m in result.messages]
    if rows:
        create_table_artifact(table=rows, key="mail", description=f"{result.mailbox}: {len(rows)} messages")
    run_logger().info("%s: %d messages", result.mailbox, len(rows))
    return [f"{m.sender}: {m.outcome}" for m in result.messages]
