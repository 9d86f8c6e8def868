"""Allow `python -m kaartgen`."""

from kaartgen.commands.cli import main

main()
