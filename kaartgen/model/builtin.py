"""Where the built-in content and templates are: inside the installed package, or in a source checkout.

The repository keeps `content/` and `templates/` at its root as the one source of truth; the wheel
ships them as `kaartgen/_builtin/` (see pyproject.toml). An editable install runs from the checkout
and finds them at the root, so both kinds of install behave the same from any working folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

PACKAGED = "_builtin"


def builtin(name: str) -> Path:
    """The built-in folder `name` ("content" or "templates")."""
    installed = resources.files("kaartgen").joinpath(PACKAGED, name)
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parents[2] / name


DEFAULT_CONTENT = builtin("content")
DEFAULT_TEMPLATES = builtin("templates")
