"""Per-language keyword normalisation: es/fr/pt accents, Arabic, Devanagari, Cyrillic/Greek
look-alikes and case folding, with zh and en unchanged; fuzzed for safety and idempotence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govloop.assess import KeywordMatcher, normalize
from govloop.languages import CODES


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("Corazón ESPAÑOL", "corazon espanol"),  # es
        ("Ça, c'est DÉJÀ fait", "ca cest deja fait"),  # fr
        ("Ação e informação", "acao e informacao"),  # pt
        ("STRASSE", "Straße"),  # full case folding beyond ASCII
        ("ПРИВЕТ", "привет"),  # ru case
        ("مُدَرِّسَةٌ", "مدرسه"),  # tashkeel off, teh marbuta to heh
        ("مـــدرســة", "مدرسة"),  # tatweel
        ("أحمد", "احمد"),  # alef with hamza above
        ("إسلام", "اسلام"),  # alef with hamza below
        ("آمن", "امن"),  # alef with madda
        ("ٱلكتاب", "الكتاب"),  # alef wasla
        ("مستشفى", "مستشفي"),  # alef maksura
        ("مسئول", "مسيول"),  # yeh with hamza
        ("क़ानून", "कानून"),  # Devanagari nukta (precomposed)
        ("क\u093cानून", "कानून"),  # nukta as a mark
        ("क्\u200dष", "क्ष"),  # ZWJ
        ("क्\u200cष", "क्ष"),  # ZWNJ
        ("kіll аll", "kill all"),  # Cyrillic і and а in Latin words
        ("bοmb", "bomb"),  # Greek omicron
        ("пpивет", "привет"),  # Latin p in a Russian word
        ("кill", "kill"),  # Cyrillic ka in a Latin word (the refusal judge's folding had it)
        ("kак", "как"),  # Latin k in a Russian word
        ("Bahasa INDONESIA", "bahasa indonesia"),  # id
        ("Kiswahili SANIFU", "kiswahili sanifu"),  # sw
    ],
)
def test_variants_normalise_to_the_plain_spelling(variant: str, plain: str) -> None:
    assert normalize(variant) == normalize(plain)


def test_vowel_signs_and_virama_still_spell_and_scripts_are_not_merged() -> None:
    assert normalize("कि") != normalize("क")  # vowel sign kept
    assert normalize("क्") != normalize("क")  # virama kept
    assert normalize("сор") != normalize("cop")  # one-script words keep their script
    assert normalize("مدرسة") != normalize("مدرس")


def test_zh_and_en_text_is_unchanged_by_the_new_rules() -> None:
    # nothing in the new rules applies to Han or ASCII: the old per-character form holds
    for text in ["國家安全 法律", "Kill ALL the Café", "恐怖主义 terror 123", "I can't help"]:
        legacy = "".join(
            c for c in text.lower().replace("é", "e").replace("國", "国") if c.isalnum()
        )
        assert normalize(text) == legacy


def test_a_keyword_matches_its_variants_with_original_offsets() -> None:
    m = KeywordMatcher.from_terms([("مدرسة", "A.1.a"), ("कानून", "A.1.b"), ("bomba", "A.1.c")])
    text = "قال: مُدَرِّسَــةٌ، क़ानून और bοmba"
    hits = m.find(text)
    assert sorted(h.risk for h in hits) == ["A.1.a", "A.1.b", "A.1.c"]
    for h in hits:
        assert normalize(text[h.start : h.end]) == normalize(h.term)


_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("аеорсухіpaeoxy ًٌٍَُِّْ́̈ـأإآٱىةक़़‍‌&#;é")),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_normalisation_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def test_every_language_in_the_table_has_a_normalisation_case() -> None:
    # a guard so a language added to govloop.languages gets a case above
    covered = {"zh", "en", "ar", "ru", "es", "fr", "pt", "id", "hi", "sw"}
    assert set(CODES) <= covered


_MATCHER = KeywordMatcher.from_terms([("kill", "A.1.f"), ("привет", "A.1.a"), ("مدرسة", "A.1.b")])


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_matching_never_raises_and_spans_stay_in_the_text(text: str) -> None:
    text = f"{text} kіll пpивет مـدرسة"
    hits = _MATCHER.find(text)
    assert {h.risk for h in hits} >= {"A.1.f", "A.1.a", "A.1.b"}
    for h in hits:
        assert 0 <= h.start < h.end <= len(text)
        assert h.matched == text[h.start : h.end]
