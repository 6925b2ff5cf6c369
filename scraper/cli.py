"""The `scrape` command line.

Every option can also come from the environment: `SCRAPE_<COMMAND>_<OPTION>` (for example
SCRAPE_CLEAN_FORMAT=jsonl), and the rules folder from SCRAPE_RULES.

Exit codes: 0 success; 1 some input yielded no article (said on stderr, one line per input);
2 usage or configuration error (bad option, missing path, invalid rule file).
"""

from __future__ import annotations

import sys
from collections import defaultdict

import click

from . import __version__
from .cli_common import FORMATS, print_records, rules_option
from .documents import record_from_bytes, text_lines
from .errors import InputError, RulesError, ScraperError
from .inputs import STDIN, Input, check_paths, iter_inputs
from .output import RecordWriter
from .record import Record
from .repeats import RepeatIndex
from .rules import Rules, load_rules
from .ruletest import describe as describe_rule
from .ruletest import run_tests as run_rule_tests

EXIT_OK, EXIT_NO_ARTICLE, EXIT_USAGE = 0, 1, 2

def open_rules(rules_dir: str | None) -> Rules:
    """Load the rules, turning a RulesError into a usage error (exit 2)."""
    try:
        return load_rules(rules_dir)
    except RulesError as err:
        raise click.UsageError(str(err)) from err


def warn(message: str) -> None:
    """One line on stderr, prefixed with the program name."""
    click.echo(f"scrape: {message}", err=True)


@click.group(context_settings={"auto_envvar_prefix": "SCRAPE", "help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scrape")
def main() -> None:
    """Strip boilerplate from news pages and scraped text into clean article records."""


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-o", "--output", metavar="DIR", default=STDIN, show_default=True,
              help="Write records into DIR (NNN_<hash>.txt and records.jsonl); - prints them.")
@click.option("-f", "--format", "format_", envvar="SCRAPE_CLEAN_FORMAT", type=click.Choice(FORMATS), default="text", show_default=True,
              help="How records are printed: seed-form text, JSON or JSON lines.")
@click.option("--repeats/--no-repeats", default=True, show_default=True,
              help="Drop lines that recur on many pages of a folder (one site's pages).")
@rules_option
def clean(paths: tuple[str, ...], output: str, format_: str, repeats: bool, rules_dir: str | None) -> None:
    """Clean scraped texts into article records.

    PATH is a file, a folder (its .txt and .html files) or - for standard input. Records
    are printed (text records separated by a form-feed line) or, with -o, written to a
    folder. Exit 0 when every input gave an article, 1 when some did not, 2 on usage errors.
    """
    rules = open_rules(rules_dir)
    try:
        check_paths(paths)
    except InputError as err:
        raise click.UsageError(str(err)) from err
    inputs = list(iter_inputs(paths))
    indexes = _repeat_indexes(inputs) if repeats else {}
    writer = _writer(output)
    printed: list[Record] = []
    failed = written = duplicates = 0
    for item in inputs:
        if isinstance(item, InputError):
            warn(str(item))
            failed += 1
            continue
        try:
            record = record_from_bytes(item.data, rules=rules, source=item.name,
                                       repeats=indexes.get(item.group))
            if writer is None:
                printed.append(record)
                continue
            result = writer.write(record, source_bytes=item.data)
        except ScraperError as err:
            warn(f"{item.name}: {err}")
            failed += 1
            continue
        if result.status == "written":
            written += 1
        else:
            duplicates += 1
    if writer is None:
        print_records(printed, format_)
    else:
        warn(f"{written} written, {duplicates} already there, {failed} failed -> {writer.folder}")
    sys.exit(EXIT_NO_ARTICLE if failed else EXIT_OK)


def _writer(output: str) -> RecordWriter | None:
    if output == STDIN:
        return None
    try:
        return RecordWriter(output)
    except ScraperError as err:
        raise click.UsageError(str(err)) from err


def _repeat_indexes(inputs: list[Input | InputError]) -> dict[str | None, RepeatIndex]:
    """One repetition index per folder given on the command line."""
    groups: dict[str, list[list[str]]] = defaultdict(list)
    for item in inputs:
        if isinstance(item, Input) and item.group is not None:
            groups[item.group].append(text_lines(item.data))
    return {group: RepeatIndex(pages) for group, pages in groups.items()}


@main.group("rules")
def rules_group() -> None:
    """List the rule files and run the tests they carry."""


@rules_group.command("list")
@rules_option
def rules_list(rules_dir: str | None) -> None:
    """Which rules exist and which domains, generators or page fingerprints they claim."""
    for rule in open_rules(rules_dir).sites:
        click.echo(describe_rule(rule))


@rules_group.command("test")
@click.argument("name", required=False)
@rules_option
def rules_test(name: str | None, rules_dir: str | None) -> None:
    """Run the inline tests of every rule file, or of the rule NAME.

    Exit 0 when all pass (a test whose fixture is absent is skipped), 1 when one fails.
    """
    loaded = open_rules(rules_dir)
    try:
        results = run_rule_tests(loaded, name)
    except RulesError as err:
        raise click.UsageError(str(err)) from err
    for result in results:
        click.echo(result.line())
    counts = {s: sum(r.status == s for r in results) for s in ("passed", "failed", "skipped")}
    warn(", ".join(f"{n} {s}" for s, n in counts.items()))
    sys.exit(EXIT_NO_ARTICLE if counts["failed"] else EXIT_OK)


# `scrape fetch` and `scrape crawl` live in crawl_cli.py; they share rules_option's conventions.
from .crawl_cli import crawl_command, fetch_command  # noqa: E402

main.add_command(fetch_command)
main.add_command(crawl_command)

if __name__ == "__main__":
    main()
