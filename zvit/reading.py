"""Reading a batch of department files into reports, spread over the machine's cores when the batch is large."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zvit.catalogue import message
from zvit.errors import DateError, IntakeError, ZvitError, printable
from zvit.intake import read_reports
from zvit.model import Report

#: Below this many files a pool costs more (its processes start and import the readers) than it saves.
POOL_MIN_FILES = 8


@dataclass(frozen=True)
class Submitted:
    """One report of a received file."""

    path: Path
    sha256: str
    report: Report


@dataclass(frozen=True)
class Unreadable:
    """A file that could not be read as a report, and why: in Ukrainian for the department, in English for the log
    (each one line naming the file)."""

    path: Path
    message: str
    #: '' when the file could not even be opened
    sha256: str = ""
    #: the technical line for logs and diagnostics: the library's words, which the department is not shown
    detail: str = ""


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes: the same file loaded twice is recognized by it."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def read_file(path: Path) -> tuple[list[Submitted], Unreadable | None]:
    """Every report of one file, or why it cannot be read (never raised: one bad file must not stop a batch)."""
    sha256 = ""
    try:
        sha256 = file_sha256(path)
        return [Submitted(path, sha256, report) for report in read_reports(path)], None
    except IntakeError as error:
        return [], Unreadable(path, error.told, sha256, str(error))
    except ZvitError as error:  # a period, number or date the file holds: the message names the file first
        return [], Unreadable(path, _told(path, _content_problem(error)), sha256, printable(f"{path.name}: {error}"))
    except OSError as error:
        return [], Unreadable(path, _told(path, "файл не вдалося відкрити на сервері"), sha256,
                              printable(f"{path.name}: {error.strerror or error}"))


def _content_problem(error: ZvitError) -> str:
    """What the department is told of a value in its file that cannot be read (a date, a period, a number)."""
    if isinstance(error, DateError):
        return f"у тексті дата, якої немає в календарі: «{error.written}»"
    return "у файлі значення, яке не вдалося прочитати"


def _told(path: Path, problem: str) -> str:
    """The catalogue's sentence for a file that cannot be read, on one line naming the file."""
    return printable(f"{path.name}: {message('INTAKE-FORMAT', problem=problem)}")


def read_files(paths: Iterable[Path], *, pool: Executor | None = None) -> tuple[list[Submitted], list[Unreadable]]:
    """Every report of every file, in the files' order; on `pool` when given (one file per job)."""
    paths = list(paths)
    # One file per job: files differ tenfold in size, so finer jobs keep every core busy to the end.
    results = pool.map(read_file, paths, chunksize=1) if pool is not None and len(paths) > 1 \
        else map(read_file, paths)
    submitted: list[Submitted] = []
    unreadable: list[Unreadable] = []
    for reports, problem in results:
        submitted += reports
        if problem is not None:
            unreadable.append(problem)
    return submitted, unreadable


def read_all(paths: Sequence[Path]) -> tuple[list[Submitted], list[Unreadable]]:
    """Every report of every file, over the machine's cores when there are many files."""
    with reading_pool(len(paths)) as pool:
        return read_files(paths, pool=pool)


def available_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def reading_pool(files: int, *, workers: int | None = None) -> Iterator[Executor | None]:
    """A process pool for reading `files` files, or None when one process is as fast (few files, one core)."""
    workers = workers or available_cores()
    if workers < 2 or files < POOL_MIN_FILES:
        yield None
        return
    # spawn, not fork: the caller may run Prefect's threads and event loop, which a fork would copy half-done.
    pool = ProcessPoolExecutor(max_workers=min(workers, files), mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def stable_groups(paths: Sequence[Path], groups: int) -> list[list[Path]]:
    """Split files into at most `groups` groups by a hash of their names, so a file added later changes only its
    own group (a cached reading of the other groups stays valid); each group keeps the files' order."""
    buckets: dict[int, list[Path]] = {}
    for path in paths:
        bucket = int.from_bytes(hashlib.sha256(path.name.encode()).digest()[:4], "big") % max(groups, 1)
        buckets.setdefault(bucket, []).append(path)
    return [buckets[key] for key in sorted(buckets)]
