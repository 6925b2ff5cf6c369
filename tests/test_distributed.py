"""`scrape warc --dask`: a real LocalCluster (2 worker processes) writes the folder a
single process writes, byte for byte, and reports the same records; without the extra,
--dask says so in one line."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import Extractor, PoolSettings
from scraper.archive.run import run_warc
from scraper.cli import main
from scraper.run.pool import open_extraction
from scraper.run.store import RecordWriter
from tests.conftest import hostile_page, slow_rules
from tests.warcs import corrupt_member, members, response, revisit, story, write_warc

ROOT = Path(__file__).resolve().parent.parent
A = "https://news.example/2024/05/"


def snapshot(folder: Path) -> dict[str, bytes]:
    """The records and their index (not the folder's lock file)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


@pytest.fixture
def archives(tmp_path: Path) -> list[Path]:
    recs = [response(A + f"{n}.html", story(n)) for n in range(24)]
    recs[3] = response(A + "logo.png", b"\x89PNG" + bytes(64), "image/png")
    recs[9] = revisit(A + "1.html")
    recs[14] = response(A + "slow.html", hostile_page())
    recs[17] = response(A + "2.html", story(2))                # the same URL again: a duplicate
    recs[20] = response(A + "copy.html", story(5))             # another URL, the same text
    parts = members(recs)
    parts[11] = corrupt_member(parts[11])
    first = tmp_path / "a.warc.gz"
    first.write_bytes(b"".join(parts[:-1]) + parts[-1][:-30])   # truncated at the end
    second = write_warc(tmp_path / "b.warc", [response(A + f"b{n}.html", story(100 + n))
                                              for n in range(6)] + [response(A + "3.html", story(3))],
                        gz=False)
    return [first, second]


def test_a_local_cluster_writes_what_one_process_writes(archives, tmp_path):
    distributed = pytest.importorskip("scraper.archive.dask", reason="the dask extra is not installed")
    extractor = Extractor(slow_rules(tmp_path / "rules"))
    settings = PoolSettings(jobs=2, page_timeout=1.5)
    single_lines: list[str] = []
    with open_extraction(extractor, PoolSettings(jobs=1, page_timeout=1.5)) as extraction:
        single = run_warc(archives, extraction, RecordWriter(tmp_path / "single"),
                          on_outcome=lambda o: single_lines.append(o.line())
                          if o.status not in ("written", "duplicate") else None)
    dask_lines: list[str] = []
    spread = distributed.run_warc_dask(archives, tmp_path / "dask", extractor=extractor,
                                       settings=settings, address="local",
                                       on_line=dask_lines.append, partition_records=4)
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "single")
    assert dask_lines == single_lines
    assert spread.line() == single.line()
    assert (single.written, single.duplicate, single.failed) == (24, 2, 3)
    assert any("slow.html: failed: " in line and "longer than 1.5s" in line for line in dask_lines)
    assert not (tmp_path / "dask" / ".parts").exists()


def test_without_the_extra_dask_is_one_line_and_exit_2(archives, tmp_path):
    code = ("import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None\n"
            "from scraper.cli import main\n"
            f"main(['warc', '--dask', 'local', '-o', {str(tmp_path / 'o')!r}, {str(archives[1])!r}])")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "pip install 'scraper[dask]'" in proc.stderr


def test_dask_needs_an_output_folder(archives):
    pytest.importorskip("scraper.archive.dask", reason="the dask extra is not installed")
    result = CliRunner().invoke(main, ["warc", "--dask", "local", str(archives[1])])
    assert result.exit_code == 2 and "give -o DIR" in result.stderr


def test_dask_without_an_address_is_a_local_cluster(archives, monkeypatch):
    import scraper.cli.warc as warc_cli
    seen: list[str] = []
    monkeypatch.setattr(warc_cli, "_run_dask", lambda address, *args: seen.append(address))
    runner = CliRunner()
    path = str(archives[1])
    for args in (["--dask", "-o", "out", path], ["-o", "out", path, "--dask"],
                 ["--dask", "local", "-o", "out", path],
                 ["--dask", "tcp://host:8786", "-o", "out", path]):
        result = runner.invoke(main, ["warc", *args])
        assert result.exit_code == 0, result.output
    assert seen == ["local", "local", "local", "tcp://host:8786"]


def test_bare_dask_runs_a_local_cluster(archives, tmp_path):
    pytest.importorskip("scraper.archive.dask", reason="the dask extra is not installed")
    runner = CliRunner()
    single = runner.invoke(main, ["warc", "-j", "1", "-o", str(tmp_path / "single"),
                                  str(archives[1])])
    spread = runner.invoke(main, ["warc", "-j", "2", "--dask", "-o", str(tmp_path / "dask"),
                                  str(archives[1])])
    assert single.exit_code == spread.exit_code == 0, spread.output
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "single")
    assert single.stderr.splitlines()[-1].split(" -> ")[0] == \
        spread.stderr.splitlines()[-1].split(" -> ")[0]
def test_the_folder_lock_and_a_dead_runs_parts(archives, tmp_path):
    distributed = pytest.importorskip("scraper.archive.dask", reason="the dask extra is not installed")
    from scraper import LockedError
    from scraper.run.lock import output_lock

    out = tmp_path / "out"
    dead = out / ".parts" / "0123abcd" / "00000"        # a client killed mid-run left this
    dead.mkdir(parents=True)
    (dead / "000_0000000000000000.txt").write_text("half a run", encoding="utf-8")
    with output_lock(out):                               # another run writes there: nothing done
        with pytest.raises(LockedError):
            distributed.run_warc_dask([archives[1]], out, extractor=Extractor(), address="local",
                                      settings=PoolSettings(jobs=2))
        result = CliRunner().invoke(main, ["warc", "--dask", "local", "-o", str(out), str(archives[1])])
        assert result.exit_code == 3 and "another run is writing to this folder" in result.stderr
    assert dead.exists()
    summary = distributed.run_warc_dask([archives[1]], out, extractor=Extractor(), address="local",
                                        settings=PoolSettings(jobs=2))
    assert summary.written == 7
    assert not (out / ".parts").exists()                 # the dead run's parts removed too


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += [int(k) for k in (task / "children").read_text().split()]
    return kids


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers in /proc")
def test_losing_every_worker_is_one_line_and_exit_1(tmp_path):
    pytest.importorskip("scraper.archive.dask", reason="the dask extra is not installed")
    recs = []
    for n in range(12):
        recs += [response(A + f"{n}.html", story(n)), response(A + f"slow{n}.html", hostile_page())]
    path = write_warc(tmp_path / "a.warc.gz", recs)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "scraper.cli", "warc", "--dask", "local", "--jobs", "2",
               "--page-timeout", "3", "--rules", str(slow_rules(tmp_path / "rules")), "-o", str(out),
               str(path)]
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list((out / ".parts").glob("*/*")):
            time.sleep(0.2)
        time.sleep(1)
        workers = [k for k in _children(proc.pid)
                   if b"multiprocessing.spawn" in Path(f"/proc/{k}/cmdline").read_bytes()]
        assert len(workers) == 2
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        assert proc.wait(timeout=120) == 1
    finally:
        with contextlib.suppress(ProcessLookupError):   # the extraction processes the dead
            os.killpg(proc.pid, signal.SIGKILL)         # workers left behind
        stderr = proc.stderr.read() if proc.stderr else ""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("scrape: the Dask cluster failed: ")
    assert "partitions were merged and are kept" in lines[0]
