"""The headings that open a page's chrome sections: "Related stories", "Most read",
"Comments (42)", "اقرأ أيضا", "留言列表". Named data in the languages of the lexicon and of
the corpora, matched at the start of a short line or block.

A heading says what follows it, not what it is: "Comments" after the article opens the
thread, the same word near the top is a link to it. The line classifier therefore reads,
beside the heading itself, how much of the text's prose stands above the last heading of
each kind (`scraper.lines.features`); the body assembly never keeps one as a subheading
(`scraper.clean.assemble`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence

from .lines import UNSPACED

# A heading has at most this many words ("Das könnte Sie auch interessieren": 5).
HEADING_WORDS = 6

HEADINGS: dict[str, tuple[str, ...]] = {
    # other stories: related, recommended, most read, latest
    "related": (
        "related", "related stories", "related articles", "related posts", "related news",
        "related coverage", "related content", "related reading", "more stories",
        "more from", "more on", "more in", "more news", "you may also like",
        "you might also like", "you may like", "you might like", "recommended",
        "recommended for you", "read next", "read more", "read also", "also read",
        "see also", "don't miss", "trending", "trending now", "popular", "popular posts",
        "popular stories", "most read", "most popular", "most viewed", "most shared",
        "latest news", "latest stories", "latest articles", "latest posts", "recent posts",
        "top stories", "editor's picks",
        # de
        "das könnte sie auch interessieren", "mehr zum thema", "weitere artikel",
        "neueste artikel", "meistgelesen", "meistgelesene artikel", "auch interessant",
        "lesen sie auch", "verwandte artikel", "ähnliche artikel", "empfehlungen",
        # fr
        "à lire aussi", "lire aussi", "sur le même sujet", "les plus lus",
        "articles similaires", "dans la même rubrique", "derniers articles",
        # es, pt, it
        "lea también", "lee también", "te puede interesar", "noticias relacionadas",
        "más leídas", "lo más visto", "también te puede interesar", "artículos relacionados",
        "últimas noticias", "leia também", "veja também", "notícias relacionadas",
        "mais lidas", "leggi anche", "articoli correlati", "i più letti",
        "potrebbe interessarti",
        # pl, nl, ru, tr
        "zobacz też", "zobacz także", "zobacz również", "czytaj też", "czytaj także",
        "czytaj również", "najczęściej czytane", "polecane", "powiązane artykuły",
        "lees ook", "gerelateerde artikelen", "meest gelezen", "читайте также",
        "похожие статьи", "похожие новости", "самое читаемое", "ilgili haberler",
        "en çok okunanlar",
        # ar
        "اقرأ أيضا", "اقرأ أيضاً", "إقرأ أيضا", "إقرأ أيضاً", "اقرأ المزيد", "مقالات ذات صلة",
        "أخبار ذات صلة", "مواضيع ذات صلة", "الأكثر قراءة", "الأكثر مشاهدة", "شاهد أيضا",
        "شاهد أيضاً", "طالع أيضا", "طالع أيضاً", "آخر الأخبار", "قد يعجبك أيضا",
        "قد يعجبك أيضاً", "المزيد من",
        # zh, ja
        "相关文章", "相關文章", "热门文章", "熱門文章", "推荐阅读", "延伸阅读", "延伸閱讀",
        "関連記事", "人気記事",
    ),
    # the comment thread
    "discussion": (
        "comment", "comments", "leave a reply", "leave a comment", "add a comment",
        "post a comment", "join the discussion", "join the conversation", "responses",
        "reader comments", "kommentar", "kommentare", "leserkommentare", "diskussion",
        "commentaire", "commentaires", "laisser un commentaire", "réaction", "réactions",
        "comentario", "comentarios",
        "deja un comentario", "deja una respuesta", "comentário", "comentários",
        "deixe um comentário", "deixe uma resposta", "commenti", "lascia un commento",
        "komentarz", "komentarze", "dodaj komentarz", "reacties", "комментарии",
        "комментариев", "yorumlar", "التعليقات", "تعليقات", "أضف تعليق", "اترك تعليقا",
        "اترك تعليقاً", "留言", "评论", "評論", "发表评论", "コメント",
    ),
}



def _pattern(phrases: tuple[str, ...], *, joined: bool = False) -> re.Pattern[str]:
    """Any of the phrases at the start of a line, after symbols and a count ("3 Comments");
    a phrase of a spaced script must end a word there ("Related" but not "Relatedly").
    `joined`: at the start of any line of lines joined by "\\n" (never across one)."""
    ordered = sorted(phrases, key=len, reverse=True)
    spaced = "|".join(re.escape(p) for p in ordered if not UNSPACED.search(p))
    unspaced = "|".join(re.escape(p) for p in ordered if UNSPACED.search(p))
    lead = r"(?m)^(?:[^\w\n]|[\d_])*" if joined else r"^[\W\d_]*"
    return re.compile(rf"{lead}(?:(?:{spaced})(?!\w)|(?:{unspaced}))", re.I)


_PATTERNS = {kind: _pattern(phrases) for kind, phrases in HEADINGS.items()}
_JOINED_PATTERNS = {kind: _pattern(phrases, joined=True) for kind, phrases in HEADINGS.items()}
KINDS = tuple(HEADINGS)


def heading_kind(line: str, words: int) -> str | None:
    """The kind of chrome section `line` opens ("related", "discussion"), or None; `words`
    is its length in words (longer lines are never headings)."""
    if words > HEADING_WORDS or not line:
        return None
    for kind, pattern in _PATTERNS.items():
        if pattern.match(line):
            return kind
    return None


def heading_kinds(lines: Sequence[str], words: Sequence[int]) -> list[str | None]:
    """`heading_kind` of each line (none holding a "\\n"), each kind's pattern run once
    over the lines short enough to be headings, joined."""
    rows = [i for i, (line, n) in enumerate(zip(lines, words)) if n <= HEADING_WORDS and line]
    out: list[str | None] = [None] * len(lines)
    if not rows:
        return out
    text = "\n".join(lines[i] for i in rows)
    starts = list(itertools.accumulate((len(lines[i]) + 1 for i in rows[:-1]), initial=0))
    for kind, pattern in _JOINED_PATTERNS.items():
        for match in pattern.finditer(text):
            row = rows[bisect.bisect_right(starts, match.start()) - 1]
            if out[row] is None:  # the first kind that matches
                out[row] = kind
    return out
