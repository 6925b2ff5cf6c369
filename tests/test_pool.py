"""Extraction in worker processes: the same records as in-process, in input order, and a
page that overruns the time limit abandoned (its worker killed and replaced) while the
rest goes on."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import scraper
from scraper import ExtractTimeout, PoolSettings, ScraperError
from scraper.cli import main
from scraper.run.pool import ExtractPool
from tests.conftest import ROOT, SEEDS, SHARED, hostile_page, slow_rules

CORPUS = SHARED / "corpora" / "readability"


def pages(n: int = 6) -> list[bytes]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpora is absent")
    return [(folder / "page.html").read_bytes()
            for folder in sorted(CORPUS.iterdir())[:40] if (folder / "page.html").is_file()][:n]


def outcome(result: object) -> tuple:
    if isinstance(result, ScraperError):
        return (type(result).__name__, str(result))
    return ("record", result)


def test_the_pool_gives_what_the_extractor_gives_in_input_order(extractor) -> None:
    inputs = pages(8) + [b"", b"\x00\x01binary\x00"]
    expected = []
    for data in inputs:
        try:
            expected.append(outcome(extractor.extract_html(data, url="https://example.com/a")))
        except ScraperError as err:
            expected.append(outcome(err))
    with ExtractPool(extractor, PoolSettings(jobs=2, window=3)) as pool:
        got = [outcome(result) for _, result in
               pool.ordered(inputs, lambda d: pool.submit_html(d, url="https://example.com/a"))]
    assert got == expected


@pytest.fixture(scope="module")
def slow_extractor(tmp_path_factory) -> scraper.Extractor:
    """An Extractor whose rules take minutes over `hostile_page()`."""
    return scraper.Extractor(slow_rules(tmp_path_factory.mktemp("slow-rules")))


def test_a_page_over_the_time_limit_is_abandoned_and_the_rest_goes_on(slow_extractor) -> None:
    extractor = slow_extractor
    good = pages(3)
    inputs = [good[0], hostile_page(), good[1], good[2]]
    # The hostile page takes minutes; the others a few tens of milliseconds.
    with ExtractPool(extractor, PoolSettings(jobs=1, page_timeout=1.5)) as pool:
        results = [result for _, result in pool.ordered(inputs, pool.submit_html)]
    assert isinstance(results[1], ExtractTimeout)
    assert "longer than 1.5s" in str(results[1])
    assert [r.title for r in (results[0], results[2], results[3])] == \
        [extractor.extract_html(p).title for p in good]


def test_a_worker_that_dies_fails_its_page_and_is_replaced(slow_extractor) -> None:
    extractor = slow_extractor
    good = pages(1)[0]
    with ExtractPool(extractor, PoolSettings(jobs=1, page_timeout=60)) as pool:
        slow = pool.submit_html(hostile_page())
        while not slow.running():
            time.sleep(0.01)
        time.sleep(0.2)  # the worker has the page
        # Kill the busy worker from outside, as the OOM killer would.
        workers = [p for p in multiprocessing.active_children() if p.name == "scraper-extract"]
        assert len(workers) == 1
        os.kill(workers[0].pid, signal.SIGKILL)
        with pytest.raises(ScraperError, match="worker died"):
            slow.result(60)
        assert pool.submit_html(good).result(60).title == extractor.extract_html(good).title


def test_clean_jobs_2_writes_the_same_folder_as_jobs_1(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    for i, data in enumerate(pages(6)):
        (folder / f"page{i}.html").write_bytes(data)
    (folder / "empty.txt").write_bytes(b"")
    seed = sorted(SEEDS.glob("*.txt"))[0].read_bytes()
    at = seed.index(b"\n", len(seed) // 2)
    (folder / "stray.txt").write_bytes(seed[:at] + b"\xff" + seed[at:])
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = CliRunner().invoke(main, ["clean", str(folder), "-o", str(out), "--jobs", jobs])
        assert result.exit_code == 1, result.output          # empty.txt
        runs[jobs] = ({p.name: p.read_bytes() for p in sorted(out.iterdir())},
                      result.stderr.replace(str(out), "OUT"))
    assert runs["1"] == runs["2"]
    assert len(runs["1"][0]) > 10
    assert f"scrape: warning: {folder / 'stray.txt'}: 1 undecodable byte" in runs["2"][1]


def test_pool_settings_default_to_the_machine(extractor) -> None:
    settings = PoolSettings()
    assert settings.jobs >= 1 and settings.page_timeout and settings.page_timeout >= 10
    assert scraper.ExtractTimeout.__mro__[1] is ScraperError


# Run in a child process: the bug leaves a lexicon entry with two __dict__s sharing one
# values array, and once either is freed the other can crash any later garbage collection.
_TWO_DICTS = r"""
import gc, os
from scraper import Extractor, PoolSettings, default_extractor
from scraper.run.pool import ExtractPool
from scraper.rules.lexicon import Entry

class Litter:
    # Cyclic garbage with a finalizer that runs Python code, as a test session leaves
    # behind: collected by whichever thread's allocation sets off the next collection,
    # and long enough for the interpreter to hand the GIL to another thread meanwhile.
    def __init__(self):
        self.me = self
    def __del__(self):
        total = 0
        for i in range(2000):
            total += i

page = b"<html><body><article><h1>T</h1><p>" + b"Some words of text here. " * 40 + b"</p></article></body></html>"
folder = default_extractor().rules.path
kept = []
for _ in range(ROUNDS):
    extractor = Extractor(folder)          # new rules: entries whose __dict__ is not built yet
    kept.append(extractor)                 # kept alive, so that a shared values array stays valid
    for _ in range(2000):
        Litter()
    with ExtractPool(extractor, PoolSettings(jobs=2, page_timeout=60)) as pool:
        for future in [pool.submit_html(page) for _ in range(2)]:
            future.exception()
    gc.collect()
owned = {id(r) for e in gc.get_objects() if type(e) is Entry
         for r in gc.get_referents(e) if type(r) is dict}
fields = tuple(Entry.__dataclass_fields__)
stray = [o for o in gc.get_objects() if type(o) is dict and tuple(o) == fields
         and o is not Entry.__dataclass_fields__ and id(o) not in owned]
print(f"stray entry dicts: {len(stray)}", flush=True)
os._exit(0)    # no collection at exit: a stray dict could crash it
"""


def test_driver_threads_never_pickle_shared_objects() -> None:
    """Two driver threads that each pickled the same Rules to start their workers could
    both build one lexicon entry's __dict__ (CPython 3.11 builds it on pickling, and a
    garbage collection inside one thread lets the other in): 'stray' dicts, owned by no
    entry, that later crashed the test process in gc (the README's old open problem).
    Before the fix nearly every round left one; now the start data is pickled once, by
    the thread that builds the pool."""
    code = _TWO_DICTS.replace("ROUNDS", "6")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().endswith("stray entry dicts: 0"), proc.stdout + proc.stderr[-2000:]
