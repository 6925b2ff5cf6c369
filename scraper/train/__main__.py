"""`python -m scraper.train SUBCOMMAND`: train a bundled model from ../shared/corpora.

    python -m scraper.train blocks [--threads 2] [--out build/models]   # HTML block classifier
    python -m scraper.train regions                                    # HTML region model
    python -m scraper.train lines ...                                  # text line classifier

Each subcommand lives in the module of the same name (`scraper.train.blocks`, ...) and
takes its own options (`--help`). Training needs the `[train]` extra (CatBoost).
"""

from __future__ import annotations

import importlib
import sys

SUBCOMMANDS = {"blocks": "HTML block classifier", "regions": "HTML region model (after blocks)",
               "lines": "text line classifier"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in SUBCOMMANDS:
        names = "\n".join(f"  {name:<8} {about}" for name, about in SUBCOMMANDS.items())
        print(f"usage: python -m scraper.train SUBCOMMAND [options]\n\nsubcommands:\n{names}",
              file=sys.stderr)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    try:
        module = importlib.import_module(f"scraper.train.{argv[0]}")
    except ModuleNotFoundError as err:
        if err.name != f"scraper.train.{argv[0]}":
            raise  # a missing dependency (catboost?), not a missing subcommand
        print(f"scraper.train.{argv[0]} is not in this checkout", file=sys.stderr)
        return 2
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
