"""Allow ``python -m mirae``."""

from mirae.cli import main

main()
