"""The Word document's body is written as docxtpl renders it, as text, never parsed into a tree (issue 15)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate
from lxml import etree

import zvit.report.docx as word
from zvit.formatting import THOUSANDS
from zvit.report.model import ConsolidatedReport

pytestmark = pytest.mark.slow  # renders the Word document twice, its chart pictures typeset by Typst

#: text a department may type that means something to XML, to Jinja or to Word's fields
TYPED = 'a < b & c > d "лапки" \'апостроф\' ]]> {{ t.title }} {% if x %} { PAGE } &amp; кінець'


def _members(package: bytes) -> dict[str, bytes]:
    """Each member of a .docx; XML members canonicalized, so that only what they say is compared."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: etree.tostring(etree.fromstring(archive.read(name)), method="c14n")
                if name.endswith((".xml", ".rels")) else archive.read(name) for name in archive.namelist()}


def _as_docxtpl_builds_it(monkeypatch: pytest.MonkeyPatch, report: ConsolidatedReport) -> bytes:
    """The document rendered with docxtpl's own tree: the body parsed, fixed, numbered and serialized again."""
    ours = word._template_class()

    class Tree(ours):  # type: ignore[misc, valid-type]
        fix_tables = DocxTemplate.fix_tables
        fix_docpr_ids = DocxTemplate.fix_docpr_ids
        map_tree = DocxTemplate.map_tree
        save = DocxTemplate.save

    with monkeypatch.context() as patched:
        patched.setattr(word, "_template_class", lambda: Tree)
        return word.render_docx(report)


def _typed_in_first_line(report: ConsolidatedReport) -> ConsolidatedReport:
    section = next(section for section in report.sections if section.measures)
    measure = section.measures[0]
    line = replace(measure.lines[0], content=TYPED, info=TYPED)
    measure = replace(measure, task=TYPED, lines=(line, *measure.lines[1:]))
    section = replace(section, measures=(measure, *section.measures[1:]))
    return replace(report, sections=tuple(section if s.number == section.number else s for s in report.sections))


@pytest.mark.parametrize("typed", [False, True], ids=["seed", "markup-typed"])
def test_the_word_document_written_from_text_is_what_docxtpl_builds_as_a_tree_issue_15(
        seed_report: ConsolidatedReport, monkeypatch: pytest.MonkeyPatch, typed: bool) -> None:
    report = _typed_in_first_line(seed_report) if typed else seed_report
    ours, theirs = _members(word.render_docx(report)), _members(_as_docxtpl_builds_it(monkeypatch, report))
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []
    # the charts' pictures are in it, each with its own drawing-object id, numbered as docxtpl numbers them
    body = ours["word/document.xml"].decode()
    ids = [element.get("id") for element in etree.fromstring(body.encode()).iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(ids) >= 2
    assert ids == [str(number) for number in range(1001, 1001 + len(ids))]


def test_text_typed_with_markup_reads_back_from_word_as_typed_issue_15(seed_report: ConsolidatedReport) -> None:
    document = docx.Document(io.BytesIO(word.render_docx(_typed_in_first_line(seed_report))))
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert cells.count(TYPED) >= 3  # task, content and information


def test_the_template_saves_the_same_document_to_a_path_as_to_a_stream(seed_report: ConsolidatedReport,
                                                                      tmp_path: Path) -> None:
    from zvit.report.docx_template import TEMPLATE_PATH

    saved = []
    for target in (tmp_path / "report.docx", io.BytesIO()):
        document = word._template_class()(TEMPLATE_PATH)
        document.render(word.docx_context(seed_report, THOUSANDS), autoescape=True)
        document.save(target)
        saved.append(_members(target.read_bytes() if isinstance(target, Path) else target.getvalue()))
    assert saved[0] == saved[1]
    assert seed_report.sections[0].department_name.encode() in saved[0]["word/document.xml"]


def test_the_word_template_is_compiled_once_and_renders_as_docxtpl_compiles_it_issue_15(
        seed_report: ConsolidatedReport, monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2

    from zvit.report.chart_images import chart_pictures

    pictures = chart_pictures(seed_report, THOUSANDS)
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, *args: object, **kwargs: object) -> object:
        compiled.append(source)
        return compile_(self, source, *args, **kwargs)

    word.render_docx(seed_report, pictures=pictures)  # the first document of the process compiles what it must
    with monkeypatch.context() as patched:
        patched.setattr(jinja2.Environment, "compile", counted)
        typed = _typed_in_first_line(seed_report)
        ours = _members(word.render_docx(typed, pictures=pictures))
        assert compiled == []
        # docxtpl's own environment, made afresh for the document, compiles every part again
        patched.setattr(word, "_jinja", lambda: None)
        theirs = _members(word.render_docx(typed, pictures=pictures))
    assert any("<w:body" in source for source in compiled)
    assert [name for name in ours if ours[name] != theirs[name]] == []
