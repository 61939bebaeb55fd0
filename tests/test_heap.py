"""The process's heap (zvit.heap): threads that allocate side by side share one glibc heap once asked to; the cycle
collector leaves alone what lived before a run's work began."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from zvit.heap import collecting_only_new, release_freed_memory

ROOT = Path(__file__).resolve().parent.parent

#: In a fresh interpreter: four threads allocate side by side, then glibc's own account of its heaps is counted.
_THREADS_ALLOCATE = """
import ctypes, re, sys, tempfile, threading
from zvit.heap import share_heaps
if sys.argv[1] == "shared":
    share_heaps()
start = threading.Barrier(4)
def allocate():
    start.wait()
    held = [bytearray(200) for _ in range(20000)]
    start.wait()  # every thread holds its allocations until all have made theirs
threads = [threading.Thread(target=allocate) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
with tempfile.NamedTemporaryFile(suffix=".xml") as told:
    stream = libc.fopen(told.name.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    print(len(re.findall(r'<heap nr="', open(told.name).read())))
"""


def _heaps(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", _THREADS_ALLOCATE, mode], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, check=True)
    return int(done.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heaps")
def test_threads_allocating_side_by_side_share_one_heap_once_asked_issue_15() -> None:
    # Without it each thread gets a heap of its own, and what one frees the others do not reuse.
    assert _heaps("own") > 1
    assert _heaps("shared") == 1


class _Node:
    """An object in a reference cycle with itself: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.itself = self


def test_the_collector_leaves_what_lived_before_aside_and_walks_the_rest_in_full_only_when_asked_issue_15() -> None:
    thresholds = gc.get_threshold()
    lived = _Node()
    lived_ref = weakref.ref(lived)
    with collecting_only_new():
        assert gc.get_freeze_count() > 0
        # A block begun meanwhile (another thread's) sets nothing more aside: what was made between the two is still
        # collected inside it. (Not the freeze count: frozen objects other threads let go leave it as they die.)
        between = _Node()
        between_ref = weakref.ref(between)
        with collecting_only_new():
            del between
            release_freed_memory()
            assert between_ref() is None
        assert gc.get_freeze_count() > 0  # the first block still holds its freeze
        assert gc.get_threshold()[:2] == thresholds[:2]
        assert gc.get_threshold()[2] >= 1_000_000  # no full collection but when asked
        made = _Node()
        made_ref = weakref.ref(made)
        del lived, made
        release_freed_memory()
        assert made_ref() is None  # what the block made is collected when asked
        assert lived_ref() is not None  # what lived before is left aside
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds
    gc.collect()
    assert lived_ref() is None  # given back, and collected
