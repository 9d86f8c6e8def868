"""kaartgen: turn the 'werken aan een nieuw verhaal' card set into print-ready and digital packs."""

__version__ = "0.1.0"  # the one place the version is written; pyproject.toml reads it from here
