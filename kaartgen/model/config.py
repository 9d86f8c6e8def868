"""`kaartgen.yaml`: the content and templates folders a working folder uses, so that a content
owner's copy (`kaartgen init`) is used by every command run there. Paths are relative to the file."""

from __future__ import annotations

from pathlib import Path

from kaartgen.errors import KaartgenError
from kaartgen.messages import All
from kaartgen.model.yamlfile import load_yaml

CONFIG = "kaartgen.yaml"  # looked for in the working folder
CONFIG_KEYS = ("content", "templates")


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
        if not isinstance(value, str) or not value.strip():
            raise yf.error((key,), "config.not_folder")
        folders[key] = (path.parent / value.strip()).resolve()
    return folders
