"""Storing a department's file: every report it holds, each as one submission, recognized by the file's sha256."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from zvit.intake import read_reports
from zvit.model import Report
from zvit.warehouse.load import LoadResult, load_report

#: File types departments send; anything else in an inbox is left alone.
SUBMISSION_SUFFIXES = (".docx", ".xlsx", ".xlsm", ".csv", ".txt")


@dataclass(frozen=True)
class Ingested:
    """One report of a file and what storing it did."""

    report: Report
    result: LoadResult


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes: the same file loaded twice is recognized by it."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest_file(engine: Engine, path: Path, *, received_at: datetime) -> list[Ingested]:
    """Read a file and store each of its reports; an unreadable file raises IntakeError and stores nothing."""
    sha256 = file_sha256(path)
    return [Ingested(report, load_report(engine, report, sha256=sha256, received_at=received_at))
            for report in read_reports(path)]


def inbox_files(folder: Path) -> list[Path]:
    """The submission files in an inbox folder, oldest first, so a newer file supersedes an older one."""
    if not folder.is_dir():
        return []
    files: Iterable[Path] = (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUBMISSION_SUFFIXES)
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))
