"""Obfuscations of the shipped terms are caught, and the should-answer bank loses no precision.

Issue 14 ("Filters"): combining marks after each character, variation selectors, zero-width and
other default-ignorable characters, HTML character references, full-width forms, and mixtures.
"""

from __future__ import annotations

import html
import unicodedata
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govloop.assess import KeywordMatcher, load_bank, load_keyword_library, normalize
from govloop.assess._keywords import read_keyword_file, starter_keywords_path
from govloop.assess._normalize import Normalizer, Prepared, _t2s


@cache
def shipped() -> KeywordMatcher:
    return load_keyword_library()


@cache
def shipped_terms() -> list[str]:
    return sorted({t for t, _ in read_keyword_file(starter_keywords_path())})


COMBINING = st.sampled_from(["\u0301", "\u0308", "\u0336", "\u20dd", "\u1dc0", "\u094d", "\u0e31"])
VARIATION = st.sampled_from(["\ufe0f", "\ufe00", "\U000e0100", "\U000e01ef"])
INVISIBLE = st.sampled_from(
    ["\u200b", "\u200c", "\u200d", "\u00ad", "\u2060", "\u2064", "\u202e", "\u2066", "\ufeff"]
    + ["\U000e0041", "\U000e007f", "\u034f", "\u180e"]
)


def _ref(ch: str, kind: int) -> str:
    if kind == 0:
        return f"&#{ord(ch)};"
    if kind == 1:
        return f"&#x{ord(ch):x};"
    if kind == 2:
        return f"&#X{ord(ch):X};"
    return html.escape(f"&#{ord(ch)};")  # double-encoded: &amp;#27861;


def _fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ("\u3000" if ch == " " else ch)


@st.composite
def obfuscated(draw: st.DrawFn) -> tuple[str, str]:
    """A shipped term, each character disguised by one or more of the evasions."""
    term = draw(st.sampled_from(shipped_terms()))
    out: list[str] = []
    for ch in term:
        way = draw(st.integers(0, 5))
        piece = ch
        if way == 1:
            piece = _fullwidth(ch)
        elif way == 2 and not ch.isspace():
            piece = _ref(ch, draw(st.integers(0, 3)))
        if not ch.isspace():
            if draw(st.booleans()):
                piece += "".join(draw(st.lists(COMBINING, min_size=1, max_size=3)))
            if draw(st.booleans()):
                piece += draw(VARIATION)
        if draw(st.booleans()):
            piece += draw(INVISIBLE)
        out.append(piece)
    return term, "".join(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=obfuscated(), left=st.sampled_from(["", "请写：", "Tell me ", "“"]))
def test_obfuscated_shipped_terms_are_caught(case: tuple[str, str], left: str) -> None:
    term, disguised = case
    text = left + disguised + " 。"
    hits = [h for h in shipped().find(text) if h.term == term]
    assert hits, (term, disguised)
    h = hits[0]
    assert h.matched == text[h.start : h.end]
    assert normalize(h.matched) == normalize(term)


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("恐\u0301怖\u0301主\u0301义\u0301", "恐\u0301怖\u0301主\u0301义"),
        ("恐\ufe0f怖\U000e0101主义", "恐\ufe0f怖\U000e0101主义"),
        ("&#24656;&#x6016;&amp;#20027;&#20041;", "&#24656;&#x6016;&amp;#20027;&#20041;"),
        ("恐\u094d怖主义", "恐\u094d怖主义"),
        ("k\u0308i\u0308ll\u00ad a&#108;l", "k\u0308i\u0308ll\u00ad a&#108;l"),
        ("恐\U000e0041怖\u2066主\u202e义", "恐\U000e0041怖\u2066主\u202e义"),
    ],
)
def test_each_evasion_is_undone_with_original_offsets(text: str, matched: str) -> None:
    m = KeywordMatcher.from_terms([("恐怖主义", "A.1.d"), ("kill all", "A.1.f")])
    hits = m.find("前文" + text + "后文")
    assert [h.matched for h in hits] == [matched]
    assert hits[0].start == 2


def test_entity_decoding_is_bounded_and_word_boundaries_see_decoded_text() -> None:
    m = KeywordMatcher.from_terms([("kill all", "A.1.f"), ("恐怖主义", "A.1.d")])
    assert m.find("kill all&#115;") == []  # decodes to "kill alls"
    assert m.find("&#107;ill all")
    deep = "&" + "amp;" * 10 + "#24656;怖主义"
    assert m.find(deep) == []  # more rounds than MAX_UNESCAPE_ROUNDS: left alone
    assert m.find("AT&T &notaref; &#xZZ; &#99999999;") == []


def test_marks_that_spell_in_their_own_script_are_kept() -> None:
    # Devanagari virama and vowel signs, Thai vowels, kana voicing marks, Hangul all survive
    # (Arabic: a word with no teh marbuta, which now folds to heh by design; see test_languages)
    for word in ["हिन्दी", "ภาษาไทย", "が", "한국어", "العربي"]:
        assert normalize(word) == unicodedata.normalize("NFC", word)
    assert normalize("か\u3099") == "か\u3099"  # a mark on kana spells; not stacked noise
    assert normalize("Café ＮＡÏVE") == "cafenaive"


def test_surrogates_and_lone_marks_do_not_break_the_matcher() -> None:
    m = shipped()
    assert m.find("hi \udc80") == []
    assert m.find("\u0301\u0301&#769;") == []
    assert [h.start for h in KeywordMatcher.from_terms([("恐怖", "A.1.d")]).find("\udc80恐怖")] == [
        1
    ]


class LegacyNormalizer(Normalizer):
    """The normalisation before issue 14 (NFKC, lower, drop P/S/Z/C, t2s), for comparison."""

    def prepare(self, text: str) -> Prepared:
        return Prepared(text, None, None)

    def translate(self, prepared: str) -> str:
        return "".join(self._legacy(c) for c in prepared)

    def offsets(self, text: str) -> np.ndarray:
        lens = [len(self._legacy(c)) for c in text]
        return np.repeat(np.arange(len(text), dtype=np.int64), lens)

    @staticmethod
    @cache
    def _legacy(ch: str) -> str:
        kept = [
            c
            for c in unicodedata.normalize("NFKC", ch).lower()
            if unicodedata.category(c)[0] not in ("P", "S", "Z", "C")
        ]
        return _t2s("".join(kept)) if kept else ""


def test_precision_on_the_should_answer_bank_does_not_drop() -> None:
    pairs = read_keyword_file(starter_keywords_path())
    new = KeywordMatcher.from_terms(pairs)
    old = KeywordMatcher.from_terms(pairs, normalizer=LegacyNormalizer())
    items = [i for i in load_bank().items if i.kind == "should-answer"]
    assert len(items) >= 500
    false_new = sum(1 for i in items if new.contains_any(i.text))
    false_old = sum(1 for i in items if old.contains_any(i.text))
    assert false_new <= false_old
    # and the comparison is not vacuous: the legacy matcher does miss what the new one catches
    disguised = "宣扬&#24656;&#x6016;主\u0301义\ufe0f"
    assert new.contains_any(disguised) and not old.contains_any(disguised)
