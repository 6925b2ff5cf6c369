"""The `scrape` command line: the command group; each command lives in its own module.

Every option can also come from the environment: `SCRAPE_<COMMAND>_<OPTION>` (for example
SCRAPE_CLEAN_FORMAT=jsonl), and the rules folder from SCRAPE_RULES. Exit codes are in
`scraper.cli.common`.
"""

from __future__ import annotations

import click

from .._version import __version__
from .clean import clean
from .crawl import crawl_command
from .fetch import fetch_command
from .rules import rules_group
from .warc import warc_command


@click.group(context_settings={"auto_envvar_prefix": "SCRAPE",
                               "help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scrape")
def main() -> None:
    """Strip boilerplate from news pages and scraped text into clean article records."""


main.add_command(clean)
main.add_command(rules_group)
main.add_command(fetch_command)
main.add_command(crawl_command)
main.add_command(warc_command)

if __name__ == "__main__":
    main()
