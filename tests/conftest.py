"""Shared fixtures: the bundled rules' Extractor, the seed texts, the shared corpora's
location, and the rule that tests send traffic to loopback addresses only."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scraper import Extractor, Rules, default_extractor
from tests.crawl_sites import sites  # noqa: F401 - the crawl tests' fixture

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


# Every attempt to connect to (or look up) anything but a loopback address, seen by a
# Python audit hook before the socket acts; the attempt fails, and so does the test.
OUTSIDE_LOOPBACK: list[tuple[str, Any]] = []
# Every TCP connection attempt of the session, (host, port) in order: what a test may
# check to show that nothing was connected to.
CONNECTS: list[tuple[str, int]] = []


def _loopback(host: object) -> bool:
    if host in (None, "localhost", b"localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        ip = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return False  # a name: looking it up asks a DNS server
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _loopback_only(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        sock, address = args
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            CONNECTS.append((address[0], address[1]))
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            OUTSIDE_LOOPBACK.append((event, address))
            raise ConnectionRefusedError(f"tests connect to loopback addresses only: {address}")
    elif event == "socket.getaddrinfo" and not _loopback(args[0]):
        OUTSIDE_LOOPBACK.append((event, args[0]))
        raise socket.gaierror(socket.EAI_NONAME, f"tests look up no names: {args[0]!r}")


sys.addaudithook(_loopback_only)


@pytest.fixture(autouse=True)
def loopback_only() -> Iterator[None]:
    """Fails a test that tried to connect outside 127.0.0.0/8 and ::1, or to look up a name."""
    start = len(OUTSIDE_LOOPBACK)
    yield
    assert OUTSIDE_LOOPBACK[start:] == [], "traffic outside loopback attempted"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The shared default Extractor (bundled rules), as library callers get it."""
    return default_extractor()


@pytest.fixture(scope="session")
def rules(extractor: Extractor) -> Rules:
    return extractor.rules


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert paths, "the seed texts ship in seeds/"
    return paths


def seed_labels(seed: Path) -> list[tuple[str, str]]:
    """(tag, line) for every labelled line of a seed."""
    text = (SEEDS / "labels" / f"{seed.stem}.tsv").read_text(encoding="utf-8")
    return [tuple(row.split("\t", 1)) for row in text.splitlines() if row]  # type: ignore[misc]


# A rule whose drop_lines pattern backtracks exponentially on a line of the page it claims:
# a real way for one page to take minutes (rule files are user input), which the page time
# limit must stop.
SLOW_RULE = """name = "catastrophe"
description = "claims pages with #catastrophe; its pattern takes minutes on their first line"
[match]
selectors = ["#catastrophe"]
[extract]
drop_lines = ["^(\\\\w+\\\\s?)*$"]
"""


def hostile_page() -> bytes:
    """A small valid page that the rules of `slow_rules` take minutes over."""
    return ("<html><head><title>A slow page</title></head><body><div id='catastrophe'>"
            "<p>This line of the article holds many words without any stop until its very "
            "end as some lines do!</p>" + "<p>Some words of text here, and more of them.</p>" * 8
            + "</div></body></html>").encode()


def slow_rules(folder: Path) -> Path:
    """A rules folder: the bundled lexicon and SLOW_RULE (no other site rule)."""
    folder.mkdir(parents=True, exist_ok=True)
    for lexicon in default_extractor().rules.path.glob("lexicon*.tsv"):
        shutil.copyfile(lexicon, folder / lexicon.name)
    (folder / "catastrophe.toml").write_text(SLOW_RULE, encoding="utf-8")
    return folder
