"""kaartgen: turn the 'werken aan een nieuw verhaal' card set into print-ready and digital packs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kaartgen")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"
