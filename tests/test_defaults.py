"""Every default is written once: the command line's option defaults are the settings
objects' own, and the version is the package's."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import click
from click.testing import CliRunner

import scraper
from scraper.clean import title
from scraper.cli import main
from scraper.cli.common import (
    DEFAULT_CACHE,
    fetch_options,
    jobs_option,
    page_timeout_option,
    warc_options,
)
from scraper.config import DEFAULT_USER_AGENT, ArchiveSettings, FetchSettings, PoolSettings
from scraper.lines import features
from scraper.text import lines


def _captured(decorators, args: list[str]) -> dict:
    """What a command with these option decorators is called with, for `args`."""
    seen: dict = {}

    def command(**kwargs) -> None:
        seen.update(kwargs)

    for decorate in reversed(decorators):
        command = decorate(command)
    result = CliRunner().invoke(click.command()(command), args)
    assert result.exit_code == 0, result.output
    return seen


def test_fetch_options_default_to_fetch_settings() -> None:
    seen = _captured([fetch_options], [])
    assert seen["settings"] == FetchSettings(cache_dir=DEFAULT_CACHE)
    assert seen["settings"].connect_timeout == FetchSettings().connect_timeout


def test_timeout_option_sets_both_timeouts() -> None:
    settings = _captured([fetch_options], ["--timeout", "5"])["settings"]
    assert (settings.connect_timeout, settings.read_timeout) == (5, 5)


def test_pool_and_archive_options_default_to_their_settings() -> None:
    seen = _captured([jobs_option, page_timeout_option, warc_options], [])
    assert seen["jobs"] == PoolSettings().jobs
    assert seen["page_timeout"] == PoolSettings().page_timeout
    assert seen["archive"] == ArchiveSettings()
    assert seen["warc_dir"] is None


def test_version_is_written_once() -> None:
    assert scraper.__version__ == importlib.metadata.version("scraper")
    assert f"scraper/{scraper.__version__} " in DEFAULT_USER_AGENT
    result = CliRunner().invoke(main, ["--version"])
    assert result.output.strip() == f"scrape, version {scraper.__version__}"
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert scraper.__version__ not in pyproject


def test_headline_word_limit_is_defined_once() -> None:
    assert title.HEADLINE_MAX_WORDS is lines.HEADLINE_MAX_WORDS
    assert features.HEADLINE_MAX_WORDS is lines.HEADLINE_MAX_WORDS
