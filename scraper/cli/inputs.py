"""Finding and reading the inputs of `scrape clean`: files, folders and standard input."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

STDIN = "-"
# What a folder contributes: its text dumps and saved pages.
FOLDER_PATTERNS = ("*.txt", "*.html", "*.htm")


@dataclass(frozen=True)
class Input:
    """One document to clean: its name for messages, its bytes, and the folder it came in."""

    name: str
    data: bytes
    group: str | None = None


def check_paths(paths: tuple[str, ...]) -> None:
    """Raise InputError for the first path that does not exist (before anything is read)."""
    for path in paths:
        if path != STDIN and not Path(path).exists():
            raise InputError(f"{path}: no such file or folder")


def folder_files(folder: Path) -> list[Path]:
    """The files of a folder that `scrape clean` reads, sorted by name (not recursive)."""
    found = {p for pattern in FOLDER_PATTERNS for p in folder.glob(pattern) if p.is_file()}
    return sorted(found)


def iter_inputs(paths: tuple[str, ...]) -> Iterator[Input | InputError]:
    """Each input in order; an unreadable file or an empty folder yields an InputError."""
    for path in paths:
        if path == STDIN:
            yield Input("<stdin>", sys.stdin.buffer.read())
            continue
        p = Path(path)
        if p.is_dir():
            files = folder_files(p)
            if not files:
                yield InputError(f"{path}: no .txt or .html files in this folder")
            for file in files:
                yield _read(file, group=str(p))
        else:
            yield _read(p)


def _read(path: Path, group: str | None = None) -> Input | InputError:
    try:
        return Input(str(path), path.read_bytes(), group)
    except OSError as err:
        return InputError(f"{path}: cannot read: {err.strerror}")
