"""Extraction in worker processes, with a per-page time limit.

    with ExtractPool(extractor, PoolSettings(jobs=4, page_timeout=30)) as pool:
        for record_or_error in pool.ordered(pages, lambda p: pool.submit_html(p.body, url=p.url)):
            ...

Each worker process gets a copy of the parent's Extractor (rules, options and models; an
Extractor is immutable, so every worker extracts exactly as the parent would). One thread
in the parent drives each worker: it hands the worker one page, waits at most
`page_timeout` seconds for the answer, and otherwise kills the worker, starts a new one and
settles that page with an ExtractTimeout. A worker that dies (a crash, the OOM killer) is
replaced the same way. Futures settle with a Record or a ScraperError, never anything else.

Warnings that libraries log in a worker while it extracts a page are logged again in the
parent, under the same logger name, and warnings issued with `warnings.warn` (a
DecodeWarning) are issued again in the parent, so a command hears of both as if the page
had been extracted in its own process.

What a worker starts from (the Extractor, the repetition indexes) is pickled once, by the
thread that builds the pool, never by the driver threads: pickling an object makes
CPython 3.11 build its `__dict__` from the inline attribute values, and two threads doing
that to the same object at once (a garbage collection run inside one of them lets the
other in) leave it with two dicts sharing one values array. When one of them is freed, the
other points at freed memory, and a later garbage collection crashes on it (a segmentation
fault in dict_traverse, seen on lexicon entries in the test process).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
import queue
import signal
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, TypeVar

from ..config import PoolSettings
from ..errors import ExtractTimeout, ScraperError
from ..extractor import Extractor
from ..lines.repeats import RepeatIndex
from ..record import Record

T = TypeVar("T")
R = TypeVar("R")
# Seconds a new worker may take to import the toolkit and build its Extractor.
START_TIMEOUT = 120.0
# Seconds a worker asked to stop may take before it is killed.
STOP_TIMEOUT = 5.0


@dataclass(frozen=True)
class _Task:
    kind: str                 # "html" or "bytes"
    data: bytes
    url: str | None = None
    charset: str | None = None
    source: str | None = None
    group: str | None = None  # the folder or site whose repetition index applies


if TYPE_CHECKING:  # the two start methods the pool uses (BaseContext declares no Process);
    # ForkServerContext does not exist where there is no forkserver, hence only for mypy
    _Context = multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext


def _context() -> _Context:
    """forkserver: a fork of a small, clean server process that has imported the toolkit
    once (so a worker starts in milliseconds, and no thread or socket of the parent is
    inherited); spawn where there is no forkserver."""
    try:
        ctx = multiprocessing.get_context("forkserver")
    except ValueError:
        return multiprocessing.get_context("spawn")
    ctx.set_forkserver_preload(["scraper.run.pool"])
    return ctx


class _Collect(logging.Handler):
    """Keeps the warnings logged during one task, to be logged again in the parent."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.records.append((record.name, record.levelno, record.getMessage()))
        except Exception:  # noqa: BLE001 - a bad log call must not fail the page
            pass


def _run(extractor: Extractor, task: _Task, repeats: Mapping[str | None, RepeatIndex]) -> Record:
    if task.kind == "html":
        return extractor.extract_html(task.data, url=task.url, charset=task.charset,
                                      repeats=repeats.get(task.group))
    return extractor.record_from_bytes(task.data, source=task.source, url=task.url,
                                       charset=task.charset, repeats=repeats.get(task.group))


def _start_data(extractor: Extractor, repeats: Mapping[str | None, RepeatIndex]) -> bytes:
    """What every worker starts from, pickled (see the module docstring: in the thread
    that builds the pool, once)."""
    return pickle.dumps((extractor, dict(repeats)), protocol=pickle.HIGHEST_PROTOCOL)


def _worker(conn: Connection, start: bytes) -> None:
    """A worker process: unpickle the Extractor and repetition indexes, then extract one
    task at a time until the parent says stop or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    root.setLevel(min(root.level or logging.WARNING, logging.WARNING))
    try:
        extractor, repeats = pickle.loads(start)
        conn.send(("ready", None, [], []))
    except BaseException as err:  # noqa: BLE001 - told to the parent, which reports it
        conn.send(("broken", f"{type(err).__name__}: {err}", [], []))
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        collect.records = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            payload: Record | ScraperError
            try:
                status, payload = "ok", _run(extractor, task, repeats)
            except ScraperError as err:
                status, payload = "error", err
            except Exception as err:  # an extractor bug is that page's failure  # noqa: BLE001
                status = "error"
                payload = ScraperError(f"extraction failed: {type(err).__name__}: {err}")
        warned = [(w.category, str(w.message)) for w in caught]
        try:
            conn.send((status, payload, collect.records, warned))
        except (EOFError, OSError):
            return
        except Exception as err:  # noqa: BLE001 - an answer that does not pickle
            conn.send(("error", ScraperError(f"extraction failed: {type(err).__name__}: {err}"),
                       collect.records, warned))


class _Worker:
    """One worker process and its end of the pipe."""

    def __init__(self, ctx: _Context, start: bytes) -> None:
        parent, child = ctx.Pipe()
        self.conn = parent
        # Only this worker's own objects are pickled here, in its driver thread: the
        # start data is bytes already (see the module docstring).
        self.process = ctx.Process(target=_worker, args=(child, start),
                                   name="scraper-extract", daemon=True)
        self.process.start()
        child.close()
        if not parent.poll(START_TIMEOUT):
            self.kill()
            raise ScraperError(f"extraction worker did not start within {START_TIMEOUT:g}s")
        try:
            status, detail, _, _ = parent.recv()
        except (EOFError, OSError):
            self.kill()
            raise ScraperError(f"extraction worker died on start "
                               f"(exit code {self.process.exitcode})") from None
        if status != "ready":
            self.kill()
            raise ScraperError(f"extraction worker could not start: {detail}")

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(STOP_TIMEOUT)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class ExtractPool:
    """`jobs` worker processes extracting with the extractor's rules and options.

    `repeats` (folder or site -> RepeatIndex) is sent to each worker once, for the
    `group` of `submit_bytes` and `submit_html`. Use as a context manager, or call `close()`.
    """

    def __init__(self, extractor: Extractor, settings: PoolSettings | None = None, *,
                 repeats: Mapping[str | None, RepeatIndex] | None = None) -> None:
        self.settings = settings or PoolSettings()
        # Pickled here, in the caller's thread, before any driver thread runs.
        self._start = _start_data(extractor, repeats or {})
        self._ctx = _context()
        self._queue: queue.Queue[tuple[Future[Record], _Task] | None] = queue.Queue()
        self._closed = False
        self._busy: dict[int, _Worker] = {}   # driver number -> its worker, while extracting
        self._threads = [threading.Thread(target=self._drive, args=(i,),
                                          name=f"scraper-extract-{i}", daemon=True)
                         for i in range(max(1, self.settings.jobs))]
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> ExtractPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def jobs(self) -> int:
        """The number of worker processes."""
        return len(self._threads)

    def submit_html(self, html: bytes, *, url: str | None = None, charset: str | None = None,
                    group: str | None = None) -> Future[Record]:
        """`Extractor.extract_html` in a worker, with the repetition index of `group`: a
        future of the Record (or ScraperError)."""
        return self._submit(_Task("html", html, url=url, charset=charset, group=group))

    def submit_bytes(self, data: bytes, *, source: str | None = None, url: str | None = None,
                     charset: str | None = None, group: str | None = None) -> Future[Record]:
        """`Extractor.record_from_bytes` in a worker, with the repetition index of `group`."""
        return self._submit(_Task("bytes", data, url=url, charset=charset, source=source,
                                  group=group))

    async def extract_html(self, html: bytes, *, url: str | None = None,
                           charset: str | None = None) -> Record:
        """`submit_html` awaited from asyncio code."""
        future = self.submit_html(html, url=url, charset=charset)
        try:
            return await asyncio.wrap_future(future)
        finally:
            _reissue(future)

    def ordered(self, items: Iterable[T], submit: Callable[[T], Future[R] | Any]
                ) -> Iterator[tuple[T, R | ScraperError | Any]]:
        """`ordered` with a window of this pool's `settings.window` (at least two pages a
        worker)."""
        return ordered(items, submit, max(self.settings.window, 2 * self.jobs))

    def close(self) -> None:
        """Stop the workers (a page being extracted is abandoned) and wait for them."""
        if self._closed:
            return
        self._closed = True
        # Pages not yet started are cancelled; each driver thread then sees its stop mark.
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        for _ in self._threads:
            self._queue.put(None)
        # A page still being extracted was given up by the caller (an error, Ctrl-C).
        for worker in list(self._busy.values()):
            worker.process.kill()
        for thread in self._threads:
            thread.join()

    def _submit(self, task: _Task) -> Future[Record]:
        if self._closed:
            raise ScraperError("the extraction pool is closed")
        future: Future[Record] = Future()
        self._queue.put((future, task))
        return future

    def _drive(self, number: int) -> None:
        """One worker's driver: hand it tasks one at a time, enforce the time limit, and
        replace it when it is killed or dies. Every task's future settles, whatever goes
        wrong here (a driver that died would leave its caller waiting forever)."""
        worker: _Worker | None = None
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                future, task = item
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    worker = self._serve(number, worker, future, task)
                except Exception as err:  # noqa: BLE001 - see the docstring
                    if worker is not None:
                        worker.kill()
                        worker = None
                    if not future.done():
                        future.set_exception(ScraperError(
                            f"extraction failed: {type(err).__name__}: {err}"))
        finally:
            if worker is not None:
                worker.stop()

    def _serve(self, number: int, worker: _Worker | None, future: Future[Record],
               task: _Task) -> _Worker | None:
        """Settle one task's future; the worker to use next (None: start a new one)."""
        limit = self.settings.page_timeout
        if worker is None:
            try:
                worker = _Worker(self._ctx, self._start)
            except ScraperError as err:
                future.set_exception(err)
                return None
        self._busy[number] = worker
        try:
            worker.conn.send(task)
            answered = worker.conn.poll(limit)
        except (OSError, ValueError):
            answered = True   # a broken pipe: recv below tells how the worker ended
        finally:
            self._busy.pop(number, None)
        if not answered:
            worker.kill()
            future.set_exception(ExtractTimeout(
                f"extraction took longer than {limit:g}s; abandoned (its worker process "
                "was killed)"))
            return None
        try:
            status, payload, logged, warned = worker.conn.recv()
        except (EOFError, OSError):
            code = worker.process.exitcode
            worker.kill()
            future.set_exception(ScraperError(f"the extraction worker died (exit code {code})"))
            return None
        for name, level, message in logged:
            logging.getLogger(name).log(level, "%s", message)
        # Issued again where the result is taken, in its order (see _reissue).
        future.warned = warned  # type: ignore[attr-defined]
        if status == "ok":
            future.set_result(payload)
        else:
            future.set_exception(payload)
        return worker


class InlineExtraction:
    """Extraction in this process, with ExtractPool's interface: futures that are already
    settled. No time limit (nothing can stop a page in the same process)."""

    def __init__(self, extractor: Extractor, *,
                 repeats: Mapping[str | None, RepeatIndex] | None = None) -> None:
        self.extractor = extractor
        self._repeats = dict(repeats or {})

    def __enter__(self) -> InlineExtraction:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    jobs = 1

    def submit_html(self, html: bytes, *, url: str | None = None, charset: str | None = None,
                    group: str | None = None) -> Future[Record]:
        """`Extractor.extract_html` now, with the repetition index of `group`, as a settled
        future."""
        return self._settled(_Task("html", html, url=url, charset=charset, group=group))

    def submit_bytes(self, data: bytes, *, source: str | None = None, url: str | None = None,
                     charset: str | None = None, group: str | None = None) -> Future[Record]:
        """`Extractor.record_from_bytes` now, as a settled future."""
        return self._settled(_Task("bytes", data, url=url, charset=charset, source=source,
                                   group=group))

    async def extract_html(self, html: bytes, *, url: str | None = None,
                           charset: str | None = None) -> Record:
        """`Extractor.extract_html` in a thread, awaited from asyncio code."""
        return await asyncio.to_thread(self.extractor.extract_html, html, url=url,
                                       charset=charset)

    def ordered(self, items: Iterable[T], submit: Callable[[T], Future[R] | Any]
                ) -> Iterator[tuple[T, R | ScraperError | Any]]:
        """`ordered`, one item at a time."""
        return ordered(items, submit, 1)

    def close(self) -> None:
        """Nothing to stop."""

    def _settled(self, task: _Task) -> Future[Record]:
        future: Future[Record] = Future()
        try:
            future.set_result(_run(self.extractor, task, self._repeats))
        except ScraperError as err:
            future.set_exception(err)
        except Exception as err:  # an extractor bug is that page's failure  # noqa: BLE001
            future.set_exception(ScraperError(f"extraction failed: {type(err).__name__}: {err}"))
        return future


Extraction = ExtractPool | InlineExtraction


def open_extraction(extractor: Extractor, settings: PoolSettings | None = None, *,
                    repeats: Mapping[str | None, RepeatIndex] | None = None) -> Extraction:
    """Worker processes, or this process when one job without a time limit is asked for
    (a time limit needs a worker process that can be killed)."""
    settings = settings or PoolSettings()
    if settings.jobs <= 1 and settings.page_timeout is None:
        return InlineExtraction(extractor, repeats=repeats)
    return ExtractPool(extractor, settings, repeats=repeats)


def ordered(items: Iterable[T], submit: Callable[[T], Future[R] | Any], window: int
            ) -> Iterator[tuple[T, R | ScraperError | Any]]:
    """(item, result) for each item, in input order, with at most `window` items handed out
    ahead of the one yielded. `submit(item)` returns a future, or a result at once (an item
    that needs no extraction); a future's result is its value or its ScraperError."""
    pending: deque[tuple[T, Any]] = deque()
    window = max(1, window)
    try:
        for item in items:
            pending.append((item, submit(item)))
            while len(pending) >= window:
                yield _settle(*pending.popleft())
        while pending:
            yield _settle(*pending.popleft())
    finally:
        for _, waiting in pending:
            if isinstance(waiting, Future):
                waiting.cancel()


def _settle(item: T, waiting: Any) -> tuple[T, Any]:
    if not isinstance(waiting, Future):
        return item, waiting
    try:
        return item, waiting.result()
    except ScraperError as err:
        return item, err
    finally:
        _reissue(waiting)


def _reissue(future: Future[Any]) -> None:
    """The warnings a worker issued while extracting, issued again in the thread that takes
    the result, so they come in the order of the results."""
    for category, message in getattr(future, "warned", ()):
        warnings.warn(message, category, stacklevel=3)
