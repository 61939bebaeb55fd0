"""Making Office files byte-for-byte reproducible: zip entry times and document dates set to one moment."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

_CORE_DATE = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def freeze_package(path: Path, moment: datetime) -> Path:
    """Rewrite a .docx/.xlsx so that its bytes depend on its content and `moment` only, not on when it was saved."""
    stamp = moment.astimezone(UTC)
    date_time = stamp.timetuple()[:6]
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _CORE_DATE.sub(rb"\g<1>" + iso + rb"\g<2>", data)
            frozen = zipfile.ZipInfo(info.filename, date_time=date_time)
            frozen.compress_type = info.compress_type
            frozen.external_attr = info.external_attr
            archive.writestr(frozen, data)
    return path
