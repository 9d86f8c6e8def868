"""Load content and templates from their folders and validate them into the typed models.

Every problem is reported as `file:line: key.path: message`, all at once, so a content owner can
fix a file in one go. Validation never half-succeeds: the caller gets a complete model or an error.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from kaartgen.errors import KaartgenError, KaartgenErrors
from kaartgen.messages import Term
from kaartgen.model.content import CardSet, check_references
from kaartgen.model.merge import Loc, Problem, Tree, merge
from kaartgen.model.theme import Theme
from kaartgen.model.yamlfile import YamlFile, load_yaml

CONTENT_FILES = ("set.yaml", "stagnations.yaml", "domains.yaml", "cards.yaml", "letter.yaml", "guide.yaml")
OPTIONAL_FILES = ("letter.yaml", "guide.yaml")
INFO_FILE = "set.yaml"  # its whole mapping is the set's metadata (`info` in the model)

M = TypeVar("M", bound=BaseModel)


@dataclass
class Sources:
    """Turns a location in a model into the file and line of the YAML it came from."""

    tree: Tree
    fallback: Path  # the folder it was loaded from: named when a location has no file of its own

    def where(self, loc: Loc) -> tuple[Path | None, int | None]:
        origin = self.tree.where(loc)
        return origin if origin else (self.fallback, None)

    def error(self, loc: Loc, code: str, **params: Any) -> KaartgenError:
        file, line = self.where(loc)
        return KaartgenError(code, file=file, line=line, key=dotted(loc) or None, **params)

    def located(self, exc: KaartgenError) -> KaartgenError:
        """The one place a model location (`exc.loc`) becomes file:line; errors that already name
        a file, or have no location, pass unchanged."""
        if exc.loc is None or exc.file is not None:
            return exc
        located = copy.copy(exc)
        located.file, located.line = self.where(exc.loc)
        located.key = dotted(exc.loc) or None
        return located


@dataclass
class Loaded(Generic[M]):
    """A validated model with the map back to its YAML sources."""

    model: M
    sources: Sources

    @property
    def folder(self) -> Path:
        """The folder it was loaded from (a content set's folder, or the templates folder)."""
        return self.sources.fallback


def dotted(loc: Loc) -> str:
    """('cards', 1, 'sides', 0, 'text') -> 'cards[1].sides[0].text', the way people read YAML."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _friendly(err: ErrorDetails) -> tuple[str, dict[str, Any]]:
    """A pydantic error as a message code and its parameters."""
    kind = err["type"]
    ctx = err.get("ctx", {})
    if kind.startswith("template.") or kind.startswith("content."):  # our own validators' codes
        return kind, dict(ctx)
    if kind == "extra_forbidden":
        return "model.unknown_key", {}
    if kind == "missing":
        return "model.missing_key", {}
    if kind == "union_tag_invalid":
        return "model.block_type", {"value": repr(err["input"]), "expected": ctx.get("expected_tags", "")}
    if kind == "string_pattern_mismatch" and err["loc"] and err["loc"][-1] in ("id", "stagnation"):
        return "model.bad_id", {"value": repr(err["input"])}
    if kind == "string_pattern_mismatch":
        return "model.pattern", {"value": repr(err["input"]), "pattern": ctx.get("pattern", "")}
    if kind in ("string_type", "int_type", "int_parsing", "float_type", "float_parsing", "bool_type",
                "bool_parsing", "list_type", "dict_type", "model_type", "tuple_type"):
        return "model.type", {"expected": _EXPECTED.get(kind.split("_")[0], kind.split("_")[0])}
    if kind in ("too_short", "too_long"):
        return f"model.{kind}", {"limit": ctx.get("min_length" if kind == "too_short" else "max_length", "")}
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        limit = next(iter(ctx.values()), "")
        return f"model.{kind}", {"limit": limit}
    if kind == "literal_error":
        return "model.literal", {"expected": ctx.get("expected", "")}
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return "model.invalid", {"detail": message}


_EXPECTED = {"string": Term("term.text"), "int": Term("term.whole_number"), "float": Term("term.number"),
             "bool": Term("term.yes_no"), "list": Term("term.list"), "dict": Term("term.mapping"),
             "model": Term("term.mapping"), "tuple": Term("term.list")}


def _validate(model: type[M], data: Any, sources: Sources, clean_loc: Callable[[Loc], Loc]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = clean_loc(tuple(err["loc"]))
            code, params = _friendly(err)
            errors.append(sources.error(loc, code, **params))
        raise KaartgenErrors(errors) from None


def _no_tags(loc: Loc) -> Loc:
    """Drop pydantic's union tag after a block index ('write_in', …): it is not a YAML key."""
    return tuple(
        part for i, part in enumerate(loc)
        if not (i >= 2 and isinstance(part, str) and isinstance(loc[i - 1], int) and loc[i - 2] == "blocks")
    )


def _mapping(yf: YamlFile) -> dict[str, Any]:
    if not isinstance(yf.data, dict):
        raise KaartgenError("yaml.not_mapping", file=yf.path, line=1)
    return yf.data


def _raise_problems(problems: list[Problem], sources: Sources) -> None:
    if problems:
        raise KaartgenErrors([sources.error(loc, code, **params) for loc, code, params in problems])


def set_dir(content: Path, language: str, variant: str) -> Path:
    return content / language / variant


def available_sets(content: Path) -> list[str]:
    """'language/variant' for every content folder with a set.yaml."""
    return sorted(f"{p.parent.parent.name}/{p.parent.name}" for p in content.glob(f"*/*/{INFO_FILE}") if p.is_file())


def unreadable_sets(content: Path) -> list[KaartgenError]:
    """Folders that look like a content set but whose set.yaml cannot be read: renamed (set.yml),
    a broken link or a link loop. Without this they would silently drop out of lint and batch."""
    problems = []
    for folder in sorted(content.glob("*/*")):
        try:
            if not folder.is_dir() or (folder / INFO_FILE).is_file():
                continue
            names = {p.name for p in folder.iterdir()}
        except OSError as exc:
            problems.append(KaartgenError("content.folder_unreadable", file=folder, reason=exc.strerror or ""))
            continue
        yaml_files = any(n.endswith((".yaml", ".yml")) for n in names)
        if INFO_FILE in names or any(n in names for n in CONTENT_FILES) or yaml_files:
            problems.append(KaartgenError("content.no_set_yaml", file=folder / INFO_FILE, name=INFO_FILE))
    return problems


def _folder_tree(content: Path, folder: Path, seen: tuple[Path, ...] = ()) -> Tree:
    """The merged YAML of one content folder, with the folder it `extends` underneath."""
    parent_tree = None
    tree = Tree({})
    info = load_yaml(folder / INFO_FILE)
    parent_name = _mapping(info).get("extends")
    if parent_name is not None:
        target = str(parent_name) if "/" in str(parent_name) else f"{folder.parent.name}/{parent_name}"
        parent = content / target
        parts = Path(target).parts
        if Path(target).is_absolute() or len(parts) != 2 or ".." in parts or not _inside(parent, content):
            raise info.error(("extends",), "content.extends_outside", parent=parent_name, sets=available_sets(content))
        if not (parent / INFO_FILE).is_file():
            raise info.error(("extends",), "content.extends_missing", parent=parent_name, name=INFO_FILE,
                             sets=available_sets(content))
        if parent.resolve() in seen:
            raise info.error(("extends",), "content.extends_cycle")
        parent_tree = _folder_tree(content, parent, seen + (folder.resolve(),))
    for name in CONTENT_FILES:
        path = folder / name
        if not path.is_file():
            if parent_name is None and name not in OPTIONAL_FILES:
                raise KaartgenError("content.file_missing", file=path,
                                    files=[n for n in CONTENT_FILES if n not in OPTIONAL_FILES])
            continue
        yf = info if name == INFO_FILE else load_yaml(path)
        mapping = dict(_mapping(yf))
        if name == INFO_FILE:
            mapping.pop("extends", None)
            own = Tree.of(YamlFile(yf.path, {"info": mapping}, {("info",) + k: v for k, v in yf.lines.items()}))
        else:
            for key in mapping:
                if key not in ("stagnations", "domains", "cards", "letter", "guide", "reflection"):
                    raise yf.error((key,), "content.unknown_top_key", key_name=key, name=name, holds=name[:-5])
            own = Tree.of(yf)
        tree = merge(tree, own)
    if parent_tree is None:
        tree.inherited = []
        return tree
    return merge(parent_tree, tree)  # its `inherited` lists what this folder takes from the parent


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def load_card_set(content: Path, language: str, variant: str) -> Loaded[CardSet]:
    """Load content/<language>/<variant>/ into a CardSet, or raise every problem found."""
    if not content.is_dir():
        raise KaartgenError("content.folder_not_found", field="content", folder=str(content))
    folder = set_dir(content, language, variant)
    if not (folder / INFO_FILE).is_file():
        raise KaartgenError("content.no_set", field="variant", language=language, variant=variant,
                            sets=available_sets(content) or Term("term.none"))
    tree = _folder_tree(content, folder)
    sources = Sources(tree, fallback=folder)
    card_set = _validate(CardSet, tree.data, sources, _no_tags)
    _raise_problems(check_references(card_set), sources)
    return Loaded(card_set, sources)


def _templates_tree(folder: Path) -> Tree:
    """Every *.yaml in one templates folder; each top-level key may be defined in one file only."""
    tree = Tree({})
    owner: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        yf = load_yaml(path)
        for key in _mapping(yf):
            if key in owner:
                raise yf.error((key,), "template.key_defined", key_name=key, other=owner[key].name)
            owner[key] = path
        tree = merge(tree, Tree.of(yf))
    return tree


def load_theme(templates: Path, overlays: tuple[str, ...] = ()) -> Loaded[Theme]:
    """The templates folder, with each overlay subfolder (e.g. large-print/) merged on top."""
    if not templates.is_dir():
        raise KaartgenError("template.folder_not_found", field="templates", folder=str(templates))
    tree = _templates_tree(templates)
    for overlay in overlays:
        folder = templates / overlay
        if not folder.is_dir():
            known = sorted(p.name for p in templates.iterdir() if p.is_dir())
            raise KaartgenError("template.no_overlay", field="templates", overlay=overlay, folder=str(templates),
                                known=known or Term("term.none"))
        tree = merge(tree, _templates_tree(folder))
    sources = Sources(tree, fallback=templates)
    theme = _validate(Theme, tree.data, sources, lambda loc: loc)
    _raise_problems(theme.check_references(), sources)
    return Loaded(theme, sources)
