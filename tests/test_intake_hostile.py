"""Office files built to attack an XML parser are refused or read inertly (issue 9: XML limits)."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest

from zvit.errors import IntakeError
from zvit.intake import read_reports

LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + "]>")
SECRET = "zvit-xxe-probe-3f9a"


def _rewrite(source: Path, target: Path, member: str, edit) -> Path:  # noqa: ANN001
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[member] = edit(parts[member].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def _with_doctype(xml: str, doctype: str, entity: str) -> str:
    declaration, found, rest = xml.partition("?>")
    head, body = (declaration + found, rest) if found else ("", xml)
    # The entity goes into the first text run or cell, so expanding it would show in what we read.
    body = re.sub(r"(<(?:w:)?t(?:\s[^>]*)?>)", rf"\1&{entity};", body, count=1)
    return f"{head}{doctype}{body}"


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_billion_laughs_is_never_expanded(seed_fixtures: dict[str, list[Path]], tmp_path: Path, fmt: str) -> None:
    member = "word/document.xml" if fmt == "docx" else "xl/worksheets/sheet1.xml"
    path = _rewrite(seed_fixtures[fmt][0], tmp_path / f"laughs.{fmt}", member,
                    lambda xml: _with_doctype(xml, LAUGHS, "lol9"))
    started = time.monotonic()
    try:
        reports = read_reports(path)
    except IntakeError as error:
        assert error.code == "INTAKE-FORMAT" and "\n" not in str(error)  # refused outright, in one line
        # the department is told in plain words: the parser's complaint stays in the English line
        assert error.told.startswith(f"laughs.{fmt}: Файл не вдалося прочитати як звіт: файл ")
        assert "\n" not in error.told
        assert not re.search(r"lol|DOCTYPE|[Ee]ntit|[Ww]orkbook", error.told)
    else:
        assert "lollol" not in str([r.model_dump() for r in reports])  # or read with the entity left alone
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_external_entities_are_never_resolved(seed_fixtures: dict[str, list[Path]], tmp_path: Path,
                                              fmt: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    member = "word/document.xml" if fmt == "docx" else "xl/worksheets/sheet1.xml"
    doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    path = _rewrite(seed_fixtures[fmt][0], tmp_path / f"xxe.{fmt}", member, lambda xml: _with_doctype(xml, doctype, "xxe"))
    try:
        reports = read_reports(path)
    except IntakeError as error:
        assert error.code == "INTAKE-FORMAT"
    else:
        assert SECRET not in str([r.model_dump() for r in reports])
