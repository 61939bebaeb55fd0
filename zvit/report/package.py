"""A saved Office package (.docx, .xlsx) with some of its parts changed after the library that wrote it is done."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping


def with_parts(package: bytes, changes: Mapping[str, Callable[[bytes], bytes]]) -> bytes:
    """The package with each part named in `changes` (by its path in the zip) replaced by what its change makes of
    it; every other part, and the order and compression of all, as they were."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(output, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            change = changes.get(member.filename)
            target.writestr(member, change(data) if change else data)
    return output.getvalue()
