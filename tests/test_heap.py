"""The process's heap (zvit.heap): threads that allocate side by side share one glibc heap once asked to."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
