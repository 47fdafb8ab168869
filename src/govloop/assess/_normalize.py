"""Chinese-aware text normalisation for keyword matching, with a map back to the original.

Evasions undone (the scope is stated in ``docs/gateway.md``, "What the filters normalise"):

0. a pre-pass over the whole text, only when the text can need it:

   * HTML character references (``&#27861;``, ``&#x6cd5;``, ``&amp;``...) are decoded,
     repeatedly (``&amp;#27861;``), at most :data:`MAX_UNESCAPE_ROUNDS` times;
   * a run of combining marks stacked on a Latin, digit or CJK base character is removed
     whatever the marks' script (``法\u094d`` is ``法``); marks on the letters of other scripts
     (Devanagari, Arabic, Thai, kana voicing marks...) are kept, since there they spell;
   * look-alike letters in a word that mixes Latin with Cyrillic or Greek letters are written
     in the word's majority script (``kіll`` with a Cyrillic ``і`` is ``kill``; ``пpивет`` with
     a Latin ``p`` is ``привет``); words in one script, and every zh or en text, are untouched;

1. then every character is normalised on its own, so a term and a text always normalise the
   same way and each normalised character knows which character it came from:

   a. default-ignorable code points (zero-width and bidi controls, soft hyphen, variation
      selectors, tag characters, Hangul fillers...) vanish;
   b. NFKC (full-width forms become half-width, compatibility forms fold) and case folding
      (``lower`` for ASCII; full Unicode ``casefold`` beyond it, so ``ß`` is ``ss``);
   c. generic diacritics (the Combining Diacritical Marks blocks, enclosing marks) are taken
      off, also from precomposed letters (``ï`` is ``i``, ``ñ`` is ``n``, ``ç`` is ``c``: es, fr
      and pt words match with or without their accents);
   c'. script rules (see :data:`_SCRIPT_FOLD`): Arabic tashkeel (harakat, shadda, sukun,
      superscript alef, Quranic marks) and tatweel vanish; hamza-carrying alef, alef wasla and
      madda become bare alef (``أ إ آ ٱ`` are ``ا``), ``ؤ`` is ``و``, ``ئ ى ی`` are ``ي``, teh
      marbuta ``ة`` is ``ه``, keheh ``ک`` is ``ك``; the Devanagari nukta goes (``क़`` is ``क``)
      while vowel signs and virama, which spell, stay; ZWJ and ZWNJ are step a's;
   d. inserted spaces, punctuation, symbols and control characters are dropped;
   e. traditional Chinese becomes simplified (OpenCC ``t2s``, character by character).

The per-character table is filled lazily and used through ``str.translate`` (C speed); the
pre-pass costs a substring test and a vectorised table look-up on text that holds neither
``&`` nor a mark.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np

_DROP_CATEGORIES = ("P", "S", "Z", "C")
MAX_FIXPOINT_ROUNDS = 4
"""Extra passes :meth:`Normalizer.normalize` makes at most to reach its fixed point."""
_lock = threading.Lock()
_converter: Any = None

MAX_UNESCAPE_ROUNDS = 4
"""HTML references are decoded at most this many times over (``&amp;amp;#27861;`` is 3)."""

_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors, vowel separator
    (0x200B, 0x200F),  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero-width no-break space (BOM)
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical format controls
    (0xE0000, 0xE0FFF),  # tag characters, variation selectors supplement, reserved
)
"""Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt)."""

_GENERIC_MARK_RANGES = (
    (0x0300, 0x036F),  # Combining Diacritical Marks
    (0x1AB0, 0x1AFF),  # ... Extended
    (0x1DC0, 0x1DFF),  # ... Supplement
    (0x20D0, 0x20FF),  # ... for Symbols
    (0xFE20, 0xFE2F),  # Combining Half Marks
)
"""Diacritics that belong to no one script: stripped wherever they stand."""

_ENTITY = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,7};?|[A-Za-z][A-Za-z0-9]{1,31};?)")

# Bases on which any mark is noise: ASCII, CJK punctuation, ideographs (BMP and supplementary
# planes), compatibility ideographs, half- and full-width forms.
_BASES = "\x00-\x7f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_BASES += "\U00020000-\U0003134f"


def _in(ranges: tuple[tuple[int, int], ...], cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def _marks() -> tuple[frozenset[str], str]:
    """Every combining mark (categories Mn, Mc, Me) of planes 0, 1 and 14: a set, a regex class."""
    cps = [
        cp
        for cp in (*range(0x0300, 0x20000), *range(0xE0100, 0xE01F0))
        if unicodedata.category(chr(cp))[0] == "M"
    ]
    parts: list[str] = []
    start = prev = -2
    for cp in [*cps, -10]:
        if cp != prev + 1:
            if start >= 0:
                last = "-" + re.escape(chr(prev)) if prev > start else ""
                parts.append(re.escape(chr(start)) + last)
            start = cp
        prev = cp
    return frozenset(map(chr, cps)), "".join(parts)


_MARK_SET, _MARKS_CLASS = _marks()
_IS_MARK = np.zeros(0x110000, dtype=np.bool_)
_IS_MARK[[ord(c) for c in _MARK_SET]] = True
_STACKED = re.compile(f"(?<=[{_BASES}])[{_MARKS_CLASS}]+")


_ARABIC_MARKS = (
    (0x0610, 0x061A),  # honorific and Quranic signs above letters
    (0x064B, 0x065F),  # harakat: tanwin, fatha, damma, kasra, shadda, sukun, maddah, hamza marks
    (0x0670, 0x0670),  # superscript (dagger) alef
    (0x06D6, 0x06ED),  # Quranic annotation marks
    (0x08D3, 0x08FF),  # extended Arabic marks
)
"""Arabic marks that vocalise or annotate: optional in ordinary writing, so folded away."""

_ARABIC_FOLD: dict[str, str] = {
    "\u0640": "",  # tatweel (kashida): elongation only
    "\u0671": "\u0627",  # alef wasla
    "\u0649": "\u064a",  # alef maksura is written for yeh
    "\u06cc": "\u064a",  # Farsi yeh
    "\u06d2": "\u064a",  # yeh barree
    "\u0629": "\u0647",  # teh marbuta is written for heh
    "\u06a9": "\u0643",  # keheh
}
"""Arabic letter rules after NFD (alef, waw and yeh with hamza lose it as a mark)."""
_NUKTA = "\u093c"  # Devanagari nukta (क़ ड़ फ़ ... match their plain letters)
_SCRIPT_FOLD: dict[str, str] = {**_ARABIC_FOLD, _NUKTA: ""}
"""Per-character script rules after NFD: the Arabic ones and the nukta."""

_LOOKALIKE_TO_LATIN = dict(
    zip(
        "аеорсухіјѕԁԛԝһӏАВЕКМНОРСТУХІЈЅαονριτυκΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
        "aeopcyxijsdqwhlABEKMHOPCTYXIJSaovpituk" + "ABEZHIKMNOPTYX",
        strict=True,
    )
)
"""Cyrillic and Greek letters drawn like a Latin letter (after Unicode's confusables list)."""

_LATIN_TO_CYRILLIC = dict(zip("aeopcyxikABEKMHOPCTYX", "аеорсухікАВЕКМНОРСТУХ", strict=True))
"""Latin letters drawn like a Cyrillic letter, for words that are mostly Cyrillic."""
_LOOKALIKE_TO_LATIN["к"] = "k"  # lower-case kappa-like ka, as its capital К above

_MIXABLE = re.compile("[\u0370-\u052f]")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _script(c: str) -> int:
    """0 Latin, 1 Cyrillic, 2 Greek, 3 anything else."""
    cp = ord(c)
    if cp < 0x250 or 0xFF21 <= cp <= 0xFF5A:
        return 0
    if 0x400 <= cp <= 0x52F:
        return 1
    if 0x370 <= cp <= 0x3FF:
        return 2
    return 3


def _unmix_word(word: str, cyrillic_wins_tie: bool = False) -> str:
    """A mixed Latin/Cyrillic/Greek word in its majority script (Latin wins a tie by default)."""
    counts = [0, 0, 0, 0]
    for c in word:
        counts[_script(c)] += 1
    if sum(1 for n in counts[:3] if n) < 2:
        return word
    cyr, lat = counts[1], counts[0]
    if (cyr > lat or (cyrillic_wins_tie and cyr == lat)) and cyr >= counts[2]:
        return "".join(_LATIN_TO_CYRILLIC.get(c, c) if _script(c) == 0 else c for c in word)
    if lat >= cyr and lat >= counts[2]:
        return "".join(_LOOKALIKE_TO_LATIN.get(c, c) for c in word)
    return word


def _unmix(m: re.Match[str]) -> str:
    return _unmix_word(m.group(0))


def _unmix_cyrillic_tie(m: re.Match[str]) -> str:
    return _unmix_word(m.group(0), cyrillic_wins_tie=True)


def unmix_scripts(text: str, *, cyrillic_wins_tie: bool = False) -> str:
    """Words mixing Latin with Cyrillic or Greek look-alikes, each in its majority script.

    The pre-pass's rule; the refusal judge's folding uses it too, with Cyrillic winning a tie
    as it always has there.
    """
    if not _MIXABLE.search(text):
        return text
    return _WORD.sub(_unmix_cyrillic_tie if cyrillic_wins_tie else _unmix, text)


def fold_arabic(text: str) -> str:
    """Step c' for Arabic on a whole text, and nothing else.

    Tashkeel and tatweel dropped; alef, yeh, teh marbuta and keheh variants merged. The refusal
    judge's Arabic folding is this function, so the judge and the keyword filter read Arabic
    alike.
    """
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(_ARABIC_FOLD.get(c, c) for c in decomposed if not _in(_ARABIC_MARKS, ord(c)))
    return unicodedata.normalize("NFC", kept)


def fold_nukta(text: str) -> str:
    """Step c' for Devanagari on a whole text: the nukta dropped (``क़`` is ``क``)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).replace(_NUKTA, ""))


def _t2s(ch: str) -> str:
    global _converter
    if ch.isascii():
        return ch
    if _converter is None:
        with _lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    out: str = _converter.convert(ch)
    return out


def _keep(c: str) -> bool:
    cp = ord(c)
    if _in(_IGNORABLE_RANGES, cp) or _in(_GENERIC_MARK_RANGES, cp) or _in(_ARABIC_MARKS, cp):
        return False
    cat = unicodedata.category(c)
    return cat != "Me" and cat[0] not in _DROP_CATEGORIES


def normalize_char(ch: str) -> str:
    """The normal form of one character (possibly empty, possibly several characters)."""
    if _in(_IGNORABLE_RANGES, ord(ch)):
        return ""
    folded = unicodedata.normalize("NFKC", ch).lower()
    if folded.isascii():
        out = "".join(c for c in folded if c.isalnum())
        return out
    folded = folded.casefold()
    decomposed = unicodedata.normalize("NFD", folded)
    kept = "".join(_SCRIPT_FOLD.get(c, c) for c in decomposed if _keep(c))
    return _t2s(unicodedata.normalize("NFC", kept)) if kept else ""


class _Table(dict[int, str]):
    """``str.translate`` table that normalises characters on first sight."""

    def __missing__(self, key: int) -> str:
        value = normalize_char(chr(key))
        self[key] = value
        return value


class Prepared:
    """A text after the pre-pass, with each of its characters' span in the original text.

    A plain slotted class, not a frozen dataclass: one is made per filtered text.
    """

    __slots__ = ("ends", "starts", "text")

    def __init__(self, text: str, starts: np.ndarray | None, ends: np.ndarray | None) -> None:
        self.text = text
        """The text with HTML references decoded and stacked marks removed."""
        self.starts = starts
        """Original start offset of each character of ``text`` (None: ``text`` is the original)."""
        self.ends = ends
        """Original end offset (exclusive) of each character (None: as ``starts``)."""

    def span(self, first: int, last: int) -> tuple[int, int]:
        """The original span of ``text[first : last + 1]``."""
        if self.starts is None or self.ends is None:
            return first, last + 1
        return int(self.starts[first]), int(self.ends[last])


def _rewrite(
    prep: Prepared, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]
) -> Prepared:
    """``pattern.sub(repl, prep.text)`` keeping every output character's original span."""
    text = prep.text
    pieces: list[str] = []
    idx_s: list[np.ndarray] = []
    idx_e: list[np.ndarray] = []
    pos = 0
    changed = False
    for m in pattern.finditer(text):
        new = repl(m)
        if new == m.group(0):
            continue
        changed = True
        a, b = m.span()
        pieces.append(text[pos:a])
        idx_s.append(np.arange(pos, a, dtype=np.int64))
        idx_e.append(np.arange(pos + 1, a + 1, dtype=np.int64))
        pieces.append(new)
        idx_s.append(np.full(len(new), a, dtype=np.int64))
        idx_e.append(np.full(len(new), b, dtype=np.int64))
        pos = b
    if not changed:
        return prep
    pieces.append(text[pos:])
    idx_s.append(np.arange(pos, len(text), dtype=np.int64))
    idx_e.append(np.arange(pos + 1, len(text) + 1, dtype=np.int64))
    s = np.concatenate(idx_s)
    e = np.concatenate(idx_e)
    if prep.starts is not None and prep.ends is not None:
        # compose with the earlier pass: a span [s, e) of prep.text covers its characters s..e-1
        s, e = prep.starts[s], prep.ends[e - 1]
    return Prepared("".join(pieces), s, e)


def _unescape(m: re.Match[str]) -> str:
    return html.unescape(m.group(0))


def _has_mark(text: str) -> bool:
    """Whether ``text`` holds a combining mark (a table look-up per code point, vectorised)."""
    if text.isascii():
        return False
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return bool(_IS_MARK.take(cps).any())  # take: about twice as fast as fancy indexing


def prepare(text: str) -> Prepared:
    """The pre-pass (HTML references, stacked marks); cheap when the text needs neither."""
    prep = Prepared(text, None, None)
    if "&" in text:
        for _ in range(MAX_UNESCAPE_ROUNDS):
            nxt = _rewrite(prep, _ENTITY, _unescape)
            if nxt is prep:
                break
            prep = nxt
    if _has_mark(prep.text):
        prep = _rewrite(prep, _STACKED, lambda _m: "")
    if _MIXABLE.search(prep.text):
        prep = _rewrite(prep, _WORD, _unmix)
    return prep


class Normalizer:
    """Normalises text and maps normalised offsets back to the original text."""

    def __init__(self) -> None:
        self._table = _Table()

    def prepare(self, text: str) -> Prepared:
        """The whole-text pre-pass (see module docstring, step 0)."""
        return prepare(text)

    def normalize(self, text: str) -> str:
        """The normalised form of ``text``: a fixed point (normalising it again changes nothing).

        One pass is the form almost always; a second is needed when folding a character makes
        the pre-pass apply (a mark left on ``é`` is stacked on ``e`` once ``é`` is folded), so
        the passes repeat until nothing changes (at most :data:`MAX_FIXPOINT_ROUNDS`).
        """
        out = self.prepare(text).text.translate(self._table)
        for _ in range(MAX_FIXPOINT_ROUNDS):
            again = self.prepare(out).text.translate(self._table)
            if again == out:
                break
            out = again
        return out

    def translate(self, prepared: str) -> str:
        """Per-character normalisation of an already prepared text (steps a to e)."""
        return prepared.translate(self._table)

    def offsets(self, text: str) -> np.ndarray:
        """For each normalised character of a *prepared* text, the index it came from."""
        table = self._table
        lens = np.fromiter((len(table[o]) for o in map(ord, text)), dtype=np.int64, count=len(text))
        return np.repeat(np.arange(len(text), dtype=np.int64), lens)


_default = Normalizer()


def normalize(text: str) -> str:
    """Normalise ``text`` with the shared table (see module docstring)."""
    return _default.normalize(text)
