"""Benchmark: WARC extraction at scale, in one run, on one machine.

Builds a WARC (one gzip member per record) of the shared corpora's pages - readability,
trafilatura and wcxb, each under its corpus URL, repeated under distinct URLs up to
--pages responses - then times, each in its own process:

- reading alone: FastWARC's iteration over the file, and `scraper.read_warc` (HTTP parsed,
  payload decoded), so the extraction's share is visible;
- a plain loop of `trafilatura.extract` over the pages (read with scraper.iter_warc);
- `scrape warc --jobs 1`, `--jobs 2`, and `--dask local` (a 2-worker LocalCluster);

and reports pages/s, the CPU seconds all its processes used and the cores that makes on
average (CPU seconds / wall seconds: under 2 on two cores means other jobs had the rest),
the peak RSS of every process of each run (sampled from /proc), the speed-up ratios, and
the machine's load (`uptime`) before and after.

    .venv/bin/python bench/scale.py [--pages 2000] [--corpora ../shared/corpora] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATE = "2024-05-01T12:00:00Z"


def corpus_pages(corpora: Path) -> list[tuple[str, bytes]]:
    """(url, page bytes) of every page of the three corpora."""
    pages: list[tuple[str, bytes]] = []
    for folder in sorted((corpora / "readability").iterdir()):
        if (folder / "page.html").is_file():
            pages.append((f"https://readability.example/{folder.name}/",
                          (folder / "page.html").read_bytes()))
    for folder in sorted((corpora / "trafilatura").iterdir()):
        meta = folder / "meta.json"
        if (folder / "page.html").is_file() and meta.is_file():
            url = json.loads(meta.read_text("utf-8")).get("url") or f"https://trafilatura.example/{folder.name}"
            pages.append((url, (folder / "page.html").read_bytes()))
    for page in sorted((corpora / "wcxb" / "html").glob("*.html.gz")):
        truth = corpora / "wcxb" / "ground-truth" / (page.name[: -len(".html.gz")] + ".json")
        url = json.loads(truth.read_text("utf-8")).get("url") if truth.is_file() else None
        pages.append((url or f"https://wcxb.example/{page.name}", gzip.decompress(page.read_bytes())))
    return pages


def build_warc(path: Path, pages: list[tuple[str, bytes]], total: int) -> int:
    """A WARC of `total` responses cycling through `pages` (repeats get a distinct URL)."""
    from fastwarc.warc import WarcRecord, WarcRecordType

    with path.open("wb") as fh:
        for i in range(total):
            url, body = pages[i % len(pages)]
            if i >= len(pages):
                url += ("&" if "?" in url else "?") + f"copy={i // len(pages)}"
            record = WarcRecord()
            record.init_headers(WarcRecordType.response, f"uuid:{uuid.uuid4()}".encode())
            record.headers.set("WARC-Target-URI", url)
            record.headers.set("WARC-Date", DATE)
            record.headers.set("Content-Type", "application/http; msgtype=response")
            record.set_bytes_content(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                     b"Content-Length: %d\r\n\r\n" % len(body) + body)
            out = io.BytesIO()
            record.write(out, checksum_data=True)
            fh.write(gzip.compress(out.getvalue(), compresslevel=6))
    return total


class Peaks:
    """Samples the peak RSS (VmHWM) of a process and all its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        self.root = pid
        self.peaks: dict[int, tuple[str, int]] = {}
        self.cpu: dict[int, float] = {}      # pid -> CPU seconds (user + system), last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = self._tree()
            commands = {}
            for pid in tree:
                try:
                    commands[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    pass
            for pid in tree:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                ppid = int(fields[1])
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / _TICKS
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        kb = int(line.split()[1])
                        name = _role(commands.get(pid, ""), commands.get(ppid, ""))
                        if kb > self.peaks.get(pid, ("", 0))[1]:
                            self.peaks[pid] = (name, kb)
            self._stop.wait(0.1)

    def stop(self) -> dict[int, tuple[str, int]]:
        self._stop.set()
        self._thread.join()
        return self.peaks


_TICKS = os.sysconf("SC_CLK_TCK")


def _role(cmd: str, parent: str) -> str:
    if "forkserver" in cmd:
        return "extract worker" if "forkserver" in parent else "forkserver"
    if "resource_tracker" in cmd:
        return "resource tracker"
    if "multiprocessing.spawn" in cmd or "spawn_main" in cmd:
        return "dask worker"
    if "bench/scale.py" in cmd or "_loop" in cmd:
        return "main"
    if "scraper.cli" in cmd:
        return "main"
    return cmd.split(" ", 1)[0].rsplit("/", 1)[-1] or "?"


def timed(cmd: list[str], label: str) -> dict:
    """Run a command; wall time and the peak RSS of each of its processes."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    peaks = Peaks(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    sampled = peaks.stop()
    cpu = sum(peaks.cpu.values())
    if proc.returncode not in (0, 1):
        sys.exit(f"{label} failed ({proc.returncode}): {err[-2000:]}")
    rows = sorted(sampled.values(), key=lambda r: -r[1])
    return {"label": label, "seconds": seconds, "stdout": out, "stderr": err, "cpu": cpu,
            "peaks": [(name, kb / 1024) for name, kb in rows]}


READ_CODE = """
import sys, time
from fastwarc.warc import ArchiveIterator
import scraper
path = sys.argv[1]
start = time.perf_counter()
n = sum(len(r.reader.read()) > 0 for r in ArchiveIterator(open(path, 'rb'), parse_http=False))
fast = time.perf_counter() - start
start = time.perf_counter()
pages = sum(1 for _ in scraper.iter_warc(path))
ours = time.perf_counter() - start
print(n, fast, pages, ours)
"""

LOOP_CODE = """
import sys, time
import trafilatura
import scraper
start = time.perf_counter()
n = chars = 0
for page in scraper.iter_warc(sys.argv[1]):
    text = trafilatura.extract(page.body, url=page.url) or ''
    n += 1
    chars += len(text)
print(n, time.perf_counter() - start, chars)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--pages", type=int, default=2000, help="responses in the WARC")
    parser.add_argument("--keep", type=Path, default=None, help="build the WARC and outputs here")
    parser.add_argument("--skip", nargs="*", default=[], choices=["trafilatura", "jobs1", "jobs2", "dask"])
    args = parser.parse_args()
    if not (args.corpora / "readability").is_dir():
        print(f"corpora not found at {args.corpora}", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="scale-"))
    work.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    load_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    pages = corpus_pages(args.corpora)
    warc = work / "corpora.warc.gz"
    total = build_warc(warc, pages, args.pages)
    print(f"WARC: {total} responses ({len(pages)} distinct pages), {warc.stat().st_size / 2**20:.0f} MiB "
          f"gzip members -> {warc}")

    read = subprocess.run([python, "-c", READ_CODE, str(warc)], capture_output=True, text=True,
                          cwd=ROOT, check=True).stdout.split()
    n_read, fast_s, n_pages, ours_s = int(read[0]), float(read[1]), int(read[2]), float(read[3])
    print(f"reading alone: FastWARC iteration {n_read / fast_s:,.0f} records/s; "
          f"scraper.iter_warc (HTTP parsed, payload decoded) {n_pages / ours_s:,.0f} pages/s")

    runs = []
    if "trafilatura" not in args.skip:
        runs.append(timed([python, "-c", LOOP_CODE, str(warc)], "trafilatura.extract loop"))
    scrape = [python, "-m", "scraper.cli", "warc", str(warc)]
    for jobs, label, extra in (("1", "jobs1", []), ("2", "jobs2", []), ("2", "dask", ["--dask", "local"])):
        if label in args.skip:
            continue
        out = work / f"out-{label}"
        shutil.rmtree(out, ignore_errors=True)
        name = f"scrape warc --jobs {jobs}" + (" --dask local" if extra else "")
        runs.append(timed([*scrape, "-o", str(out), "--jobs", jobs, *extra], name))
    load_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

    print(f"\n{'run':<32} {'seconds':>8} {'pages/s':>8} {'CPU s':>7} {'cores':>5}  "
          f"peak RSS per process (MiB)")
    rates = {}
    for run in runs:
        rate = total / run["seconds"]
        rates[run["label"]] = rate
        peaks = ", ".join(f"{name} {mb:.0f}" for name, mb in run["peaks"][:8])
        print(f"{run['label']:<32} {run['seconds']:8.1f} {rate:8.1f} {run['cpu']:7.0f} "
              f"{run['cpu'] / run['seconds']:5.2f}  {peaks}")
        if run["label"].startswith("scrape"):
            print(f"{'':<32} {run['stderr'].strip().splitlines()[-1]}")
    one = rates.get("scrape warc --jobs 1")
    if one:
        for label, rate in rates.items():
            if label != "scrape warc --jobs 1":
                print(f"speed-up of {label} over --jobs 1: {rate / one:.2f}x")
    outs = [work / f"out-{k}" for k in ("jobs1", "jobs2", "dask") if (work / f"out-{k}").is_dir()]
    if len(outs) > 1:
        same = all(_snapshot(o) == _snapshot(outs[0]) for o in outs[1:])
        print(f"outputs identical: {same}")
    print(f"load before: {load_before}\nload after:  {load_after}")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


if __name__ == "__main__":
    sys.exit(main())
