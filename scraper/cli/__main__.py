"""`python -m scraper.cli` runs the `scrape` command."""

from . import main

main()
