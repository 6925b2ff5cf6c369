"""The `scrape` command line."""

from __future__ import annotations

import click

from .crawl_cli import crawl_command, fetch_command


@click.group(context_settings={"auto_envvar_prefix": "SCRAPE"})
def main() -> None:
    """Clean article records from news pages and scraped text."""


main.add_command(fetch_command)
main.add_command(crawl_command)

if __name__ == "__main__":
    main()
