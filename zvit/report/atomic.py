"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import glob
import os
import secrets
import socket
from pathlib import Path

#: Temporary files are named `.<name>.<host>.<pid>.<random>.tmp`, so an orphan can be told from a live write.
_SUFFIX = ".tmp"


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write `data` to a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_orphans(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary = path.with_name(f".{path.name}.{_host()}.{os.getpid()}.{secrets.token_hex(4)}{_SUFFIX}")
    # os.open with 0o666 lets the umask decide the mode, as for any file the user creates
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)
    return path


def remove_orphans(path: Path) -> list[Path]:
    """Delete the temporary files left beside `path` by writers on this host that died (SIGKILL, power cut)."""
    removed = []
    prefix = f".{path.name}."
    for candidate in path.parent.glob(f"{glob.escape(prefix)}*{_SUFFIX}"):
        # host may itself contain dots, so the pid and the random part are taken from the right
        parts = candidate.name[len(prefix):-len(_SUFFIX)].rsplit(".", 2)
        if len(parts) != 3 or parts[0] != _host() or not parts[1].isdigit() or _alive(int(parts[1])):
            continue
        candidate.unlink(missing_ok=True)
        removed.append(candidate)
    return removed


def _host() -> str:
    # A report folder on a shared drive may be written from several machines: only this host's pids are checked.
    return socket.gethostname().replace("/", "_") or "localhost"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    except OSError:
        return True
    return True


def _sync_directory(folder: Path) -> None:
    # The rename itself must reach the disk too, or a power cut can bring back the old file; POSIX only.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
