"""The shape of the code that keeps it easy to carry on: front ends use the engine's one public face,
and every message the code can show has its Dutch and English wording in the catalogue."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import kaartgen.engine
from kaartgen.messages import catalogue

PACKAGE = Path(kaartgen.engine.__file__).resolve().parent.parent
FRONT_ENDS = ("commands", "web")
# what a front end may import: the engine's face, the error type, the catalogue, the clock, the version
ALLOWED = ("kaartgen.engine", "kaartgen.errors", "kaartgen.messages", "kaartgen.clock", "kaartgen")


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def test_front_ends_import_only_the_engine_s_face():
    wrong = []
    for front in FRONT_ENDS:
        for path in sorted((PACKAGE / front).glob("*.py")):
            for line, module in imports(path):
                if not module.startswith("kaartgen"):
                    continue
                own = module.startswith(f"kaartgen.{front}")
                serve_starts_web = path.name == "serve.py" and module == "kaartgen.web.app"
                if module not in ALLOWED and not own and not serve_starts_web:
                    wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {module}")
    assert wrong == []


def test_the_engine_face_lists_what_it_exports():
    assert sorted(kaartgen.engine.__all__) == sorted(kaartgen.engine._EXPORTS)
    for name in kaartgen.engine.__all__:
        assert getattr(kaartgen.engine, name) is not None, name


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_code_has_dutch_and_english_with_the_same_parameters():
    for code, texts in catalogue().items():
        assert set(texts) == {"nl", "en"}, code
        assert texts["nl"].strip() and texts["en"].strip(), code
        assert _fields(texts["nl"]) == _fields(texts["en"]), code


PREFIXES = ("term", "file", "yaml", "model", "template", "content", "text", "glyph", "date", "option", "value",
            "batch", "list", "row", "layout", "letter", "font", "read", "pool", "lint", "config", "cli", "clock",
            "web", "serve")
ANY_PREFIX = "|".join(PREFIXES)
CODE = re.compile(rf"""["']((?:{ANY_PREFIX})\.[a-z0-9_\-]+(?:\.[a-z]+)?)["']""")
DYNAMIC = {  # codes the code base builds from a part: each part it can take
    "content.{}_twice": ("stagnation", "domain", "card"),
    "template.unknown_{}": ("colour", "font_family", "style"),
    "date.before_{}": ("letter", "today"),
    "term.{}_card": ("fill-in", "domain"),
    "term.identity_{}": ("clients", "content", "templates", "fonts", "options", "versions"),
    "term.shorter_{}": ("name", "street", "city", "country"),
    "term.{}": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "web.busy_{}": ("busy", "jobs", "disk"),
    "model.{}": ("too_short", "too_long", "greater_than_equal", "less_than_equal", "greater_than", "less_than"),
    "{}_any": ("row.id_twice", "row.id_case"),
}


def test_every_code_the_code_base_uses_is_in_the_catalogue():
    known = set(catalogue())
    used = {code for path in PACKAGE.rglob("*.py") for code in CODE.findall(path.read_text(encoding="utf-8"))
            if not code.endswith((".yaml", ".pdf", ".csv", ".json"))}
    used |= {pattern.format(part) for pattern, parts in DYNAMIC.items() for part in parts}
    assert sorted(used - known) == []
    assert len(used) > 150


def test_no_catalogue_text_names_a_command_line_option_except_the_cli_s_own():
    for code, texts in catalogue().items():
        if code.startswith(("cli.", "serve.")):
            continue
        for lang, text in texts.items():
            assert not re.search(r"(?<![\w-])--[a-z]", text), (code, lang, text)
