"""Domain code stays Prefect-free and Great Expectations is only imported where it is used."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_PACKAGES = ("zvit", "models")


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at module level) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top_level))
    return found


def _python_files(*packages: str) -> list[Path]:
    return [p for package in packages for p in (ROOT / package).rglob("*.py")]


def test_domain_code_never_imports_prefect() -> None:
    offenders = [str(path.relative_to(ROOT)) for path in _python_files(*DOMAIN_PACKAGES)
                 if any(module.split(".")[0] == "prefect" for module, _ in _imports(path))]
    assert offenders == []


def test_great_expectations_is_never_imported_at_module_level() -> None:
    offenders = [str(path.relative_to(ROOT)) for path in _python_files(*DOMAIN_PACKAGES, "flows")
                 if any(module.split(".")[0] == "great_expectations" and top for module, top in _imports(path))]
    assert offenders == []


def test_the_domain_packages_were_found() -> None:
    assert len(_python_files("zvit")) > 20
