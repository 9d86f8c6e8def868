"""Allow `python -m kaartgen`."""

from kaartgen.cli import main

main()
