"""The texts of a card set a translator translates, found in the YAML itself.

`templates/translation/rules.yaml` says which files a translator gets and which values are names,
numbers or addresses rather than text. A `Unit` is one text: its file, its place in the file (list
items by their `id` where they have one, so a unit keeps its name when cards move), the text, and
the YAML node it stands in (so a translation can replace exactly that span and keep every comment).
Placeholders are the Jinja2 parts of a text (`{{ name }}`, `{% if name %}`): a translation keeps
each of them and adds none.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from kaartgen.errors import KaartgenError
from kaartgen.messages import Term
from kaartgen.model.yamlfile import MAX_BYTES, load_yaml, read_text_limited

RULES = ("translation", "rules.yaml")  # in the templates folder
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
STATUSES = ("concept", "gecontroleerd")


class Comments(BaseModel):
    """The comments an import writes into a translated set (`{file}`, `{source}`, `{language}`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    header: str
    extends: str
    direction: str
    status: str
    note: str


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    files: list[str] = Field(min_length=1)
    keep: dict[str, list[str]] = {}
    budget: float = Field(gt=1)
    for_others: str
    languages: dict[str, str] = {}
    right_to_left: list[str] = []
    comments: Comments

    def kept(self, file: str, path: tuple[Any, ...]) -> bool:
        """Whether the value at `path` of `file` is copied as it is (a name, a number, an address)."""
        dotted = ".".join("*" if isinstance(p, int) else str(p) for p in path)
        return any(fnmatch.fnmatchcase(dotted, pattern) for pattern in self.keep.get(file, []))

    def note(self, language: str) -> str:
        """The Dutch sentence for the people around the client, naming the letter's language."""
        return " ".join(self.for_others.replace("{language}", self.languages.get(language, language)).split())


def load_rules(templates: Path) -> Rules:
    path = templates.joinpath(*RULES)
    if not path.is_file():  # a templates folder of its own made before translations: the built-in rules
        from kaartgen.model.builtin import DEFAULT_TEMPLATES

        path = DEFAULT_TEMPLATES.joinpath(*RULES)
    yf = load_yaml(path)
    try:
        return Rules.model_validate(yf.data)
    except Exception as exc:  # pydantic's ValidationError: a broken rules file is the templates' problem
        raise KaartgenError("translate.rules", file=path, line=1, detail=str(exc).splitlines()[0]) from None


@dataclass(frozen=True)
class Unit:
    """One translatable text of a set file."""

    file: str  # e.g. "cards.yaml"
    path: tuple[Any, ...]  # keys and list positions in the file
    context: str  # the path with list items named by their id: cards[introductie].sides[0].blocks[1].text
    text: str
    line: int
    start: int  # the span of the scalar in the file's text
    end: int
    style: str | None  # the scalar's YAML style: None (plain), '"', "'", '>' or '|'

    @property
    def msgctxt(self) -> str:
        return f"{self.file}:{self.context}"

    def tree_loc(self) -> tuple[Any, ...]:
        """The place in the loaded set's model (set.yaml's keys sit under `info`)."""
        return ("info",) + self.path if self.file == "set.yaml" else self.path


def _item_name(node: yaml.Node, index: int) -> str:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return str(index)


def _walk(node: yaml.Node, path: tuple[Any, ...], context: str, out: list[tuple[Any, ...]]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value)
            _walk(value, path + (name,), f"{context}.{name}" if context else name, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), f"{context}[{_item_name(item, i)}]", out)
    elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        out.append((path, context, node))


def file_units(folder: Path, file: str, rules: Rules) -> tuple[str, list[Unit]]:
    """The text of one set file and its translatable units, in file order."""
    path = folder / file
    source = read_text_limited(path, MAX_BYTES, Term("term.yaml_file"))
    load_yaml(path)  # its syntax and size problems, with their lines, before anything else
    root = yaml.compose(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    found: list[tuple[Any, ...]] = []
    if root is not None:
        _walk(root, (), "", found)
    units = []
    for at, context, node in found:
        text = node.value  # as the YAML means it: quotes undone, folded lines joined
        if not text.strip() or rules.kept(file, at):
            continue
        units.append(Unit(file, at, context, text, node.start_mark.line + 1, node.start_mark.index,
                          node.end_mark.index, node.style))
    return source, units


def set_units(folder: Path, rules: Rules) -> dict[str, tuple[str, list[Unit]]]:
    """Every translatable unit of a set folder's own files, by file (files it lacks are left out)."""
    return {file: file_units(folder, file, rules) for file in rules.files if (folder / file).is_file()}


def placeholders(text: str) -> Counter[str]:
    """The Jinja2 parts of a text, with their spacing made one: `{{name}}` is `{{ name }}`."""
    return Counter(" ".join(p[2:-2].split()).join((p[:2] + " ", " " + p[-2:])) for p in PLACEHOLDER.findall(text))
