"""Which font file a template names: fonts come from Python packages (fontpkg-*), never from the
system, so every machine draws the same glyphs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from kaartgen.errors import KaartgenError
from kaartgen.model.theme import FontFile, Theme


def font_path(spec: FontFile) -> Path:
    """The file a template's font entry names, inside its installed package."""
    found = importlib.util.find_spec(spec.package)
    if found is None or not found.submodule_search_locations:
        raise KaartgenError("font.package", package=spec.package, pip=spec.package.replace("_", "-"))
    path = Path(next(iter(found.submodule_search_locations))) / spec.file
    if not path.is_file():
        raise KaartgenError("font.file", file=spec.file, package=spec.package)
    return path


def font_files(theme: Theme) -> list[Path]:
    """Every font file the templates use (their bytes are part of a batch's identity)."""
    weights = ("regular", "bold")
    return sorted({font_path(getattr(family, weight)) for family in theme.fonts.values() for weight in weights})
