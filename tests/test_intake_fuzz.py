"""Mutated Word and Excel files never crash the readers: they read, or are refused with our own error (issue 9)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zvit.errors import IntakeError
from zvit.intake import read_reports

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _mutate_member(data: bytes, member: str, flips: list[tuple[int, int]]) -> bytes:
    """Flip bytes inside one member's XML and zip the package again (so the damage reaches the parser)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = bytearray(parts[member])
    for position, value in flips:
        xml[position % len(xml)] = value
    parts[member] = bytes(xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _read_or_refuse(path: Path) -> None:
    try:
        read_reports(path)
    except IntakeError as error:
        assert "\n" not in str(error)


@pytest.mark.parametrize(("fmt", "member"), [("docx", "word/document.xml"), ("xlsx", "xl/worksheets/sheet1.xml")])
def test_flipped_xml_bytes_are_read_or_refused(seed_fixtures: dict[str, list[Path]], tmp_path: Path,
                                               fmt: str, member: str) -> None:
    original = seed_fixtures[fmt][1].read_bytes()

    @FUZZ
    @given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1,
                    max_size=8))
    def check(flips: list[tuple[int, int]]) -> None:
        path = tmp_path / f"mutant.{fmt}"
        path.write_bytes(_mutate_member(original, member, flips))
        _read_or_refuse(path)

    check()


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_raw_byte_damage_is_read_or_refused(seed_fixtures: dict[str, list[Path]], tmp_path: Path, fmt: str) -> None:
    original = seed_fixtures[fmt][0].read_bytes()

    @FUZZ
    @given(st.integers(min_value=0, max_value=len(original) - 1), st.binary(min_size=1, max_size=16))
    def check(position: int, junk: bytes) -> None:
        path = tmp_path / f"damaged.{fmt}"
        path.write_bytes(original[:position] + junk + original[position + len(junk):])
        _read_or_refuse(path)

    check()
