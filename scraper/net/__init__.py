"""The network: the polite, cached, bounded HTTP fetcher, Content-Encoding decoding,
robots.txt policies and URL canonicalisation."""
