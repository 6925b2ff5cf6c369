"""Crawls: discovering a site's article URLs, fetching and extracting pages, the SQLite
state and its lock, and the run that commits records in a fixed order."""
