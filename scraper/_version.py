"""The package version, written here once: hatch reads it for the wheel's metadata
(`[tool.hatch.version]`), `scraper.__version__`, the default User-Agent and the WARC
warcinfo record read it from here."""

__version__ = "0.1.0"
