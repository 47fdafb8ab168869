"""Per-language text folding for the refusal judge: one spelling for what readers treat as one.

Why: a model (or an evader) writes the same refusal with and without accents ("não posso" /
"nao posso"), with Arabic short vowels or tatweel ("لا أستطيـــع"), with a Devanagari nukta or
a zero-width joiner, or with a Latin "o" inside a Cyrillic word. Patterns are written once, in
ordinary spelling, and both they and the answers are folded by the same function, so the
pattern author never has to spell the variants.
"""

from __future__ import annotations

import re
import unicodedata

#: Invisible characters dropped in every language (zero-width space/joiners, BOM, soft hyphen).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
#: Languages whose accents are dropped (Spanish, French, Portuguese; harmless for id/sw).
ACCENT_FOLDED = frozenset({"es", "fr", "pt", "id", "sw"})

_AR_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_AR_LETTERS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ک": "ك",
     "ی": "ي", "،": ",", "؟": "?", "؛": ";"}
)  # fmt: skip
_NUKTA = "\u093c"
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})

#: Latin and Cyrillic letters that look the same (lower case), both directions.
_LAT_TO_CYR = str.maketrans("aceopxyk", "асеорхук")
_CYR_TO_LAT = str.maketrans("асеорхукі", "aceopxyki")
_LATIN = re.compile(r"[a-z]")
_CYRILLIC = re.compile(r"[а-яёі]")
_WORD = re.compile(r"\w+")


def _unmix(word: str) -> str:
    """A word mixing Latin and Cyrillic look-alikes, rewritten in its majority script."""
    lat = len(_LATIN.findall(word))
    cyr = len(_CYRILLIC.findall(word))
    if not lat or not cyr:
        return word
    return word.translate(_LAT_TO_CYR if cyr >= lat else _CYR_TO_LAT)


def fold(text: str, language: str) -> str:
    """``text`` as the refusal patterns of ``language`` read it.

    NFKC (full-width and compatibility forms), case folding, curly apostrophes straightened,
    invisible characters dropped, mixed-script words put in one script; then per language:
    accents dropped (es/fr/pt/id/sw), ``ё`` as ``е`` (ru), Arabic short vowels and tatweel
    dropped and alef/yeh/teh-marbuta variants merged (ar), nukta dropped (hi).
    """
    t = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    t = t.translate(_APOSTROPHES)
    if _LATIN.search(t) and _CYRILLIC.search(t):
        t = _WORD.sub(lambda m: _unmix(m.group(0)), t)
    if language in ACCENT_FOLDED:
        t = "".join(c for c in unicodedata.normalize("NFD", t) if not unicodedata.combining(c))
        t = unicodedata.normalize("NFC", t)
    elif language == "ru":
        t = t.replace("ё", "е")
    elif language == "ar":
        t = _AR_MARKS.sub("", t).translate(_AR_LETTERS)
    elif language == "hi":
        t = unicodedata.normalize("NFC", unicodedata.normalize("NFD", t).replace(_NUKTA, ""))
    return t
