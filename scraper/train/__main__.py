"""`python -m scraper.train lines`: fit the text cleaner's line classifier."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    """Dispatch to the named trainer."""
    if not argv or argv[0] not in ("lines",):
        print("usage: python -m scraper.train lines [options]", file=sys.stderr)
        return 2
    from .lines import main as lines_main
    return lines_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
