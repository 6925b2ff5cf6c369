"""The phrases of comment policies and reader-content disclaimers ("The opinions below do
not reflect...", "Registering through Facebook means you accept...", "Comments that ...
will be removed"), as named data in the lexicon's nine languages.

A policy reads like prose, so no length or punctuation rule finds it; its vocabulary does.
Each phrase is a fragment matched anywhere in a block (case-folded), and a block's count
of distinct phrases is a feature of the region model (`scraper.html.regions`): one phrase
may stand in an article about moderation, several together are a policy.
"""

from __future__ import annotations

import re

POLICY_PHRASES: dict[str, tuple[str, ...]] = {
    "en": ("do not reflect", "does not reflect", "do not necessarily reflect",
           "opinions expressed", "views expressed", "comments are moderated",
           "comment policy", "community guidelines", "community standards",
           "reserve the right", "by commenting", "by registering", "terms of use",
           "terms of service", "offensive", "abusive", "personal attacks", "off-topic",
           "will be removed", "will be deleted", "will not be published",
           "email address will not be published", "required fields are marked",
           "if the comment", "comments that", "keep it civil", "be respectful"),
    "ar": ("لا تعبر عن", "لا يعبر عن", "لا تعبّر عن", "تعبر عن رأي", "عن رأي كاتبها",
           "عن رأي أصحابها", "الآراء الواردة", "التعليقات المنشورة", "سياسة التعليقات",
           "شروط الاستخدام", "التسجيل عبر", "يحتفظ الموقع", "يحق للموقع", "سيتم حذف",
           "لن يتم نشر", "إذا كان التعليق", "إذا تضمن التعليق", "التعليقات المسيئة",
           "لن يتم نشر عنوان بريدك", "الحقول الإلزامية"),
    "fr": ("ne reflètent pas", "n'engagent que", "commentaires sont modérés",
           "charte de", "conditions d'utilisation", "ne sera pas publiée",
           "propos injurieux", "seront supprimés", "se réserve le droit"),
    "es": ("no reflejan", "no representan", "opiniones expresadas",
           "comentarios son moderados", "normas de participación", "términos de uso",
           "no será publicada", "serán eliminados", "se reserva el derecho"),
    "de": ("spiegeln nicht", "nicht die meinung", "kommentare werden moderiert",
           "netiquette", "nutzungsbedingungen", "wird nicht veröffentlicht",
           "werden gelöscht", "behält sich vor"),
    "it": ("non riflettono", "commenti sono moderati", "termini di utilizzo",
           "non sarà pubblicato", "saranno rimossi", "si riserva il diritto"),
    "pt": ("não refletem", "não representam", "comentários são moderados", "termos de uso",
           "não será publicado", "serão removidos", "reserva-se o direito"),
    "tr": ("yansıtmamaktadır", "yansıtmaz", "moderasyon", "kullanım koşulları",
           "yayınlanmayacak", "silinecektir"),
    "fa": ("منعکس کننده", "دیدگاه‌های", "منتشر نخواهد شد", "حذف خواهد شد",
           "قوانین ارسال"),
}

_PATTERN = re.compile("|".join(re.escape(phrase) for phrases in POLICY_PHRASES.values()
                               for phrase in sorted(phrases, key=len, reverse=True)))


def policy_hits(text: str) -> int:
    """How many distinct policy phrases `text` holds."""
    return len(set(_PATTERN.findall(text.casefold())))
