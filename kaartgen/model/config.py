"""`kaartgen.yaml`: the content and templates folders a working folder uses, so that a content
owner's copy (`kaartgen init`) is used by every command run there, and the settings of
`kaartgen serve` (its `serve:` section: everything its command line takes). Paths are relative to
the file."""

from __future__ import annotations

from pathlib import Path

from kaartgen.errors import KaartgenError
from kaartgen.messages import All
from kaartgen.model.yamlfile import load_yaml

CONFIG = "kaartgen.yaml"  # looked for in the working folder
CONFIG_KEYS = ("content", "templates", "serve")
# `serve:` settings: name -> kind ("text", "number", "path", "names" a list of text, "switch")
SERVE_KEYS = {"host": "text", "port": "number", "token_file": "path", "keep_hours": "number", "jobs_dir": "path",
              "allowed_hosts": "names", "audit_log": "path", "trusted_user_header": "text",
              "trusted_proxies": "names", "log_requests": "switch", "accessibility": "path"}
SWITCH = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def configured(config: Path | None) -> dict[str, Path]:
    """Folders named in kaartgen.yaml (`config`, or kaartgen.yaml in the working folder), relative
    to that file; {} when there is none."""
    path = config if config is not None else Path(CONFIG)
    if config is None and not path.is_file():
        return {}
    if not path.is_file():
        raise KaartgenError("config.not_found", file=path, field="config")
    yf = load_yaml(path, plain=True)
    if not isinstance(yf.data, dict):
        raise KaartgenError("config.not_mapping", file=path, line=1, keys=All(CONFIG_KEYS))
    folders = {}
    for key, value in yf.data.items():
        if key not in CONFIG_KEYS:
            raise yf.error((key,), "config.unknown_key", key_name=key, keys=All(CONFIG_KEYS))
        if key == "serve":
            continue
        if not isinstance(value, str) or not value.strip():
            raise yf.error((key,), "config.not_folder")
        folders[key] = (path.parent / value.strip()).resolve()
    return folders


def serve_settings(config: Path | None) -> dict[str, object]:
    """The `serve:` section of kaartgen.yaml, checked: {} without a file or section. Paths are
    relative to the file; a number is a number; an unknown key names the key and the known ones."""
    path = config if config is not None else Path(CONFIG)
    if config is None and not path.is_file():
        return {}
    configured(config)  # the file as a whole: its other keys and their values
    yf = load_yaml(path, plain=True)
    section = yf.data.get("serve") if isinstance(yf.data, dict) else None
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise yf.error(("serve",), "config.not_mapping_serve", keys=All(SERVE_KEYS))
    settings: dict[str, object] = {}
    for key, value in section.items():
        kind = SERVE_KEYS.get(key)
        if kind is None:
            raise yf.error(("serve", key), "config.unknown_key", key_name=key, keys=All(SERVE_KEYS))
        if kind == "names":
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise yf.error(("serve", key), "config.not_names")
            settings[key] = tuple(v.strip() for v in value)
        elif not isinstance(value, str) or not value.strip():
            raise yf.error(("serve", key), "config.not_value")
        elif kind == "number":
            try:
                settings[key] = float(value) if "." in value else int(value)
            except ValueError:
                raise yf.error(("serve", key), "config.not_number") from None
        elif kind == "switch":
            if value.strip().lower() not in SWITCH:
                raise yf.error(("serve", key), "config.not_switch")
            settings[key] = SWITCH[value.strip().lower()]
        elif kind == "path":
            settings[key] = (path.parent / value.strip()).resolve()
        else:
            settings[key] = value.strip()
    return settings
