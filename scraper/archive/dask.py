"""`scrape warc --dask`: the same extraction over many WARC files on a Dask cluster.

    summary = run_warc_dask(paths, "records/", extractor=Extractor(), address="local")

1. Each file's record offsets are read on the workers (`record_offsets`), and the files
   cut into partitions of consecutive records (a file compressed as one gzip stream is one
   partition).
2. Each partition is one task: a worker gets the client's Extractor (sent once to every
   worker) and runs `scraper.archive.run.run_warc` over its
   records into a records folder of its own, `OUT/.parts/<run>/<partition>/` (the records
   and their index, as `scrape clean -o` writes them), with the ExtractPool's per-page time
   limit when the worker may start processes (Dask workers are daemons unless
   `distributed.worker.daemon` is False; a LocalCluster started here sets it).
3. The client takes the partitions in input order and merges them into OUT
   (`RecordWriter.adopt`: the same dedupe and numbering as one process writing them all),
   so the folder is byte for byte the single-process one; then removes the partition.

OUT and the WARC files must be on storage that the client and every worker see at the same
paths. Every worker needs `scraper` (same version) installed; the rules travel with the
tasks.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dask
from distributed import Client, LocalCluster

from ..config import PoolSettings
from ..errors import ClusterError, ScraperError
from ..extractor import Extractor
from ..run.lock import output_lock
from ..run.pool import InlineExtraction, open_extraction
from ..run.store import RecordWriter
from .read import record_offsets
from .run import WarcOutcome, WarcSummary, run_warc

PARTS = ".parts"
# Partitions per worker: enough for the cluster to balance uneven pages.
PARTITIONS_PER_WORKER = 4
MIN_PARTITION_RECORDS = 50


@dataclass(frozen=True)
class Partition:
    """Records of one WARC file starting at offsets in [start, stop)."""

    index: int
    path: str
    start: int = 0
    stop: int | None = None


@dataclass
class PartitionResult:
    """What one task did: its counts and the lines of its records that were not written."""

    index: int
    folder: str
    summary: WarcSummary = field(default_factory=WarcSummary)
    lines: list[str] = field(default_factory=list)
    limited: bool = False     # the per-page time limit applied (the worker could start processes)


def partitions(paths: list[str], offsets: list[list[int] | None], workers: int,
               size: int | None = None) -> list[Partition]:
    """Cut the files into partitions of `size` consecutive records (default: about
    PARTITIONS_PER_WORKER per worker over all files, at least MIN_PARTITION_RECORDS)."""
    total = sum(len(o) for o in offsets if o)
    if size is None:
        size = max(MIN_PARTITION_RECORDS,
                   math.ceil(total / max(1, workers * PARTITIONS_PER_WORKER)))
    parts: list[Partition] = []
    for path, starts in zip(paths, offsets):
        if not starts:
            parts.append(Partition(len(parts), path))
            continue
        bounds = starts[::size]
        for i, start in enumerate(bounds):
            stop = bounds[i + 1] if i + 1 < len(bounds) else None
            parts.append(Partition(len(parts), path, 0 if i == 0 else start, stop))
    return parts


def extract_partition(part: Partition, extractor: Extractor, settings: PoolSettings,
                      parts_dir: str) -> PartitionResult:
    """One task, on a worker: the partition's records into `parts_dir/<index>/`."""
    options = extractor.options
    folder = Path(parts_dir) / f"{part.index:05d}"
    result = PartitionResult(part.index, str(folder))
    result.limited = not multiprocessing.current_process().daemon

    def note(outcome: WarcOutcome) -> None:
        if outcome.status not in ("written", "duplicate"):
            result.lines.append(outcome.line())

    one = PoolSettings(jobs=1, page_timeout=settings.page_timeout)
    extraction = (InlineExtraction(extractor) if multiprocessing.current_process().daemon
                  else open_extraction(extractor, one))
    with extraction:
        result.summary = run_warc([Path(part.path)], extraction, RecordWriter(folder),
                                  on_outcome=note, span=(part.start, part.stop),
                                  max_bytes=options.max_page_bytes)
    return result


def run_warc_dask(paths: list[Path], out_dir: Path, *, extractor: Extractor,
                  settings: PoolSettings | None = None, address: str = "local",
                  on_line: Callable[[str], None] | None = None,
                  partition_records: int | None = None) -> WarcSummary:
    """Extract WARC files on the Dask cluster at `address` ("local": a LocalCluster of
    `settings.jobs` worker processes) into `out_dir`; `on_line` hears of each record that
    was not written, in input order; `partition_records` overrides the partition size.
    Holds the folder's lock (LockedError when another run holds it) and removes the
    partition folders of runs that died. ScraperError when the cluster cannot be reached;
    ClusterError when it loses its workers (or the data scattered to them) or a task
    fails: the partitions merged before are kept."""
    settings = settings or PoolSettings()
    out_dir = Path(out_dir).resolve()
    # The folder's lock (as a crawl's): with it held, every other run's parts are a dead
    # run's (a client killed mid-run), removed here.
    with output_lock(out_dir), _quiet_dask():
        _remove_dead_parts(out_dir)
        writer = RecordWriter(out_dir)
        run_dir = out_dir / PARTS / uuid.uuid4().hex
        try:
            return _run(paths, writer, run_dir, extractor, settings, address, on_line,
                        partition_records)
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
            try:
                os.rmdir(out_dir / PARTS)
            except OSError:
                pass


def _run(paths: list[Path], writer: RecordWriter, run_dir: Path, extractor: Extractor,
         settings: PoolSettings, address: str, on_line: Callable[[str], None] | None,
         partition_records: int | None) -> WarcSummary:
    names = [str(Path(p).resolve()) for p in paths]
    summary = WarcSummary()
    with _client(address, settings.jobs) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        setup = client.scatter(extractor, broadcast=True)
        offsets = _gather(client, client.map(record_offsets, names, pure=False))
        tasks = partitions(names, offsets, workers, partition_records)
        futures = client.map(extract_partition, tasks, extractor=setup, settings=settings,
                             parts_dir=str(run_dir), pure=False)
        done = 0
        for future in futures:   # committed in input order, whatever order they finish
            try:
                (result,) = _gather(client, [future])
            except ClusterError as err:
                raise ClusterError(f"{err}; {done} of {len(tasks)} partitions were merged "
                                   "and are kept, a rerun adds the rest") from None
            for line in result.lines:
                if on_line is not None:
                    on_line(line)
            merged = writer.adopt(result.folder)
            written = sum(r.status == "written" for r in merged)
            part = result.summary
            part.duplicate += part.written - written
            part.written = written
            summary.merge(part)
            shutil.rmtree(result.folder, ignore_errors=True)
            done += 1
    return summary


def _remove_dead_parts(out_dir: Path) -> None:
    """Remove the partition folders that runs killed before their end left behind."""
    parts = out_dir / PARTS
    if parts.is_dir():
        for run in parts.iterdir():
            shutil.rmtree(run, ignore_errors=True)


# The loggers whose ERROR lines a lost worker sets off (a raw line each, with tracebacks):
# the run says what happened in one line instead.
_LOGGERS = ("distributed", "tornado", "asyncio")


@contextlib.contextmanager
def _quiet_dask() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _gather(client: Client, futures: list) -> list:
    try:
        return client.gather(futures)
    except ScraperError:
        raise
    except Exception as err:  # noqa: BLE001 - a worker lost, a task that raised
        raise ClusterError(f"the Dask cluster failed: {_cause(err)}") from err


def _cause(err: Exception) -> str:
    """What went wrong on the cluster, in a few words."""
    name = type(err).__name__
    text = str(err).splitlines()[0] if str(err) else ""
    if name == "KilledWorker":
        return "its workers died while running a partition (killed, or out of memory)"
    if name in ("FutureCancelledError", "CancelledError") or "forgotten" in text \
            or "lost" in text.lower():
        return ("it lost its workers, and with them the data scattered to them "
                f"({name})")
    return f"{name}: {text}"[:300]


class _client:  # noqa: N801 - a context manager used like a function
    """A Client of the cluster at `address`, or of a LocalCluster started (and stopped) here."""

    def __init__(self, address: str, jobs: int) -> None:
        self.address, self.jobs = address, jobs
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None

    def __enter__(self) -> Client:
        try:
            if self.address == "local":
                # Workers that may start processes: the per-page time limit needs one.
                with dask.config.set({"distributed.worker.daemon": False}):
                    self.cluster = LocalCluster(n_workers=max(1, self.jobs), threads_per_worker=1,
                                                processes=True, dashboard_address=None,
                                                silence_logs=logging.CRITICAL)
                self.client = Client(self.cluster)
            else:
                self.client = Client(self.address, timeout=30)
        except Exception as err:  # noqa: BLE001 - one line, never a traceback
            self.__exit__()
            raise ScraperError(f"cannot start or reach the Dask cluster at {self.address}: "
                               f"{type(err).__name__}: {err}") from err
        return self.client

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
