"""Files and folders the user may not read or write: one line each naming the path, the
documented exit code, never a traceback, and no half-written record.

Permissions do not stop root, so when the tests run as root each case runs in a forked
child that has dropped to the unprivileged user `nobody`; as any other user it runs as is.
The child may not be able to read the checkout (or Python's own files: a checkout in
`/root` or in a `mktemp -d` folder), so the parent prepares all it needs: the modules
imported and the models read (one run of the command), and the rules folder and the seed
text copied into a folder every user can read. When even that does not let `nobody` run a
command, the tests are skipped, saying why.
"""

from __future__ import annotations

import multiprocessing
import os
import pwd
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.rules.loader import default_rules_dir
from tests.conftest import SEEDS

SEED = sorted(SEEDS.glob("*.txt"))[0]
ROOT_USER = os.geteuid() == 0


def _unprivileged_uid() -> int | None:
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        return None


NOBODY = _unprivileged_uid()
pytestmark = pytest.mark.skipif(ROOT_USER and NOBODY is None,
                                reason="running as root and there is no user 'nobody' to drop to")


def _child(conn: Any, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    os.setgroups([])
    os.setgid(NOBODY)  # type: ignore[arg-type]
    os.setuid(NOBODY)  # type: ignore[arg-type]
    try:
        os.chdir("/")  # the checkout, the parent's folder, may be closed to nobody
        conn.send(("ok", func(*args)))
    except BaseException as err:  # noqa: BLE001 - reported to the parent as the failure
        conn.send(("error", repr(err)))


def unprivileged(func: Callable[..., Any], *args: Any) -> Any:
    """func(*args) as a user that file permissions apply to."""
    if not ROOT_USER:
        return func(*args)
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_child, args=(child, func, args))
    proc.start()
    status, value = parent.recv()
    proc.join(30)
    assert status == "ok", value
    return value


def scrape(*args: str, rules: Path | None = None) -> tuple[int, str, str]:
    """`scrape ARGS` in this process; `rules`: the rules folder (SCRAPE_RULES)."""
    env = {"SCRAPE_RULES": str(rules)} if rules is not None else {}
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def _readable_copy(source: Path, target: Path) -> Path:
    """A copy of a file or folder that every user can read."""
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copyfile(source, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


@dataclass(frozen=True)
class Place:
    """A folder every user can enter (pytest's own tmp_path is private to root), holding
    copies of what the commands read from the checkout: the rules and a seed text."""

    folder: Path
    rules: Path
    seed: Path

    def __truediv__(self, name: str) -> Path:
        return self.folder / name

    def scrape(self, *args: str) -> tuple[int, str, str]:
        return scrape(*args, rules=self.rules)


@pytest.fixture
def place() -> Iterator[Place]:
    folder = Path(tempfile.mkdtemp(prefix="scrape-fs-"))
    folder.chmod(0o755)
    here = Place(folder, _readable_copy(default_rules_dir(), folder / "rules"),
                 _readable_copy(SEED, folder / "seed.txt"))
    try:
        # imports done and models read before any fork drops privileges
        code, _, err = here.scrape("clean", str(here.seed))
        assert code == 0, err
        if ROOT_USER:
            _nobody_can_run(here)
        yield here
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


def _nobody_can_run(here: Place) -> None:
    """Skip, saying why, when `nobody` cannot run a command even with all prepared."""
    try:
        code, _, err = unprivileged(here.scrape, "clean", str(here.seed))
    except AssertionError as failure:
        code, err = -1, str(failure)
    if code != 0:
        pytest.skip(f"running as root, the user nobody cannot run scrape even on files copied "
                    f"where it may read them (it cannot read this checkout or Python's "
                    f"files?): {err.strip() or code}")


def _seed_copy(folder: Path, name: str = "a.txt") -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / name
    shutil.copyfile(SEED, target)
    target.chmod(0o644)
    return target


def test_a_file_in_a_folder_that_cannot_be_entered(place: Place) -> None:
    target = _seed_copy(place / "locked")
    (place / "locked").chmod(0o000)
    code, out, err = unprivileged(place.scrape, "clean", str(target))
    assert code == 1 and out == ""
    assert err.splitlines() == [f"scrape: {target}: cannot read: Permission denied"]


def test_a_folder_that_cannot_be_listed(place: Place) -> None:
    _seed_copy(place / "hidden")
    (place / "hidden").chmod(0o311)  # may be entered, not listed
    code, _, err = unprivileged(place.scrape, "clean", str(place / "hidden"))
    assert code == 1
    assert err.splitlines() == [f"scrape: {place / 'hidden'}: cannot read: Permission denied"]


def test_an_unreadable_file_beside_readable_ones(place: Place) -> None:
    good = _seed_copy(place / "in", "a.txt")
    bad = _seed_copy(place / "in", "b.txt")
    bad.chmod(0o000)
    code, out, err = unprivileged(place.scrape, "clean", str(good), str(bad))
    assert code == 1
    assert out.strip(), "the readable file's record is still printed"
    assert err.splitlines() == [f"scrape: {bad}: cannot read: Permission denied"]


@pytest.mark.parametrize("target", ["ro", "ro/new/sub"])
def test_an_output_folder_that_cannot_be_written_is_exit_2_before_any_work(place: Place,
                                                                          target: str) -> None:
    (place / "ro").mkdir()
    out = place / target
    code, _, err = unprivileged(place.scrape, "clean", str(place.seed), "-o", str(out))
    assert code == 2
    [line] = err.splitlines()
    assert line.startswith("scrape: ") and str(place / "ro") in line and "Permission denied" in line
    assert not any(p.name.endswith(".txt") for p in (place / "ro").rglob("*"))


def test_an_unwritable_cache_is_one_line_and_exit_2(place: Place) -> None:
    (place / "cache").mkdir()
    code, out, err = unprivileged(place.scrape, "fetch", "--cache", str(place / "cache"),
                                  "http://127.0.0.1:9/never-asked")
    assert code == 2 and out == ""
    [line] = err.splitlines()
    assert str(place / "cache") in line and "Permission denied" in line


def test_record_files_follow_the_umask_like_the_index(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        code, _, _ = scrape("clean", str(SEED), "-o", str(tmp_path / "out"))
    finally:
        os.umask(old)
    assert code == 0
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "out").iterdir()}
    assert set(modes.values()) == {0o640}, modes
