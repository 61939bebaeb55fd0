"""The process's heap: where the C library is glibc, threads share the heaps that exist and what is freed goes back
to the system (elsewhere both are left to the C library); and the cycle collector can leave aside what lives."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import threading
from collections.abc import Iterator

#: mallopt's parameter for the most heaps (arenas) glibc creates, from malloc.h
_M_ARENA_MAX = -8
#: blocks inside `collecting_only_new` across the process's threads: what lived before the first is set aside
_new_only = 0
_new_only_lock = threading.Lock()
#: the collector's thresholds before the first of those blocks
_thresholds: tuple[int, ...] = gc.get_threshold()
#: middle-generation collections before a full one, inside those blocks: in effect, only when asked
_FULL_WHEN_ASKED = 1_000_000


def share_heaps() -> None:
    """From now on, a thread allocates from a heap that exists instead of one of its own."""
    # glibc gives each thread that allocates beside others a heap of its own, up to 8 per core, and memory freed
    # in one is not reused by another: the run read its batch on Prefect's threads and rendered on others, and
    # held 50-70 MB more at N = 1000 (issue 15).
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, 1)


@contextlib.contextmanager
def collecting_only_new() -> Iterator[None]:
    """While the block runs, the cycle collector looks only at objects made since it began, and walks all of those
    only when asked (`release_freed_memory`)."""
    # What lives when a run's work begins (the imported libraries: Great Expectations, Prefect, pydantic, some
    # 300,000 objects) lives to its end, yet every full collection walked it all again: 0.2 s each. Set aside
    # (gc.freeze), it is no longer walked; given back at the end, so what died inside it meanwhile is still
    # collected. With so little left outside the young generations, Python would then collect in full every tenth
    # time it collects the middle one (58 times, 6 s, in the render of the N = 1000 quarter, walking every report
    # being written): young objects, where cycles die, are still collected as often as ever.
    global _new_only, _thresholds
    with _new_only_lock:
        if not _new_only:
            # no collection first (0.2 s, as long as the work of one uploaded file): what is garbage already is set
            # aside with the rest, and collected after the end
            gc.freeze()
            _thresholds = gc.get_threshold()
            gc.set_threshold(_thresholds[0], _thresholds[1], _FULL_WHEN_ASKED)
        _new_only += 1
    try:
        yield
    finally:
        with _new_only_lock:
            _new_only -= 1
            if not _new_only:
                gc.set_threshold(*_thresholds)
                gc.unfreeze()


def release_freed_memory() -> None:
    """Free what only reference cycles still hold, and give the memory freed back to the system."""
    # Word and Excel build whole trees of a long report (100-200 MB for 3,000 lines). python-docx's document and
    # its parts refer to each other, so its tree is freed only by the cycle collector; and glibc keeps what is freed
    # in its heaps. Without this the run's process grew by some 75 MB over a quarter's reports.
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
