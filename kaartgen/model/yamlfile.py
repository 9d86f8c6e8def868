"""Read YAML safely and remember the line of every key, so errors can point at `file:line`.

The data is built by PyYAML's SafeLoader exactly as `yaml.safe_load` builds it; the node tree is
walked a second time only to record line numbers by key path.

YAML files come from people, and a client list may come from anywhere, so reading is bounded: a
size limit per file, a nesting limit, and aliases (`*name`) may not expand the document beyond a
small multiple of what is written ("billion laughs" would otherwise take gigabytes). With
`plain=True` every scalar is kept as the text written: `NO` stays "NO", `007` stays "007".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from kaartgen.errors import KaartgenError
from kaartgen.messages import Term

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

    def error(self, loc: Path_, code: str, **params: Any) -> KaartgenError:
        """An error pointing at `loc` in this file."""
        return KaartgenError(code, file=self.path, line=self.line_of(loc), **params)


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], file: Path) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                raise KaartgenError("yaml.key_twice", file=file, line=key_node.start_mark.line + 1, key_name=key)
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, path + (key,), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), lines, file)


MAX_BYTES = 2 * 1024 * 1024  # a content file; client lists pass their own limit
MIN_EXPANSION = 10_000  # nodes an alias-using document may always expand to
MAX_DEPTH = 100
A_FILE = Term("term.file")  # what a file is called in messages unless the caller names it


def read_limited(path: Path, max_bytes: int, what: Term = A_FILE) -> bytes:
    """A file's bytes, refused with a clear message when larger than `max_bytes` (never read whole)."""
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise KaartgenError("file.not_found", file=path) from None
    except IsADirectoryError:
        raise KaartgenError("file.is_folder", file=path, what=what) from None
    except OSError as exc:
        raise KaartgenError("file.unreadable", file=path, what=what, reason=exc.strerror or "") from None
    if len(data) > max_bytes:
        raise KaartgenError("file.too_large", file=path, what=what, mb=max_bytes // (1024 * 1024))
    return data


def read_text_limited(path: Path, max_bytes: int, what: Term = A_FILE) -> str:
    """A UTF-8 text file (BOM allowed), refused with a clear message when larger than `max_bytes`."""
    data = read_limited(path, max_bytes, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KaartgenError("file.not_utf8", file=path, byte=exc.start) from None


def _check_size(root: yaml.Node, path: Path) -> None:
    """Refuse documents that nest too deeply or whose aliases expand them far beyond what is written."""
    written: set[int] = set()
    expanded: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:  # iterative post-order walk: a deep document must not exhaust Python's stack
        node, depth, done = stack.pop()
        key = id(node)
        if depth > MAX_DEPTH:
            raise KaartgenError("yaml.too_deep", file=path, line=node.start_mark.line + 1, depth=MAX_DEPTH)
        children = ([n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode)
                    else list(node.value) if isinstance(node, yaml.SequenceNode) else [])
        if done:
            expanded[key] = 1 + sum(expanded.get(id(c), 0) for c in children)
            continue
        if key in written:
            if key not in expanded:
                raise KaartgenError("yaml.alias_loop", file=path, line=node.start_mark.line + 1)
            continue
        written.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children)
    total = expanded[id(root)]
    if total > max(MIN_EXPANSION, 2 * len(written)):
        raise KaartgenError("yaml.aliases_expand", file=path, items=total)


# libyaml's parser when PyYAML has it (its wheels do): the same documents and marks, five times faster.
_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
if TYPE_CHECKING:  # the type stubs describe both; which one is installed is known only when running
    _BASE = yaml.BaseLoader
else:
    _BASE = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class _PlainLoader(_BASE):
    """Keeps every scalar as the text written (no YAML 1.1 guessing of booleans, numbers, times)."""


def load_yaml(path: Path, max_bytes: int = MAX_BYTES, plain: bool = False) -> YamlFile:
    """Load one YAML file; a syntax error becomes a KaartgenError with its line."""
    text = read_text_limited(path, max_bytes, Term("term.yaml_file"))
    loader = (_PlainLoader if plain else _SAFE)(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_size(node, path)
        data = loader.construct_document(node) if node is not None else None
    except RecursionError:
        raise KaartgenError("yaml.too_deep", file=path, depth=MAX_DEPTH) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise KaartgenError("yaml.syntax", file=path, line=line, problem=problem) from None
    except yaml.YAMLError as exc:
        raise KaartgenError("yaml.error", file=path, problem=str(exc)) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines, path)
    return YamlFile(path=path, data=data, lines=lines)
