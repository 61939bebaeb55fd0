"""An uploaded file: refused at once when it is over the intake's limits, else saved into the period's inbox, as a
folder drop would be, and handed to the one pipeline. The quarterly run later finds it stored (same bytes) and has
nothing new to do for the department."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import Engine

from zvit.formatting import number
from zvit.intake.limits import MAX_TEXT_BYTES
from zvit.intake.ooxml import MAX_FILE_BYTES
from zvit.pipeline import FileFate, Job, Outcome, Received, process
from zvit.registry import Registry
from zvit.warehouse.receipts import Origin

#: Word and Excel files up to the intake's limit for an OOXML file; CSV and text up to its limit for text.
TEXT_SUFFIXES = (".csv", ".txt")
#: The largest upload accepted at all (an unsupported format still gets its fate, within this size).
MAX_UPLOAD_BYTES = MAX_FILE_BYTES
_CHUNK = 1 << 16


class UploadRefused(ValueError):
    """The upload is refused before anything is stored: one line saying why, in Ukrainian."""


@dataclass(frozen=True)
class Upload:
    """What became of an uploaded file: its fate (None when it held no report of the department)."""

    fate: FileFate | None
    path: Path


def limit_for(name: str) -> int:
    """The most bytes a file of this name may have."""
    return MAX_TEXT_BYTES if Path(name).suffix.lower() in TEXT_SUFFIXES else MAX_UPLOAD_BYTES


def too_large(name: str, size: int) -> str | None:
    """The one line refusing a file of this size, or None."""
    limit = limit_for(name)
    if size <= limit:
        return None
    megabytes = number(Decimal(size) / 2**20, 1)
    return (f"Файл «{safe_name(name)}» завеликий: {megabytes} МБ, а звіт у форматі "
            f"{Path(name).suffix.lower() or 'без розширення'} може мати щонайбільше {limit // 2**20} МБ. "
            "Нічого не збережено.")


def safe_name(name: str) -> str:
    """A file name from a browser as a plain name in one folder: no path, no control or shell characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^\w.\- ()]+", "_", base, flags=re.UNICODE).strip(" .") or "zvit"
    plain = Path(base)
    return f"{plain.stem[:80]}{plain.suffix[:10].lower()}"


def inbox_name(department: str, name: str, moment: datetime) -> str:
    """The name an upload gets in the inbox: the department's code first (so a file that cannot be read is still
    known to be the department's), the moment, and the name it was sent under."""
    return f"{department}-{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}-{safe_name(name)}"


def save(stream: BinaryIO, folder: Path, name: str, limit: int, moment: datetime, *, sent_as: str) -> Path:
    """Copy the upload into the folder under a hidden name, then give it its name; refused (and nothing left) past
    `limit` bytes. A refusal names the file as it was sent."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".upload-{secrets.token_hex(8)}"
    size = 0
    try:
        with partial.open("xb") as target:
            for chunk in _chunks(stream):
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(too_large(sent_as, size) or "")
                target.write(chunk)
        if size == 0:
            raise UploadRefused(f"Файл «{safe_name(sent_as)}» порожній. Нічого не збережено.")
        final = folder / name
        partial.rename(final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    # An inbox file counts as received when it arrived: the quarterly run orders and dates files by this time.
    os.utime(final, (moment.timestamp(), moment.timestamp()))
    return final


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def take_upload(stream: BinaryIO, filename: str, *, department: str, period: str, program: str | None,
                sender: str | None, engine: Engine, registry: Registry, inbox_dir: Path, timezone: str,
                now: datetime | None = None) -> Upload:
    """Save an upload into `<inbox_dir>/<period>/` and take it through the pipeline as the department's file.

    A file holding no report of this department (another department's report) is removed again: it must not
    reach the warehouse through this department's sign-in, nor wait in the inbox for the quarterly run.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    path = save(stream, inbox_dir / period, inbox_name(department, filename, moment), limit_for(filename), moment,
                sent_as=filename)
    job = Job(registry=registry, engine=engine, period=period, program=program, department=department,
              received_at=moment, origin=Origin.UPLOAD, sender=sender, timezone=timezone)
    outcome: Outcome = process([Received(path, moment, Origin.UPLOAD, sender)], job)
    fate = next((f for f in outcome.files if f.file.path == path), None)
    if fate is None:
        path.unlink(missing_ok=True)
    return Upload(fate, path)


__all__ = ["Upload", "UploadRefused", "inbox_name", "limit_for", "safe_name", "take_upload",
           "too_large"]
