"""Training the learned classifiers from ../shared/corpora: `python -m scraper.train`.

Needs the `[train]` extra (CatBoost); nothing here is imported at extraction time.
"""
