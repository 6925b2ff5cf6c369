"""Learned boilerplate classifiers: the model file format and numpy inference.

A model file is JSON (see `classifier.py`); the bundled ones sit beside this module.
Training lives in `scraper.train` (optional `[train]` extra); inference needs numpy only.
"""

from .classifier import Classifier, site_fold

__all__ = ["Classifier", "site_fold"]
