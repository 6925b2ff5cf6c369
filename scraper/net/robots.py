"""robots.txt rules for one host (parsed by Protego, Scrapy's robots.txt parser)."""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego


@dataclass(frozen=True)
class RobotsPolicy:
    """What a host's robots.txt allows: parsed rules, allow-all, or unavailable.

    `unavailable` (robots.txt answered 5xx or could not be reached) blocks every URL
    of the host for this run, as RFC 9309 asks; the crawl retries those URLs later.
    """

    parser: Protego | None = None
    unavailable: str | None = None

    @classmethod
    def parse(cls, text: str) -> RobotsPolicy:
        """Rules from the text of a robots.txt file."""
        return cls(parser=Protego.parse(text))

    @classmethod
    def allow_all(cls) -> RobotsPolicy:
        """No robots.txt (4xx): everything is allowed."""
        return cls()

    @classmethod
    def blocked(cls, reason: str) -> RobotsPolicy:
        """robots.txt could not be read: nothing is allowed for now."""
        return cls(unavailable=reason)

    def allowed(self, url: str, user_agent: str) -> bool:
        """True when `user_agent` may fetch `url`."""
        if self.unavailable:
            return False
        return self.parser is None or self.parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float | None:
        """The Crawl-delay for `user_agent`, in seconds, if the file sets one."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None

    def sitemaps(self) -> tuple[str, ...]:
        """The Sitemap: lines of the file."""
        return tuple(self.parser.sitemaps) if self.parser is not None else ()


def robots_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against (`scraper/0.1 (...)` → `scraper`)."""
    return user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else "*"
