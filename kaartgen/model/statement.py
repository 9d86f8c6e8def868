"""The accessibility statement of a kaartgen service: a short YAML file the organisation that runs
it edits (templates/web/accessibility.yaml is the model), checked when the server starts so that a
wrong or missing key names its file and line instead of showing a broken page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kaartgen.messages import All
from kaartgen.model.yamlfile import load_yaml

STATUSES = ("A", "B", "C", "D", "E")  # the Dutch model's compliance levels
TEXTS = ("organisation", "application", "status", "date", "evaluation")
LISTS = ("known_issues", "measures")
KEYS = (*TEXTS, *LISTS, "contact")


@dataclass(frozen=True)
class Contact:
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Statement:
    organisation: str
    application: str
    status: str
    date: str
    evaluation: str
    known_issues: tuple[str, ...]
    measures: tuple[str, ...]
    contact: Contact


def load_statement(path: Path) -> Statement:
    """The statement in `path`; a KaartgenError naming the file, line and key of what is wrong."""
    yf = load_yaml(path, plain=True)
    data = yf.data
    if not isinstance(data, dict):
        raise yf.error((), "statement.not_mapping", keys=All(KEYS))
    for key in data:
        if key not in KEYS:
            raise yf.error((key,), "statement.unknown_key", key_name=key, keys=All(KEYS))
    values: dict[str, object] = {}
    for key in TEXTS:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise yf.error((key,) if key in data else (), "statement.missing", key_name=key)
        values[key] = " ".join(value.split())
    if values["status"] not in STATUSES:
        raise yf.error(("status",), "statement.status", statuses=All(STATUSES))
    for key in LISTS:
        items = data.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise yf.error((key,), "statement.not_list", key_name=key)
        values[key] = tuple(" ".join(i.split()) for i in items)
    contact = data.get("contact") or {}
    if not isinstance(contact, dict) or any(k not in ("email", "phone") or not isinstance(v, str)
                                            for k, v in contact.items()):
        raise yf.error(("contact",), "statement.contact")
    return Statement(contact=Contact(contact.get("email", "").strip(), contact.get("phone", "").strip()),
                     **values)  # type: ignore[arg-type]
