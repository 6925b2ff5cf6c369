"""Scraped text to a clean article record: the stages of the text cleaner in order.

1. the site rules that claim the text (line markers, the URL's domain);
2. `classify.split_lines`: every line cleaned and given a class;
3. `assemble`: the body (`body.find_body`), the headline (`title.find_title`), the fields.
"""

from __future__ import annotations

import unicodedata

from ..record import Record
from ..rules.model import Rules
from .assemble import assemble
from .classify import split_lines
from .repeats import RepeatIndex


def clean_text(text: str, *, rules: Rules, source: str | None = None, url: str | None = None,
               repeats: RepeatIndex | None = None) -> Record:
    """Turn a scraped text dump into a clean Record.

    `repeats` holds line counts over other pages of the same site. Raises NoArticleError
    when no article is found.
    """
    text = unicodedata.normalize("NFC", text)
    site_rules = rules.for_text(text.splitlines())
    if url:
        by_url = rules.for_url(url)
        if by_url is not None and by_url not in site_rules:
            site_rules = (by_url, *site_rules)
    lines = split_lines(text, rules, site_rules, repeats)
    name = site_rules[0].name if site_rules else "generic"
    return assemble(lines, source=source, url=url, rule=name)
