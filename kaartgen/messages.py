"""The message catalogue: the Dutch and English wording of every error and notice code.

Engine and model errors are codes with parameters (errors.py); the wording lives in one YAML file,
templates/messages/catalogue.yaml, a code a mapping of language to text with `{name}` for each
parameter. It is always read from the built-in templates, so a copy of the templates made before
a code existed still gets its wording. A parameter that is itself an error is shown in the same
language; a list is joined with commas. A code may have a singular form, `<code>_1`, used when its
`count` parameter is 1.

The CLI speaks English unless the locale is Dutch (LC_ALL, LC_MESSAGES or LANG starting with `nl`);
the web app speaks the page's language. `--language` remains the language of the cards.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

CATALOGUE = ("messages", "catalogue.yaml")  # under the built-in templates


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every code's wording, by language."""
    import yaml

    from kaartgen.model.builtin import DEFAULT_TEMPLATES

    path = DEFAULT_TEMPLATES.joinpath(*CATALOGUE)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=loader)
    return {str(code): {str(k): str(v) for k, v in texts.items()} for code, texts in data.items()}


class Term:
    """A word or phrase of the catalogue used inside a message ("client list", "card 2 'situatie',
    side 1"), with parameters of its own: shown in the message's language."""

    def __init__(self, code: str, **params: Any):
        self.code, self.params = code, params

    def __repr__(self) -> str:
        return f"Term({self.code!r}, {self.params!r})"

    def __str__(self) -> str:
        return render(self.code, self.params, "en")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Term) and other.code == self.code and other.params == self.params

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items(), key=str))))


class All(list[Any]):
    """Several things in a message, joined as the language does: "a, b and c", "a, b en c"."""


def _value(value: Any, lang: str) -> str:
    from kaartgen.errors import KaartgenError

    if isinstance(value, All):
        parts = [_value(v, lang) for v in value]
        if len(parts) < 2:
            return "".join(parts)
        return f"{', '.join(parts[:-1])} {render('term.and', {}, lang)} {parts[-1]}"
    if isinstance(value, Term):
        return render(value.code, value.params, lang)
    if isinstance(value, KaartgenError):
        return value.located_text(lang) if value.file is not None else value.text(lang)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_value(v, lang) for v in value)
    return str(value)


def render(code: str, params: dict[str, Any], lang: str = "en") -> str:
    """The message of `code` in `lang` with `params` filled in. With a `count` of 1, the code's
    singular form (`<code>_1`) when the catalogue has one. A code the catalogue does not have (an
    error made again from its text by a library) is shown as it is."""
    if params.get("count") == 1 and f"{code}_1" in catalogue():
        code = f"{code}_1"
    texts = catalogue().get(code)
    if texts is None:
        return code
    template = texts.get(lang) or texts["en"]
    return template.format_map({k: _value(v, lang) for k, v in params.items()})


def language(environ: dict[str, str] | None = None) -> str:
    """The language of the CLI's messages: Dutch when the locale is Dutch, else English."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"
