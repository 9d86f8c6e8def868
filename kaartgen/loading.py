"""Load content and templates from their folders and validate them into the typed models.

Every problem is reported as `file:line: key.path: message`, all at once, so a content owner can
fix a file in one go. Validation never half-succeeds: the caller gets a complete model or an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError

from kaartgen.content import CardSet, check_references
from kaartgen.errors import KaartgenError, KaartgenErrors
from kaartgen.theme import Theme
from kaartgen.yamlfile import YamlFile, load_yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT = ROOT / "content"
DEFAULT_TEMPLATES = ROOT / "templates"
CONTENT_FILES = ("set.yaml", "stagnations.yaml", "domains.yaml", "cards.yaml")
INFO_FILE = "set.yaml"  # its whole mapping is the set's metadata (`info` in the model)

M = TypeVar("M", bound=BaseModel)


@dataclass
class Sources:
    """Where each top-level key of a model came from, to turn model locations into file:line."""

    files: dict[str, tuple[YamlFile, bool]] = field(default_factory=dict)
    fallback: Path | None = None

    def add(self, key: str, yf: YamlFile, whole_file: bool = False) -> None:
        self.files[key] = (yf, whole_file)

    def where(self, loc: tuple) -> tuple[Path | None, int | None]:
        if loc and loc[0] in self.files:
            yf, whole = self.files[loc[0]]
            return yf.path, yf.line_of(loc[1:] if whole else loc)
        return self.fallback, None

    def error(self, loc: tuple, message: str) -> KaartgenError:
        file, line = self.where(loc)
        path = dotted(loc)
        return KaartgenError(f"{path}: {message}" if path else message, file, line)


@dataclass
class Loaded:
    """A validated model with the map back to its YAML sources."""

    model: Any
    sources: Sources


def dotted(loc: tuple) -> str:
    """('cards', 1, 'sides', 0, 'text') -> 'cards[1].sides[0].text', the way people read YAML."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _friendly(err: dict) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key; check its spelling or remove it"
    if kind == "missing":
        return "required key is missing; add it"
    if kind == "union_tag_invalid":
        expected = err.get("ctx", {}).get("expected_tags", "")
        return f"unknown block type {err['input']!r}; use one of: {expected}"
    if kind == "string_pattern_mismatch" and err["loc"] and err["loc"][-1] in ("id", "stagnation"):
        return f"{err['input']!r} is not a valid id; use lower-case letters, digits and _ only"
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return message


def _validate(model: type[M], data: Any, sources: Sources, clean_loc: Callable[[tuple], tuple]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = clean_loc(tuple(err["loc"]))
            errors.append(sources.error(loc, _friendly(err)))
        raise KaartgenErrors(errors) from None


def _no_tags(loc: tuple) -> tuple:
    """Drop pydantic's union tag after a block index ('write_in', …): it is not a YAML key."""
    return tuple(
        part for i, part in enumerate(loc)
        if not (i >= 2 and isinstance(part, str) and isinstance(loc[i - 1], int) and loc[i - 2] == "blocks")
    )


def _mapping(yf: YamlFile) -> dict:
    if not isinstance(yf.data, dict):
        raise KaartgenError("expected a mapping of keys at the top of the file", yf.path, 1)
    return yf.data


def _raise_problems(problems: list[tuple[tuple, str]], sources: Sources) -> None:
    if problems:
        raise KaartgenErrors([sources.error(loc, msg) for loc, msg in problems])


def set_dir(content: Path, language: str, variant: str) -> Path:
    return content / language / variant


def load_card_set(content: Path, language: str, variant: str) -> Loaded:
    """Load content/<language>/<variant>/ into a CardSet, or raise every problem found."""
    if not content.is_dir():
        raise KaartgenError(f"content folder not found: {content}; pass --content with the folder that holds <language>/<variant>/")
    folder = set_dir(content, language, variant)
    if not folder.is_dir():
        available = sorted(f"{p.parent.name}/{p.name}" for p in content.glob("*/*") if p.is_dir())
        raise KaartgenError(
            f"no content for language '{language}' and variant '{variant}' in {content}; "
            f"available: {', '.join(available) or 'none'}"
        )
    sources = Sources(fallback=folder)
    data: dict[str, Any] = {}
    for name in CONTENT_FILES:
        yf = load_yaml(folder / name)
        mapping = _mapping(yf)
        if name == INFO_FILE:
            data["info"] = mapping
            sources.add("info", yf, whole_file=True)
            continue
        for key, value in mapping.items():
            if key in data:
                raise yf.error((key,), f"key '{key}' is already defined in another file of {folder}")
            data[key] = value
            sources.add(key, yf)
    card_set = _validate(CardSet, data, sources, _no_tags)
    _raise_problems(check_references(card_set), sources)
    return Loaded(card_set, sources)


def load_theme(templates: Path) -> Loaded:
    """Merge every *.yaml in the templates folder (each top-level key in one file) into a Theme."""
    if not templates.is_dir():
        raise KaartgenError(f"templates folder not found: {templates}; pass --templates with the folder of template YAML files")
    sources = Sources(fallback=templates)
    data: dict[str, Any] = {}
    for path in sorted(templates.glob("*.yaml")):
        yf = load_yaml(path)
        for key, value in _mapping(yf).items():
            if key in data:
                raise yf.error((key,), f"key '{key}' is already defined in {sources.files[key][0].path.name}")
            data[key] = value
            sources.add(key, yf)
    theme = _validate(Theme, data, sources, lambda loc: loc)
    _raise_problems(theme.check_references(), sources)
    return Loaded(theme, sources)
