"""The process's heap where the C library is glibc: threads share the heaps that exist, and what is freed goes back
to the system. Elsewhere both are left to the C library."""

from __future__ import annotations

import ctypes
import functools
import gc

#: mallopt's parameter for the most heaps (arenas) glibc creates, from malloc.h
_M_ARENA_MAX = -8


def share_heaps() -> None:
    """From now on, a thread allocates from a heap that exists instead of one of its own."""
    # glibc gives each thread that allocates beside others a heap of its own, up to 8 per core, and memory freed
    # in one is not reused by another: the run read its batch on Prefect's threads and rendered on others, and
    # held 50-70 MB more at N = 1000 (issue 15).
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, 1)


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
