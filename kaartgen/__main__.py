"""Allow `python -m kaartgen`."""

from kaartgen.commands.main import main

main()
