"""Optional pinyin spellings of Chinese terms: off by default, whole words, dictionary-backed.

The dictionary (``pypinyin``) is optional and not needed here: these tests give the matcher a
reader over a few characters, the way the dictionary would read them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from govloop.assess import KeywordMatcher, load_keyword_library
from govloop.assess._pinyin import dictionary_reader, pinyin_spellings
from govloop.errors import ConfigError, InputError
from govloop.gateway import load_gateway_config

READINGS = {"炸": "zha", "弹": "dan", "恐": "kong", "怖": "bu", "主": "zhu", "义": "yi", "法": "fa"}
TERMS = [("炸弹", "A.1.1"), ("恐怖主义", "A.1.d"), ("法", "A.1.a"), ("kill all", "A.1.f")]


def reader(text: str) -> list[str]:
    return [READINGS.get(c, c) for c in text]


def test_pinyin_is_off_by_default() -> None:
    m = KeywordMatcher.from_terms(TERMS)
    assert m.find("how to make a zhadan") == []


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("how to make a zhadan?", "炸弹"),
        ("ZHA DAN", "炸弹"),
        ("kong-bu zhu\u200byi now", "恐怖主义"),
        ("ｚｈａ&#100;an", "炸弹"),
    ],
)
def test_pinyin_spellings_match_as_whole_words(text: str, term: str) -> None:
    m = KeywordMatcher.from_terms(TERMS, pinyin=reader)
    hits = m.find(text)
    assert [(h.term, h.risk) for h in hits] == [(term, dict(TERMS)[term])]
    assert hits[0].matched == text[hits[0].start : hits[0].end]


@pytest.mark.parametrize("text", ["zhadans", "xzhadan", "the sofa is here", "fa", "kongbu"])
def test_pinyin_spellings_do_not_match_inside_words_or_when_short(text: str) -> None:
    m = KeywordMatcher.from_terms(TERMS, pinyin=reader)
    assert m.find(text) == []


def test_spellings_skip_short_unreadable_and_non_chinese_terms() -> None:
    spellings = pinyin_spellings(["炸弹", "法", "kill all", "炸X", "恐怖主义"], reader)
    assert spellings == {"zhadan": "炸弹", "kongbuzhuyi": "恐怖主义"}
    m = KeywordMatcher.from_terms(TERMS, pinyin=reader)
    assert len(m) == len(TERMS)  # spellings are not terms: coverage counts are unchanged


def test_missing_dictionary_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pypinyin", None)  # as if not installed
    with pytest.raises(InputError, match="pypinyin"):
        dictionary_reader()
    with pytest.raises(InputError, match="pypinyin"):
        load_keyword_library(pinyin=True)
    cfg = tmp_path / "gateway.yaml"
    cfg.write_text("keyword_pinyin: true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"gateway\.yaml.*keyword_pinyin.*pypinyin"):
        load_gateway_config(cfg)
    cfg.write_text("keyword_pinyin: false\n", encoding="utf-8")
    assert load_gateway_config(cfg).keyword_pinyin is False
