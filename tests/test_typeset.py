"""Typst in a process of its own (zvit.report.typeset): documents come back in order, page by page, with their
warnings, and a template's error is raised with Typst's own words; a document typeset beside other work yields
to it."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from bench.procs import cmdline, descendants
from zvit.report.typeset import BESIDE_NICENESS, Document, TypesetError, _Printers, typeset


def _template(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(source, encoding="utf-8")
    return path


def test_documents_come_back_in_order_a_png_per_page(tmp_path: Path) -> None:
    pages = _template(tmp_path, "pages.typ", '#set page(width: 20mm, height: 10mm)\n'
                                             '#for n in range(int(sys.inputs.n)) { if n > 0 { pagebreak() }; str(n) }')
    made = typeset([Document(pages, {"n": "3"}, fmt="png", ppi=30), Document(pages, {"n": "2"}),
                    Document(pages, {"n": "1"}, fmt="png", ppi=30)])
    assert [len(item.output) for item in made] == [3, 1, 1]
    assert all(png.startswith(b"\x89PNG") for png in made[0].output + made[2].output)
    assert made[1].output[0].startswith(b"%PDF-")


def test_the_same_document_dated_the_same_gives_the_same_bytes(tmp_path: Path) -> None:
    page = _template(tmp_path, "page.typ", "#sys.inputs.text")
    first, second = typeset([Document(page, {"text": "Звіт"}, timestamp=1665300000)] * 2)
    assert first.output == second.output


def test_a_warning_comes_back_with_the_document(tmp_path: Path) -> None:
    warned = _template(tmp_path, "warned.typ", '#text(font: "No Such Font")[Звіт]')
    [made] = typeset([Document(warned, {})])
    assert made.output[0].startswith(b"%PDF-")
    assert made.warnings == ("unknown font family: no such font",)


def test_a_template_error_is_raised_with_typsts_own_words(tmp_path: Path) -> None:
    broken = _template(tmp_path, "broken.typ", "#let x = (\n")
    with pytest.raises(TypesetError, match="Typst failed: .*unclosed delimiter"):
        typeset([Document(broken, {})])


def test_a_typst_process_that_never_ends_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    endless = _template(tmp_path, "endless.typ", "#let n = 0\n#for i in range(1000000000) { n += i }\n#n")
    monkeypatch.setattr("zvit.report.typeset.TIMEOUT_SECONDS", 1)
    with pytest.raises(TypesetError, match="still typesetting after 1 s"):
        typeset([Document(endless, {})])


def _typesetting_children() -> list[int]:
    # the Typst processes this test process started
    return [pid for pid, parent in descendants(os.getpid())
            if parent == os.getpid() and b"zvit.report.typeset" in cmdline(pid)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds its Typst process in /proc (Linux)")
def test_a_document_typeset_beside_other_work_runs_at_a_lower_priority_issue_15(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    endless = _template(tmp_path, "endless.typ", "#let n = 0\n#for i in range(1000000000) { n += i }\n#n")
    monkeypatch.setattr("zvit.report.typeset.TIMEOUT_SECONDS", 60)
    failed: list[BaseException] = []

    def beside() -> None:
        try:
            typeset([Document(endless, {})], beside=True)
        except TypesetError as error:
            failed.append(error)

    thread = threading.Thread(target=beside)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not (children := _typesetting_children()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [os.getpriority(os.PRIO_PROCESS, pid) for pid in children] == [BESIDE_NICENESS]
    finally:
        for pid in _typesetting_children():
            os.kill(pid, signal.SIGKILL)
        thread.join(timeout=30)
    assert failed and "Typst failed" in str(failed[0])


def test_a_freed_printer_goes_to_a_waiting_document_before_one_typeset_beside_issue_15() -> None:
    # Word's chart pictures must not wait behind the PDF parts printed beside the run's writing
    printers, taken = _Printers(1), []

    def take(beside: bool) -> None:
        with printers.printer(beside=beside):
            taken.append("beside" if beside else "waited for")

    with printers.printer(beside=True):
        threads = [threading.Thread(target=take, args=(beside,)) for beside in (True, False)]
        threads[0].start()
        time.sleep(0.2)  # the document typeset beside asks first
        threads[1].start()
        deadline = time.monotonic() + 10
        while printers._waiting == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
    for thread in threads:
        thread.join(timeout=10)
    assert taken == ["waited for", "beside"]
