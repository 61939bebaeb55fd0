"""Old Word (.doc), RTF and OpenDocument (.odt) files converted to .docx by LibreOffice, then read as Word.

LibreOffice runs headless, in a process group of its own, with a throwaway profile that forbids every macro
(a fresh profile per conversion: nothing a document does survives it), under a memory and processor-time limit
and a wall-clock timeout after which the whole group is killed. The original file is never changed.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from zvit.errors import IntakeError
from zvit.intake.limits import CONVERT_MEMORY_BYTES, CONVERT_SECONDS, MAX_CONVERTED_BYTES, megabytes

#: The formats read after conversion.
CONVERTED_SUFFIXES = (".doc", ".rtf", ".odt")
_NAMES = {"doc": "Word 97-2003 (.doc)", "rtf": "RTF (.rtf)", "odt": "OpenDocument (.odt)"}

#: The profile's settings: no macro runs, whatever the document carries or claims to be signed by; no link to
#: the outside is followed.
_SETTINGS = (("Security/Scripting", "MacroSecurityLevel", "3"),
             ("Security/Scripting", "DisableMacrosExecution", "true"),
             ("Security/Scripting", "BlockUntrustedRefererLinks", "true"), ("Misc", "UseLocking", "false"))
_PROFILE = ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            + "".join(f'<item oor:path="/org.openoffice.Office.Common/{path}"><prop oor:name="{name}" oor:op="fuse">'
                      f"<value>{value}</value></prop></item>\n" for path, name, value in _SETTINGS)
            + "</oor:items>\n")


def find_soffice() -> str | None:
    """LibreOffice's `soffice`, or None when it is not installed (Debian: libreoffice-writer-nogui)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def converted_docx(path: Path, kind: str) -> Iterator[Path]:
    """The file converted to .docx in a temporary folder, removed afterwards; IntakeError naming the file when
    LibreOffice is missing, cannot read it, or takes too long."""
    soffice = find_soffice()
    if soffice is None:
        raise IntakeError(path.name, "not read: LibreOffice, which converts this format, is not installed",
                          uk="на сервері немає програми LibreOffice, щоб перетворити файл", code="INTAKE-FORMAT")
    if path.stat().st_size > MAX_CONVERTED_BYTES:
        raise IntakeError(path.name, f"the file is larger than {MAX_CONVERTED_BYTES // 2**20} MB: too large for a "
                                     "report",
                          uk=f"файл більший за {megabytes(MAX_CONVERTED_BYTES)} — забагато для звіту",
                          code="INTAKE-LIMIT")
    with tempfile.TemporaryDirectory(prefix="zvit-convert-") as work:
        folder = Path(work)
        source = folder / f"report.{kind}"  # never the sender's name on a command line
        shutil.copyfile(path, source)
        profile = folder / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        out = folder / "out"
        _run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--norestore",
              "--nolockcheck", "--nodefault", "--nologo", "--convert-to", "docx:MS Word 2007 XML", "--outdir",
              str(out), str(source)], folder, path.name)
        target = out / "report.docx"
        if not target.is_file() or target.stat().st_size == 0:
            raise IntakeError(path.name, f"LibreOffice could not read it as {_NAMES.get(kind, kind)}: damaged, or "
                                         "not what its name says",
                              uk=f"це не файл {_NAMES.get(kind, kind)}, хоча його так названо, або файл пошкоджений",
                              code="INTAKE-FORMAT")
        yield target


def _run(command: list[str], home: Path, name: str) -> None:
    # Only what LibreOffice needs from the environment: no credentials or settings of ours reach it.
    environment = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                   "TMPDIR": str(home), "SAL_USE_VCLPLUGIN": "svp"}
    try:
        process = subprocess.Popen(command, cwd=home, env=environment, stdin=subprocess.DEVNULL,  # noqa: S603
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                   preexec_fn=_limits)
    except OSError as error:
        raise IntakeError(name, f"LibreOffice could not be started: {error.strerror or error}",
                          uk="на сервері не вдалося запустити програму LibreOffice, щоб перетворити файл",
                          code="INTAKE-FORMAT") from None
    try:
        process.wait(timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired:
        raise IntakeError(name, f"LibreOffice took more than {CONVERT_SECONDS} s to convert it: too large or "
                                "hostile", uk=f"перетворення файлу тривало понад {CONVERT_SECONDS} с — завеликий "
                                               "або небезпечний файл", code="INTAKE-LIMIT") from None
    finally:
        _kill_group(process)


def _limits() -> None:
    """In the child, before LibreOffice starts: its memory and processor time are bounded."""
    resource.setrlimit(resource.RLIMIT_AS, (CONVERT_MEMORY_BYTES, CONVERT_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CONVERT_SECONDS, CONVERT_SECONDS + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """LibreOffice starts helpers of its own: the whole group goes, finished or not."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
