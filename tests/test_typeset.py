"""Typst in a process of its own (zvit.report.typeset): documents come back in order, page by page, with their
warnings, and a template's error is raised with Typst's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from zvit.report.typeset import Document, TypesetError, typeset


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
