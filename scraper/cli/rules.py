"""`scrape rules list` and `scrape rules test`: the rule files and their inline tests."""

from __future__ import annotations

import sys

import click

from ..errors import RulesError
from ..extractor import Extractor
from .common import EXIT_FAILED, EXIT_OK, extractor_option, fail, warn
from .selftest import describe, run_tests


@click.group("rules")
def rules_group() -> None:
    """List the rule files and run the tests they carry."""


@rules_group.command("list")
@extractor_option
def rules_list(extractor: Extractor) -> None:
    """Which rules exist and which domains, generators or page fingerprints they claim."""
    for rule in extractor.rules.sites:
        click.echo(describe(rule))


@rules_group.command("test")
@click.argument("name", required=False)
@extractor_option
def rules_test(name: str | None, extractor: Extractor) -> None:
    """Run the inline tests of every rule file, or of the rule NAME.

    Exit 0 when all pass (a test whose fixture is absent is skipped), 1 when one fails.
    """
    try:
        results = run_tests(extractor, name)
    except RulesError as err:
        fail(str(err))
    for result in results:
        click.echo(result.line())
    counts = {s: sum(r.status == s for r in results) for s in ("passed", "failed", "skipped")}
    warn(", ".join(f"{n} {s}" for s, n in counts.items()))
    sys.exit(EXIT_FAILED if counts["failed"] else EXIT_OK)
