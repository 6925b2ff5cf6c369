"""Benchmark: how extraction cost grows with the page, ours beside trafilatura's.

Generated pages of several shapes (more paragraphs, list items closed and unclosed, more
nesting, table rows, select options, unclosed divs) and real corpus pages whose body is
repeated, each at 1x, 2x, 4x and 8x its size; every extraction is timed (best of
--repeats, in CPU time of the extracting process, so other jobs on the machine do not
count), and the growth exponent is the least-squares slope of log(time) against
log(size): 1 is linear, 2 quadratic. Aim: at most 1.2 for every shape.

Each extractor runs in its own process, pinned to one core, pages handed to the two in turn.

    python bench/growth.py [--repeats 3] [--max-seconds 60] [--corpora ../shared/corpora]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALES = (1, 2, 4, 8)
PROSE = ("The council said on Tuesday that the new routes would open next spring, and "
         "residents worried about the noise of the works near the old bridge.")


def _page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>Growth</title></head><body>{body}</body></html>"


SHAPES: dict[str, Callable[[int], str]] = {
    "paragraphs": lambda k: _page("".join(f"<p>{PROSE} {i}</p>" for i in range(1000 * k))),
    "list items": lambda k: _page("<ul>" + "".join(f"<li>{PROSE[:40]} {i}</li>"
                                                   for i in range(2500 * k)) + "</ul>"),
    "unclosed li": lambda k: _page("<ul>" + "<li>x" * (2500 * k) + "</ul>"),
    "nesting": lambda k: _page("<div><span>" * (700 * k) + f"<p>{PROSE}</p>" * 3
                               + "</span></div>" * (700 * k)),
    "table rows": lambda k: _page("<table>" + "".join(
        f"<tr><td>{i}</td><td>{PROSE[:30]}</td></tr>" for i in range(1000 * k)) + "</table>"),
    "select options": lambda k: _page(f"<p>{PROSE}</p><select>"
                                      + "<option>x" * (7000 * k) + "</select>"),
    "unclosed divs": lambda k: _page(f"<p>{PROSE}</p>" + "<div>x" * (7000 * k)),
}
REAL_PAGES = ("readability/nytimes-1", "readability/wikipedia", "trafilatura/rnz.de.witzel")


def real_shape(path: Path) -> Callable[[int], str]:
    """A real page whose body's content is repeated k times."""
    html = path.read_text(encoding="utf-8", errors="replace")
    lower = html.lower()
    start = lower.find("<body")
    start = lower.find(">", start) + 1 if start >= 0 else 0
    end = lower.rfind("</body>")
    end = end if end > start else len(html)
    return lambda k: html[:start] + html[start:end] * k + html[end:]


def _extractor(name: str) -> Callable[[str], object]:
    if name == "trafilatura":
        import trafilatura
        return lambda html: trafilatura.extract(html)
    import scraper

    def run(html: str) -> object:
        try:
            return scraper.extract_html(html)
        except scraper.ScraperError:
            return None
    return run


def _worker(name: str, conn) -> None:
    warnings.filterwarnings("ignore", message=".*undecodable byte")  # DecodeWarning: a few corpus pages
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    extract = _extractor(name)
    extract(_page(f"<p>{PROSE}</p>"))  # imports and first-use costs out of the timings
    while (message := conn.recv()) is not None:
        html, repeats = message
        best = math.inf
        for _ in range(repeats):
            start = time.process_time()
            extract(html)
            best = min(best, time.process_time() - start)
        conn.send(best)


def exponent(times: list[float]) -> float:
    """Least-squares slope of log(time) on log(scale) over the scales measured."""
    xs = [math.log(s) for s in SCALES[:len(times)]]
    ys = [math.log(max(t, 1e-6)) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=60.0,
                        help="stop growing a shape for an extractor once a call takes this long")
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    args = parser.parse_args()
    shapes = dict(SHAPES)
    for rel in REAL_PAGES:
        path = args.corpora / rel / "page.html"
        if path.is_file():
            shapes[f"real: {rel.split('/')[-1]}"] = real_shape(path)
    ctx = mp.get_context("spawn")
    names = ("ours", "trafilatura")
    workers = {}
    for name in names:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(name, child), daemon=True)
        proc.start()
        workers[name] = (parent, proc)
    print(f"{'shape':<22} {'extractor':<12} " + " ".join(f"{f'{s}x':>8}" for s in SCALES)
          + "  exponent")
    worst = {name: 0.0 for name in names}
    for shape, make in shapes.items():
        times: dict[str, list[float]] = {name: [] for name in names}
        for scale in SCALES:
            html = make(scale)
            for name, (conn, _) in workers.items():
                if times[name] and times[name][-1] > args.max_seconds:
                    continue
                conn.send((html, args.repeats))
                times[name].append(conn.recv())
        for name in names:
            cells = " ".join(f"{t:8.3f}" for t in times[name])
            cells += " " * (9 * (len(SCALES) - len(times[name])))
            slope = exponent(times[name])
            worst[name] = max(worst[name], slope)
            print(f"{shape:<22} {name:<12} {cells}  {slope:8.2f}")
    for conn, proc in workers.values():
        conn.send(None)
        proc.join(5)
    print("CPU seconds per call (best of %d); worst exponent: %s" % (
        args.repeats, ", ".join(f"{n} {w:.2f}" for n, w in worst.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
