"""Keeping secrets out of what zvit writes: error texts, logs, the ledger and alerts."""

from __future__ import annotations

import base64
import re

#: scheme://user:password@host in a database or server URL
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+(?=@)", re.IGNORECASE)
MASK = "***"


def redact(text: str, password: str | None = None, username: str | None = None) -> str:
    """`text` with the password (also base64-encoded, as in SMTP AUTH) and URL passwords masked."""
    secrets: set[str] = set()
    if password:
        secrets.add(password)
        secrets.add(base64.b64encode(password.encode()).decode())
        if username:
            # AUTH PLAIN sends base64("\0user\0password")
            secrets.add(base64.b64encode(f"\0{username}\0{password}".encode()).decode())
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return _URL_PASSWORD.sub(lambda match: match["head"] + MASK, text)
