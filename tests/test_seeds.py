"""The labelled seeds through `scrape clean`, as a user runs it: every K line kept in order,
every D line gone, the headline first."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main
from tests.conftest import SEEDS, seed_labels


def norm(line: str) -> str:
    return " ".join(unicodedata.normalize("NFC", line).split())


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_is_cleaned_as_labelled(seed: Path) -> None:
    result = CliRunner().invoke(main, ["clean", str(seed)])
    assert result.exit_code == 0, result.output
    out = [norm(line) for line in result.stdout.splitlines() if line.strip()]
    labels = [(tag, norm(line)) for tag, line in seed_labels(seed)]
    keep = [line for tag, line in labels if tag == "K"]
    drop = {line for tag, line in labels if tag == "D"}
    assert out[0] == keep[0], "the headline is the record's first line"
    position = 0
    for line in keep:
        assert line in out[position:], f"article line lost or out of order: {line[:60]}"
        position = out.index(line, position) + 1
    leaked = [line for line in out if line in drop]
    assert not leaked, f"boilerplate kept: {leaked}"


def test_seed_record_file_is_seed_form(tmp_path: Path) -> None:
    seed = sorted(SEEDS.glob("*.txt"))[2]
    result = CliRunner().invoke(main, ["clean", str(seed), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (record,) = tmp_path.glob("*.txt")
    raw = record.read_bytes()
    text = raw.decode("utf-8")
    assert not raw.startswith(b"\xef\xbb\xbf") and "\r" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    blocks = text[:-1].split("\n\n")
    assert all(block and "\n" not in block for block in blocks), "one line per paragraph"
