"""Finding and reading the inputs of `scrape clean`: files, folders and standard input."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, os_reason

STDIN = "-"
# What a folder contributes: its text dumps and saved pages.
FOLDER_SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True)
class Input:
    """One document to clean: its name for messages, its bytes, and the folder it came in."""

    name: str
    data: bytes
    group: str | None = None


def check_paths(paths: tuple[str, ...]) -> None:
    """Raise InputError for the first path that does not exist (before anything is read);
    one that exists but cannot be read is reported when it is read."""
    for path in paths:
        if path == STDIN:
            continue
        try:
            os.stat(path)
        except FileNotFoundError:
            raise InputError(f"{path}: no such file or folder") from None
        except NotADirectoryError:
            raise InputError(f"{path}: no such file or folder (a part of it is a file)") from None
        except OSError:
            continue  # e.g. a folder on the way that cannot be entered: said when read


def folder_files(folder: Path) -> list[Path]:
    """The files of a folder that `scrape clean` reads, sorted by name (not recursive);
    OSError when the folder cannot be listed."""
    with os.scandir(folder) as entries:
        found = [Path(entry.path) for entry in entries
                 if entry.name.endswith(FOLDER_SUFFIXES) and entry.is_file()]
    return sorted(found)


def iter_inputs(paths: tuple[str, ...]) -> Iterator[Input | InputError]:
    """Each input in order; an unreadable file or folder, or an empty folder, yields an
    InputError naming it."""
    for path in paths:
        if path == STDIN:
            yield Input("<stdin>", sys.stdin.buffer.read())
            continue
        p = Path(path)
        try:
            is_folder = stat.S_ISDIR(os.stat(p).st_mode)
            files = folder_files(p) if is_folder else None
        except OSError as err:
            yield InputError(f"{path}: cannot read: {os_reason(err)}")
            continue
        if files is None:
            yield _read(p)
            continue
        if not files:
            yield InputError(f"{path}: no .txt or .html files in this folder")
        for file in files:
            yield _read(file, group=str(p))


def folder_inputs(paths: tuple[str, ...]) -> dict[str, Iterator[Input]]:
    """Per folder among the paths (by its name, the group of its inputs), its readable
    inputs, each read when the iterator reaches it; a folder that cannot be listed has none."""
    out: dict[str, Iterator[Input]] = {}
    for path in paths:
        if path == STDIN or str(Path(path)) in out:
            continue
        try:
            files = folder_files(Path(path)) if stat.S_ISDIR(os.stat(path).st_mode) else None
        except OSError:
            continue
        if files is not None:
            out[str(Path(path))] = (item for item in map(_read, files)
                                    if isinstance(item, Input))
    return out


def count_inputs(paths: tuple[str, ...]) -> int:
    """How many readable inputs `iter_inputs` gives (files and folders listed, none read)."""
    count = 0
    for path in paths:
        if path == STDIN:
            count += 1
            continue
        try:
            files = folder_files(Path(path)) if stat.S_ISDIR(os.stat(path).st_mode) else [path]
        except OSError:
            continue
        count += sum(os.access(file, os.R_OK) for file in files)
    return count


def _read(path: Path, group: str | None = None) -> Input | InputError:
    try:
        return Input(str(path), path.read_bytes(), group)
    except OSError as err:
        return InputError(f"{path}: cannot read: {os_reason(err)}")
