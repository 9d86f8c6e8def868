"""Which column of a client list is which field: the names in `templates/lists/columns.yaml` (Dutch and
English, with the usual variants) and, for anything else, a small mapping file of the list's own
(`--columns kolommen.yaml`).

Headers are matched without regard to capitals, spaces, dots, hyphens, underscores and accents, so
"Huisnr.", "huis-nummer" and "HUISNUMMER" are one name. The result says, for the front ends to
show, which header became which field and which headers were not used.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from kaartgen.errors import KaartgenError
from kaartgen.model.yamlfile import load_yaml

FIELDS = ("id", "name", "initials", "first_name", "prefix", "surname", "street", "house_number", "addition",
          "postcode", "city", "country", "language", "variant", "large_print", "appointment", "date", "time",
          "location", "professional", "role", "phone")
ALIASES = ("lists", "columns.yaml")  # in the templates folder
LANGUAGES = ("lists", "languages.yaml")  # the names a list's language column may give
MAX_MAPPING = 64 * 1024  # bytes of a mapping file: a few dozen lines


def key(header: str) -> str:
    """A header as it is compared: lower case, no accents, no spaces, dots, hyphens or underscores."""
    plain = unicodedata.normalize("NFKD", header.casefold())
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c))


@dataclass(frozen=True)
class Columns:
    """Header keys to fields: the templates' names, then the list's own mapping over them."""

    names: dict[str, str]  # key(header) -> field

    @classmethod
    def load(cls, templates: Path, mapping: Path | None = None) -> Columns:
        """The names of `templates/columns.yaml`, and those of `mapping` (header: field, where the
        field may be given by any of its names)."""
        names: dict[str, str] = {}
        path = templates.joinpath(*ALIASES)
        if path.is_file():
            loaded = load_yaml(path, plain=True)
            table = loaded.data.get("columns") if isinstance(loaded.data, dict) else None
            if not isinstance(table, dict):
                raise KaartgenError("columns.no_table", file=path)
            for field, aliases in table.items():
                line = loaded.lines.get(("columns", field))
                if field not in FIELDS:
                    raise KaartgenError("columns.unknown_field", file=path, line=line, key=f"columns.{field}",
                                        field=field, fields=list(FIELDS))
                for alias in aliases if isinstance(aliases, list) else []:
                    other = names.setdefault(key(str(alias)), field)
                    if other != field:
                        raise KaartgenError("columns.name_twice", file=path, line=line, key=f"columns.{field}",
                                            name=str(alias), other=other)
        for field in FIELDS:  # a field's own name always names it
            names.setdefault(key(field), field)
        if mapping is not None:
            names.update(cls._mapping(mapping, names))
        return cls(names)

    @staticmethod
    def _mapping(path: Path, names: dict[str, str]) -> dict[str, str]:
        if not path.is_file():
            raise KaartgenError("file.not_found", file=path, field="columns")
        loaded = load_yaml(path, MAX_MAPPING, plain=True)
        if not isinstance(loaded.data, dict):
            raise KaartgenError("columns.not_mapping", file=path, field="columns")
        mapped: dict[str, str] = {}
        for header, target in loaded.data.items():
            field = names.get(key(str(target))) if isinstance(target, str) else None
            if field is None:
                raise KaartgenError("columns.unknown_target", file=path, line=loaded.lines.get((header,)),
                                    column=str(header), fields=list(FIELDS), field="columns")
            mapped[key(str(header))] = field
        return mapped

    def field(self, header: str) -> str | None:
        """The field a header names, or None for a column kaartgen does not use."""
        return self.names.get(key(header)) if header.strip() else None


DEFAULT = Columns({key(f): f for f in FIELDS})  # English field names only: for lists read without templates


def language_names(templates: Path) -> dict[str, list[str]]:
    """Each language code of `templates/lists/languages.yaml` and its names, its own name first."""
    path = templates.joinpath(*LANGUAGES)
    if not path.is_file():
        return {}
    loaded = load_yaml(path, plain=True)
    table = loaded.data.get("languages") if isinstance(loaded.data, dict) else None
    if not isinstance(table, dict) or not all(isinstance(v, list) for v in table.values()):
        raise KaartgenError("languages.no_table", file=path)
    names: dict[str, list[str]] = {str(code): [str(name) for name in given] for code, given in table.items()}
    seen: dict[str, str] = {}
    for code, given in names.items():
        for name in [code, *given]:
            other = seen.setdefault(key(name), code)
            if other != code:
                raise KaartgenError("languages.name_twice", file=path, line=loaded.lines.get(("languages", code)),
                                    key=f"languages.{code}", name=name, other=other)
    return names


def language_codes(templates: Path) -> dict[str, str]:
    """Every name a list may give a language by (its code, its names), compared as `key`, to its code."""
    return {key(name): code for code, names in language_names(templates).items() for name in [code, *names]}


def languages_present(content: Path, templates: Path) -> list[tuple[str, str]]:
    """The languages `content` has a set in, each with its own name (the code when it has none), in
    the order of `templates/lists/languages.yaml`, then the others."""
    from kaartgen.model.loading import available_sets

    present = {name.split("/")[0] for name in available_sets(content)} if content.is_dir() else set()
    names = language_names(templates)
    ordered = [code for code in names if code in present] + sorted(present - set(names))
    return [(code, (names.get(code) or [code])[0]) for code in ordered]
