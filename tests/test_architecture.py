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


#: The layers, top first: a module may import its own layer and those below, never one above. Packages are
#: placed whole; the vocabulary modules every layer speaks (a finding, a period, the raw blocks) sit at the base.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("zvit.cli", "zvit.__main__", "zvit.commands", "flows", "zvit.web"),
    ("zvit.pipeline", "zvit.quarter", "zvit.report", "zvit.notify", "zvit.templating", "zvit.glossary",
     "zvit.export", "zvit.samples", "zvit.mail"),
    ("zvit.intake", "zvit.normalize", "zvit.quality", "zvit.warehouse", "zvit.reading", "models"),
    ("zvit.registry", "zvit.model", "zvit.catalogue", "zvit.quality.findings", "zvit.normalize.periods",
     "zvit.normalize.text", "zvit.normalize.numbers", "zvit.intake.blocks", "zvit.errors", "zvit.settings",
     "zvit.addresses", "zvit.resources", "zvit.redaction", "zvit.version", "zvit.formatting", "zvit.processes",
     "zvit.heap"),
)


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _place(module: str) -> tuple[int, str] | None:
    """(layer, the entry it matched): the most specific entry naming the module or a package above it."""
    found = [(len(entry), layer, entry) for layer, entries in enumerate(LAYERS) for entry in entries
             if module == entry or module.startswith(entry + ".")]
    if not found:
        return None
    _, layer, entry = max(found)
    return layer, entry


def _project_imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in _python_files("zvit", "models", "flows"):
        found[_module_name(path)] = {module for module, _ in _imports(path)
                                     if module.split(".")[0] in ("zvit", "models", "flows")}
    return found


def test_every_module_imports_only_its_own_layer_and_those_below() -> None:
    imports = _project_imports()
    unplaced = sorted(module for module in imports if _place(module) is None and module != "zvit")
    assert unplaced == [], "place these modules in LAYERS"
    upward = sorted(f"{module} -> {target}" for module, targets in imports.items() for target in targets
                    if (here := _place(module)) and (there := _place(target)) and there[0] < here[0])
    assert upward == []


def test_the_packages_of_a_layer_do_not_import_each_other_in_a_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for module, targets in _project_imports().items():
        here = _place(module)
        for target in targets:
            there = _place(target)
            if here and there and here[0] == there[0] and here[1] != there[1]:
                graph.setdefault(here[1], set()).add(there[1])
    assert len(graph) > 3  # the guard: the walk found the packages

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
                   for nxt in graph.get(start, ()))

    cycles = sorted(package for package in graph if reaches(package, package, {package}))
    assert cycles == []


#: The pipeline's steps: reading files, checking reports, storing them.
STEPS = {"read_files", "read_all", "read_reports", "check_reports", "check", "load_report", "store"}


def _step_calls(function: ast.AST) -> set[str]:
    """The steps a function calls in its own body (a lambda or nested function is a scope of its own)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if isinstance(child, ast.Call):
                name = child.func.id if isinstance(child.func, ast.Name) else \
                    child.func.attr if isinstance(child.func, ast.Attribute) else ""
                if name in STEPS:
                    found.add(name)
            visit(child)

    visit(function)
    return found


def test_only_the_pipeline_calls_the_steps_in_sequence() -> None:
    # Issue 16: the read -> check -> store sequence was written four times, and the copies drifted.
    offenders = []
    checked = 0
    for path in [*_python_files("zvit", "flows", "bench")]:
        if path.name == "pipeline.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                checked += 1
                steps = _step_calls(node)
                if len(steps) > 1:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.name} calls {sorted(steps)}")
    assert checked > 100
    assert offenders == []
