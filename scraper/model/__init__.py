"""Learned boilerplate classifiers: the model file format and numpy inference.

A model file is JSON (see `classifier.py`); the bundled ones sit beside this module
(`blocks.json`: the HTML block classifier of `scraper.html.blocks`). Training lives in
`scraper.train` (optional `[train]` extra); inference needs numpy only.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .classifier import Classifier, site_fold

BUNDLED = Path(__file__).resolve().parent

__all__ = ["BUNDLED", "Classifier", "bundled", "site_fold"]


@cache
def bundled(name: str) -> Classifier:
    """The bundled model `<name>.json`, read on first use and shared (it is immutable);
    ModelError naming the file when it is missing or invalid."""
    return Classifier.load(BUNDLED / f"{name}.json")
