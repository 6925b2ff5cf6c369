"""Training the learned classifiers (needs the `[train]` extra): `python -m scraper.train`."""
