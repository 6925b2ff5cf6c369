"""What the `scrape` commands share: the --rules option and the record output formats."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from .record import Record

FORMATS = ("text", "json", "jsonl")
# Between records printed as text: a form feed on a line of its own, as `pr` does.
RECORD_SEPARATOR = "\f\n"

F = TypeVar("F", bound=Callable[..., Any])


def rules_option(func: F) -> F:
    """The --rules option every command shares."""
    return click.option(
        "--rules", "rules_dir", envvar="SCRAPE_RULES", metavar="DIR",
        type=click.Path(file_okay=False, exists=True),
        help="Rules folder (lexicon and site rules); default: the bundled rules.",
    )(func)


def print_records(records: Sequence[Record], fmt: str) -> None:
    """Print records on stdout: seed-form text, one JSON document, or JSON lines."""
    if fmt == "text":
        click.echo(RECORD_SEPARATOR.join(r.to_text() for r in records), nl=False)
    elif fmt == "jsonl":
        for record in records:
            click.echo(record.to_json())
    elif len(records) == 1:
        click.echo(json.dumps(records[0].to_dict(), ensure_ascii=False, indent=2))
    elif records:
        click.echo(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=2))
