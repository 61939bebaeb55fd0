"""Read a YAML file into plain Python values, remembering the line of every key and list item."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: A place in a document: mapping keys and list indexes from the root, like pydantic's error `loc`.
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the registry, pointing at a file and a 1-based line."""

    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class Document:
    """A parsed YAML file: its data and the line where each place in it starts."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, loc: Loc) -> int | None:
        """The line of `loc`, or of the nearest enclosing place that has one."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None


def read_document(path: Path) -> Document:
    """Parse one YAML file; syntax errors and duplicate keys become problems, not exceptions."""
    doc = Document(path=path, data=None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        doc.problems.append(Problem(path, None, f"cannot read: {exc}"))
        return doc
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        doc.lines[()] = 1
        doc.data = None if node is None else _convert(loader, node, (), doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        doc.problems.append(Problem(path, line, f"invalid YAML: {exc.problem or exc.context}"))
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(path, None, f"invalid YAML: {exc}"))
    finally:
        loader.dispose()
    return doc


def _convert(loader: yaml.SafeLoader, node: yaml.Node, loc: Loc, doc: Document) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<` merge keys like safe_load would
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node) if isinstance(key_node, yaml.ScalarNode) else None
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int)):
                doc.problems.append(Problem(doc.path, line, "mapping keys must be plain text"))
                continue
            if key in result:
                doc.problems.append(Problem(doc.path, line, f"duplicate key '{key}'"))
                continue
            doc.lines[(*loc, key)] = line
            result[key] = _convert(loader, value_node, (*loc, key), doc)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            doc.lines[(*loc, index)] = item.start_mark.line + 1
            items.append(_convert(loader, item, (*loc, index), doc))
        return items
    return _scalar(loader, node)


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.constructor.ConstructorError):
        # e.g. 2021-02-30 looks like a date but is not one: keep the text so validation can name it
        return node.value
