"""Per-language text folding for the refusal judge: one spelling for what readers treat as one.

Why: a model (or an evader) writes the same refusal with and without accents ("não posso" /
"nao posso"), with Arabic short vowels or tatweel ("لا أستطيـــع"), with a Devanagari nukta or
a zero-width joiner, or with a Latin "o" inside a Cyrillic word. Patterns are written once, in
ordinary spelling, and both they and the answers are folded by the same function, so the
pattern author never has to spell the variants. The script rules (Arabic marks and letter
variants, the nukta, mixed-script look-alikes) are the keyword filter's
(:mod:`govloop.assess._normalize`), called from here, so there is one implementation.
"""

from __future__ import annotations

import unicodedata

from govloop.assess._normalize import fold_arabic, fold_nukta, unmix_scripts

#: Invisible characters dropped in every language (zero-width space/joiners, BOM, soft hyphen).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
#: Languages whose accents are dropped (Spanish, French, Portuguese; harmless for id/sw).
ACCENT_FOLDED = frozenset({"es", "fr", "pt", "id", "sw"})

#: Arabic punctuation as the patterns write it (the letters fold in
#: :func:`govloop.assess._normalize.fold_arabic`, shared with the keyword filter).
_AR_PUNCTUATION = str.maketrans({"،": ",", "؟": "?", "؛": ";"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})


def fold(text: str, language: str) -> str:
    """``text`` as the refusal patterns of ``language`` read it.

    NFKC (full-width and compatibility forms), case folding, curly apostrophes straightened,
    invisible characters dropped, mixed-script words put in one script; then per language:
    accents dropped (es/fr/pt/id/sw), ``ё`` as ``е`` (ru), Arabic short vowels and tatweel
    dropped and alef/yeh/teh-marbuta variants merged (ar), nukta dropped (hi).
    """
    t = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    t = unmix_scripts(t.translate(_APOSTROPHES), cyrillic_wins_tie=True)
    if language in ACCENT_FOLDED:
        t = "".join(c for c in unicodedata.normalize("NFD", t) if not unicodedata.combining(c))
        t = unicodedata.normalize("NFC", t)
    elif language == "ru":
        t = t.replace("ё", "е")
    elif language == "ar":
        t = fold_arabic(t).translate(_AR_PUNCTUATION)
    elif language == "hi":
        t = fold_nukta(t)
    return t
