"""Read YAML safely and remember the line of every key, so errors can point at `file:line`.

The data is built by PyYAML's SafeLoader exactly as `yaml.safe_load` builds it; the node tree is
walked a second time only to record line numbers by key path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kaartgen.errors import KaartgenError

Path_ = tuple[Any, ...]


@dataclass
class YamlFile:
    """A parsed YAML file: its data and the line where each key path starts."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, loc: Path_) -> int | None:
        """The line of the deepest part of `loc` that exists (pydantic locations may run deeper)."""
        best = self.lines.get(())
        current: Path_ = ()
        for part in loc:
            candidate = current + (part,)
            if candidate in self.lines:
                current = candidate
                best = self.lines[candidate]
        return best

    def error(self, loc: Path_, message: str) -> KaartgenError:
        """An error pointing at `loc` in this file."""
        return KaartgenError(message, self.path, self.line_of(loc))


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], file: Path) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                raise KaartgenError(
                    f"key '{key}' appears twice; remove one of them", file, key_node.start_mark.line + 1
                )
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), lines, file)


def load_yaml(path: Path) -> YamlFile:
    """Load one YAML file; a syntax error becomes a KaartgenError with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KaartgenError("file not found", path) from None
    except UnicodeDecodeError as exc:
        raise KaartgenError(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", path) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise KaartgenError(
            f"YAML syntax error: {problem}; check the indentation and quotes on this line", path, line
        ) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines, path)
    return YamlFile(path=path, data=data, lines=lines)
