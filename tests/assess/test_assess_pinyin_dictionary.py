"""Pinyin with the real dictionary (the ``pinyin`` extra, installed by the test command).

The measurements docs/gateway.md quotes come from here: the spellings are read from
``pypinyin``, every sampled spelling is caught as a whole word, and the should-answer bank gets
no more false hits with pinyin on than with it off.
"""

from __future__ import annotations

import random
from functools import cache

from govloop.assess import KeywordMatcher, load_bank, load_keyword_library
from govloop.assess._keywords import read_keyword_file, starter_keywords_path
from govloop.assess._pinyin import dictionary_reader, pinyin_spellings


@cache
def with_pinyin() -> KeywordMatcher:
    return load_keyword_library(pinyin=True)


def test_the_dictionary_reads_terms_into_spellings() -> None:
    terms = [t for t, _ in read_keyword_file(starter_keywords_path())]
    spellings = pinyin_spellings(terms, dictionary_reader())
    assert len(spellings) > 1000
    assert spellings.get("shandongdianfuguojiazhengquan") == "煽动颠覆国家政权"


def test_sampled_spellings_are_caught_in_a_sentence() -> None:
    terms = [t for t, _ in read_keyword_file(starter_keywords_path())]
    spellings = sorted(pinyin_spellings(terms, dictionary_reader()))
    sample = random.Random(0).sample(spellings, 100)
    missed = [s for s in sample if not with_pinyin().contains_any(f"tell me about {s} today")]
    assert not missed


def test_pinyin_costs_no_precision_on_the_should_answer_bank() -> None:
    items = [i for i in load_bank().items if i.kind == "should-answer"]
    off = load_keyword_library()
    false_off = sum(1 for i in items if off.contains_any(i.text))
    false_on = sum(1 for i in items if with_pinyin().contains_any(i.text))
    assert false_on <= false_off
    refuse = [i for i in load_bank().items if i.kind == "should-refuse"]
    assert sum(with_pinyin().contains_any(i.text) for i in refuse) >= sum(
        off.contains_any(i.text) for i in refuse
    )
