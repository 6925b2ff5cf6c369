"""Which hosts a crawl may fetch from (a site's scope) and which hosts the user named
(those the address guard lets through at a private address).

A site's scope is its rule's `match.domains` and `crawl.extra_domains` (subdomains
included) and the hosts of its start, feed and sitemap URLs; `crawl.any_host` widens it
to every host. robots.txt is fetched wherever a fetched URL is.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..net.hosts import HostSet
from ..rules.site import SiteRule


def named_hosts(site: SiteRule) -> HostSet:
    """The hosts and domains a rule names: its domains, extra domains and crawl URLs' hosts."""
    crawl = site.crawl
    return HostSet.of(urls=(*crawl.start_urls, *crawl.feeds, *crawl.sitemaps),
                      domains=(*site.domains, *crawl.extra_domains))


def site_scope(site: SiteRule) -> HostSet:
    """The hosts a crawl of the site may fetch from (robots.txt aside)."""
    scope = named_hosts(site)
    return HostSet(scope.hosts, scope.domains, any_host=site.crawl.any_host)


def all_named(sites: Iterable[SiteRule], urls: Iterable[str] = ()) -> HostSet:
    """The hosts named by the rules and the `urls` given (e.g. on a command line)."""
    named = HostSet.of(urls=urls)
    for site in sites:
        named = named | named_hosts(site)
    return named
