"""Typst in a process of its own: every document typeset by a fresh compiler, whose memory leaves with it.

Typst keeps what it memoized for as long as its process lives (some 0.18 MB per line of the form, and a compiler
with a large cache typesets slower), so it is never loaded into the caller: `typeset` runs
`python -m zvit.report.typeset`, which imports nothing but Typst, and at most `PRINTERS` of them run at once.

A document typeset *beside* other work (a report's PDF printed while the run writes its Word and Excel) yields to
that work: its process runs at a lower priority, and a printer that frees goes first to whoever is waiting for a
document (Word's chart pictures), so the writing is not held up by the PDF beside it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Typst processes running at once, across every thread of the caller: one per core
PRINTERS = max(1, os.cpu_count() or 1)
#: a part of a report typesets in about a second; a Typst process still running after this is stuck
TIMEOUT_SECONDS = 600
#: the niceness of a Typst process typesetting beside other work: the scheduler gives it what that work leaves
BESIDE_NICENESS = 10


class _Printers:
    """At most `count` Typst processes at once; a freed one goes to a document typeset beside other work only when
    no other document is waiting."""

    def __init__(self, count: int) -> None:
        self._free = count
        self._waiting = 0  # documents not typeset beside other work, waiting for a printer
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def printer(self, *, beside: bool) -> Iterator[None]:
        """Hold a printer while the block runs."""
        with self._changed:
            self._waiting += not beside
            try:
                self._changed.wait_for(lambda: self._free > 0 and not (beside and self._waiting))
            finally:
                self._waiting -= not beside
            self._free -= 1
        try:
            yield
        finally:
            with self._changed:
                self._free += 1
                self._changed.notify_all()


_printers = _Printers(PRINTERS)


class TypesetError(RuntimeError):
    """Typst could not typeset a document (the template's error, as Typst states it)."""


@dataclass(frozen=True)
class Document:
    """One document to typeset: a template, its `sys.inputs`, the format, and the moment it is dated by."""

    template: Path
    inputs: dict[str, str]
    fmt: str = "pdf"
    ppi: float | None = None
    timestamp: int | None = None


@dataclass(frozen=True)
class Typeset:
    """What Typst made of a document: its pages (one PDF is one item; a PNG per page) and its warnings."""

    output: tuple[bytes, ...]
    warnings: tuple[str, ...] = field(default=())


def typeset(documents: Sequence[Document], *, beside: bool = False) -> list[Typeset]:
    """Typeset the documents in order, in one fresh Typst process; waits for a free printer first. `beside`: the
    documents are typeset beside other work, and yield to it."""
    request = json.dumps([{"template": str(d.template), "inputs": d.inputs, "fmt": d.fmt, "ppi": d.ppi,
                           "timestamp": d.timestamp} for d in documents], ensure_ascii=False).encode("utf-8")
    with _printers.printer(beside=beside), subprocess.Popen(
            [sys.executable, "-m", "zvit.report.typeset"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE) as process:
        if beside:
            _lower_priority(process.pid)
        try:
            stdout, stderr = process.communicate(request, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as error:
            process.kill()
            process.communicate()
            raise TypesetError(f"Typst failed: still typesetting after {TIMEOUT_SECONDS} s") from error
    header, _, payload = stdout.partition(b"\n")
    if process.returncode != 0 or not header:
        told = json.loads(header).get("error") if header.startswith(b"{") else stderr.decode(errors="replace")
        raise TypesetError(f"Typst failed: {str(told).strip()[-2000:]}")
    made = []
    for item in json.loads(header)["documents"]:
        pages = []
        for size in item["sizes"]:
            pages.append(payload[:size])
            payload = payload[size:]
        made.append(Typeset(output=tuple(pages), warnings=tuple(item["warnings"])))
    return made


def _lower_priority(pid: int) -> None:
    # set from here, not in the child before exec: a pre-exec hook is unsafe in a process with threads
    with contextlib.suppress(AttributeError, OSError):  # no priorities here (Windows), or the process has ended
        os.setpriority(os.PRIO_PROCESS, pid, BESIDE_NICENESS)


def _serve(request: list[dict[str, Any]]) -> tuple[dict[str, Any], list[bytes]]:
    """Typeset each requested document (in the Typst process): the header to print and the bytes that follow."""
    import typst

    documents, chunks = [], []
    for item in request:
        template = Path(item["template"])
        options = {"format": item["fmt"]} | ({"ppi": item["ppi"]} if item["ppi"] else {})
        if item["timestamp"] is not None:
            options["timestamp"] = item["timestamp"]
        # the template's folder is the compiler's root: it reads its own partials and nothing else; no system
        # fonts (the fonts inside the compiler have Cyrillic), so the layout does not depend on the machine.
        # Untagged: accessibility tags make a 3,000-line report five times larger; the HTML page is the
        # accessible form of the report.
        output, warnings = typst.compile_with_warnings(
            template, root=template.parent, ignore_system_fonts=True, sys_inputs=item["inputs"],
            pdf_tags=False, **options)
        pages = output if isinstance(output, list) else [output]
        documents.append({"sizes": [len(page) for page in pages], "warnings": [w.message for w in warnings]})
        chunks.extend(pages)
    return {"documents": documents}, chunks


def main() -> int:
    """Read the request on stdin; write one JSON header line, then every page's bytes, to stdout."""
    request = json.loads(sys.stdin.buffer.read())
    try:
        header, chunks = _serve(request)
    except Exception as error:  # noqa: BLE001 - the caller raises it, with Typst's own words
        sys.stdout.buffer.write(json.dumps({"error": str(error)}).encode("utf-8") + b"\n")
        return 1
    out = sys.stdout.buffer
    out.write(json.dumps(header).encode("utf-8") + b"\n")
    for chunk in chunks:
        out.write(chunk)
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
