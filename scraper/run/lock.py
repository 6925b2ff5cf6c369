"""The lock that keeps two crawls off one state file and off one output folder."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ..errors import LockedError, OutputError, ScraperError, StateError, os_reason

# In an output folder (RecordWriter ignores dot files): `scrape crawl` and `scrape warc`
# hold it while they write there, so two runs never write one folder.
OUTPUT_LOCK = ".crawl.lock"


class CrawlLock:
    """An exclusive, non-blocking `flock` on a lock file; the kernel drops it if the
    process dies, so a killed run never leaves a stale lock.

    LockedError (message `what`) when another process holds it; `error` (StateError by
    default) naming the path when the lock file cannot be created.
    """

    def __init__(self, path: Path, *, what: str | None = None,
                 error: type[ScraperError] = StateError) -> None:
        self.path = path
        self.what = what or f"{path}: another crawl is running"
        self._error = error
        self._fd: int | None = None

    def __enter__(self) -> CrawlLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise self._error(f"{self.path}: cannot create lock file: "
                              f"{os_reason(err)}") from err
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockedError(self.what) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def output_lock(folder: str | Path, what: str = "another run is writing to this folder") -> CrawlLock:
    """The lock of an output folder (LockedError, message `FOLDER: what`, when another run
    holds it; OutputError when it cannot be created)."""
    return CrawlLock(Path(folder) / OUTPUT_LOCK, error=OutputError, what=f"{folder}: {what}")
