"""Translating a card set with the tools translators already use: gettext PO files.

`export_po` writes every text of a source set (e.g. nl/standaard) a translator translates as one PO
entry: `msgctxt` is the text's place (file and path, list items by id), a translator comment says
which card and field it is, the length to keep to and the placeholders to keep, and `#:` gives the
source file and line. When the target set exists already (it keeps the PO it was made from as
`translation.po`), its translations are filled in, and an entry whose source text changed since is
marked fuzzy with the old source as its previous msgid (`#|`), as gettext's msgmerge does.

`import_po` writes the target set (`content/<language>/<variant>/`) from the source set's files:
the same structure, ids and comments, each translated text in place of the source's, the language
set, `extends:` to the source (the professional's stagnations and guide stay as they are), a
`translation:` block with status `concept`, and the Dutch sentence for the people around the
client at the end of the letter. The PO file is kept beside it as `translation.po`; `kaartgen
lint` checks the set against it (every text translated, placeholders kept).
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import polib

from kaartgen import __version__
from kaartgen.errors import KaartgenError
from kaartgen.messages import render as word
from kaartgen.model.loading import INFO_FILE, available_sets
from kaartgen.model.translation import PLACEHOLDER, Rules, Unit, file_units, load_rules, placeholders, set_units
from kaartgen.model.yamlfile import load_yaml

STORED = "translation.po"  # the PO a translated set was imported from, beside its YAML
SOURCE_HEADER = "X-Kaartgen-Source"
TARGET_HEADER = "X-Kaartgen-Target"
WIDTH = 100  # folded texts are wrapped at this column in the YAML written
PO_LANGUAGE = "en"  # translator comments are worded in English, the translators' common language


@dataclass(frozen=True)
class Written:
    """What an import wrote: the set's folder and name, and how many texts were translated."""

    folder: Path
    name: str
    translated: int
    untranslated: int


def _source_folder(content: Path, source: str) -> Path:
    if source not in available_sets(content):
        raise KaartgenError("translate.no_source", field="source", source=source,
                            sets=", ".join(available_sets(content)) or "-")
    folder = content / source
    if "extends" in (load_yaml(folder / INFO_FILE).data or {}):
        raise KaartgenError("translate.source_extends", field="source", source=source)
    return folder


def _comment(unit: Unit, rules: Rules) -> str:
    where = word("translate.po_where", {"file": unit.file, "place": unit.context.replace(".", " › ")}, PO_LANGUAGE)
    budget = word("translate.po_budget", {"most": round(len(unit.text) * rules.budget), "source": len(unit.text)},
                  PO_LANGUAGE)
    lines = [where, budget]
    kept = sorted(placeholders(unit.text))
    if kept:
        lines.append(word("translate.po_keep", {"placeholders": "  ".join(kept)}, PO_LANGUAGE))
    return "\n".join(lines)


def _previous(content: Path, target: str, rules: Rules) -> tuple[dict[str, polib.POEntry], dict[str, str]]:
    """The stored PO of an existing target set by context, and its current texts by context."""
    folder = content / target
    stored: dict[str, polib.POEntry] = {}
    if (folder / STORED).is_file():
        stored = {e.msgctxt: e for e in polib.pofile(str(folder / STORED)) if e.msgctxt and not e.obsolete}
    current: dict[str, str] = {}
    if (folder / INFO_FILE).is_file():
        for _, units in set_units(folder, rules).values():
            current.update({u.msgctxt: u.text for u in units})
    return stored, current


def export_po(content: Path, templates: Path, source: str, language: str) -> bytes:
    """The PO file of `source` ("nl/standaard") for a translation into `language` ("tr")."""
    rules = load_rules(templates)
    folder = _source_folder(content, source)
    if not language.isascii() or not language.isalpha() or len(language) != 2 or not language.islower():
        raise KaartgenError("translate.language", field="to", language=language)
    target = f"{language}/{source.split('/')[1]}"
    stored, current = _previous(content, target, rules)
    po = polib.POFile(wrapwidth=0)  # no line is wrapped: a placeholder is never split
    po.header = f"kaartgen: {source} -> {language}"
    po.metadata = {
        "Project-Id-Version": f"kaartgen {source}",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        SOURCE_HEADER: source,
        TARGET_HEADER: target,
        "X-Generator": f"kaartgen {__version__}",
    }
    for file, (_, units) in set_units(folder, rules).items():
        for unit in units:
            entry = polib.POEntry(msgctxt=unit.msgctxt, msgid=unit.text, msgstr="", comment=_comment(unit, rules),
                                  occurrences=[(f"{source}/{file}", str(unit.line))])
            old = stored.get(unit.msgctxt)
            now = current.get(unit.msgctxt)  # the set's text: the source's own while still untranslated
            entry.msgstr = now if now is not None and now != unit.text else (old.msgstr if old is not None else "")
            if old is not None and entry.msgstr and (old.msgid != unit.text or old.fuzzy):
                entry.flags.append("fuzzy")
                entry.previous_msgid = old.msgid if old.msgid != unit.text else None
            po.append(entry)
    return str(po).encode("utf-8")


def _scalar(text: str, unit: Unit, source: str) -> str:
    """`text` written as YAML where `unit` stood: a folded block as a folded block, wrapped at the
    source's indentation; anything else double-quoted (quotes and backslashes escaped)."""
    if unit.style == ">" and "\n" not in text and text == text.strip() and "  " not in text:
        span = source[unit.start:unit.end]
        body = span.split("\n", 1)[1] if "\n" in span else ""
        indent = len(body) - len(body.lstrip(" ")) or 2
        kept = PLACEHOLDER.sub(lambda m: m.group(0).replace(" ", "\0"), text)  # a placeholder is never broken
        lines = textwrap.wrap(kept, width=max(40, WIDTH - indent), break_long_words=False, break_on_hyphens=False)
        return ">-\n" + "\n".join(" " * indent + line.replace("\0", " ") for line in lines) + "\n"
    return json.dumps(text, ensure_ascii=False)


def _replaced(source: str, changes: list[tuple[int, int, str]]) -> str:
    out, at = [], 0
    for start, end, new in sorted(changes):
        span = source[start:end]
        trailing = span[len(span.rstrip()):]  # a block's line breaks and the next line's indentation stay
        if new.endswith("\n"):
            new = new[:-1] + trailing if trailing.startswith("\n") else new
        else:
            new += trailing
        out += [source[at:start], new]
        at = end
    return "".join(out) + source[at:]


def import_po(content: Path, templates: Path, po_path: Path) -> Written:
    """Write the set a filled PO file is for; returns where it went and what was translated."""
    rules = load_rules(templates)
    try:
        po = polib.pofile(str(po_path))
    except OSError:
        raise KaartgenError("file.not_found", file=po_path) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise KaartgenError("translate.po_syntax", file=po_path, detail=str(exc)) from None
    source = po.metadata.get(SOURCE_HEADER, "")
    target = po.metadata.get(TARGET_HEADER, "")
    language = po.metadata.get("Language", "")
    if not source or not target or target.split("/")[0] != language or len(target.split("/")) != 2:
        raise KaartgenError("translate.po_headers", file=po_path, source=SOURCE_HEADER, target=TARGET_HEADER)
    folder = _source_folder(content, source)
    entries = {e.msgctxt: e for e in po if e.msgctxt and not e.obsolete}
    out = content / target
    translated = untranslated = 0
    files: dict[str, str] = {}
    for file in rules.files:
        if not (folder / file).is_file():
            continue
        text, units = file_units(folder, file, rules)
        changes = []
        for unit in units:
            entry = entries.get(unit.msgctxt)
            if entry is not None and entry.msgstr and not entry.fuzzy:
                changes.append((unit.start, unit.end, _scalar(entry.msgstr, unit, text)))
                translated += 1
            else:
                untranslated += 1  # the source's text stays; lint names it until it is translated
        files[file] = _finish(file, _replaced(text, changes + _kept_changes(file, text, language)), source,
                              language, rules)
    out.mkdir(parents=True, exist_ok=True)
    for file, text in files.items():
        (out / file).write_text(text, encoding="utf-8")
    (out / STORED).write_bytes(po_path.read_bytes())
    return Written(out, target, translated, untranslated)


def _kept_changes(file: str, text: str, language: str) -> list[tuple[int, int, str]]:
    """The one kept value an import changes: the set's language."""
    if file != INFO_FILE:
        return []
    import yaml

    root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for key, value in root.value if isinstance(root, yaml.MappingNode) else []:
        if key.value == "language":
            return [(value.start_mark.index, value.end_mark.index, language)]
    return []


def _finish(file: str, text: str, source: str, language: str, rules: Rules) -> str:
    """A translated file with its header comment; set.yaml with `extends:` and its status, the
    letter with the Dutch sentence for the people around the client."""
    comments = rules.comments
    text = comments.header.format(file=file, source=source, language=language) + text
    if file == INFO_FILE:
        first = text.index("\ntitle:") + 1 if "\ntitle:" in text else len(text)
        extends = comments.extends + f"extends: {source}\n"
        status = comments.status + f"translation:\n  source: {source}\n  status: concept\n"
        text = text[:first] + extends + text[first:].rstrip("\n") + "\n\n" + status
        if language in rules.right_to_left:
            at = text.index("\nlanguage: ") + 1
            at = text.index("\n", at) + 1
            text = text[:at] + comments.direction + "direction: rtl\n" + text[at:]
    elif file == "letter.yaml":
        note = json.dumps(rules.note(language), ensure_ascii=False)
        text = text.rstrip("\n") + "\n" + comments.note + f"  for_others: {note}\n"
    return text
