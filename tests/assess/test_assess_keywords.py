from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govloop.assess import KeywordMatcher, keyword_coverage, load_keyword_library, normalize
from govloop.errors import InputError

TERMS = [
    ("恐怖主义", "A.1.d"),
    ("颠覆国家政权", "A.1.a"),
    ("kill all", "A.1.f"),
    ("歧视女性", "A.2.e"),
]


@pytest.fixture(scope="module")
def matcher() -> KeywordMatcher:
    return KeywordMatcher.from_terms(TERMS)


@pytest.mark.parametrize(
    ("text", "term", "matched"),
    [
        ("他在宣扬恐怖主义。", "恐怖主义", "恐怖主义"),
        ("宣扬恐 怖 主 义", "恐怖主义", "恐 怖 主 义"),
        ("恐\u200b怖\u200d主\ufeff义", "恐怖主义", "恐\u200b怖\u200d主\ufeff义"),
        ("恐-怖*主。义", "恐怖主义", "恐-怖*主。义"),
        ("恐怖主義", "恐怖主义", "恐怖主義"),
        ("顛覆國家政權", "颠覆国家政权", "顛覆國家政權"),
        ("ＫＩＬＬ　ＡＬＬ", "kill all", "ＫＩＬＬ　ＡＬＬ"),
        ("they said: Kill-All now", "kill all", "Kill-All"),
        ("不要歧 视女性", "歧视女性", "歧 视女性"),
    ],
)
def test_normalisation_finds_hidden_terms_with_original_offsets(
    matcher: KeywordMatcher, text: str, term: str, matched: str
) -> None:
    hits = matcher.find(text)
    assert [h.term for h in hits] == [term]
    h = hits[0]
    assert text[h.start : h.end] == matched == h.matched


@pytest.mark.parametrize("text", ["skillall the bugs", "killallow", "恐怖电影", "国家政权", ""])
def test_no_false_hits(matcher: KeywordMatcher, text: str) -> None:
    assert matcher.find(text) == []


def test_overlapping_and_repeated_hits() -> None:
    m = KeywordMatcher.from_terms([("国家", "A.1.b"), ("颠覆国家", "A.1.a"), ("国家", "A.1.c")])
    hits = m.find("颠覆国家，国家")
    assert [(h.term, h.risk, h.start) for h in hits] == [
        ("颠覆国家", "A.1.a", 0),
        ("国家", "A.1.b", 2),
        ("国家", "A.1.c", 2),
        ("国家", "A.1.b", 5),
        ("国家", "A.1.c", 5),
    ]


def test_normalize_folds_width_script_case_and_noise() -> None:
    assert normalize("Ａ Ｂ，國\u200b家!") == "ab国家"


NOISE = st.sampled_from([" ", "\u200b", "*", "，", "·", "\u3000", "-", "_"])


@settings(max_examples=80, deadline=None)
@given(
    term=st.sampled_from([t for t, _ in TERMS]),
    noise=st.lists(NOISE, min_size=0, max_size=12),
    prefix=st.text(alphabet="天地人和。 ", max_size=5),
)
def test_noise_between_characters_never_hides_a_term(
    term: str, noise: list[str], prefix: str
) -> None:
    m = KeywordMatcher.from_terms(TERMS)
    chars = list(term)
    out = []
    for i, ch in enumerate(chars):
        out.append(ch)
        if i < len(chars) - 1 and i < len(noise):
            out.append(noise[i])
    text = prefix + "".join(out) + "。"
    hits = [h for h in m.find(text) if h.term == term]
    assert hits
    assert normalize(text[hits[0].start : hits[0].end]) == normalize(term)


def test_library_file_errors(tmp_path: Path) -> None:
    p = tmp_path / "kw.tsv"
    p.write_text("# c\n恐怖主义\tA.1.d\nbad line\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"kw\.tsv:3: expected 'term<TAB>risk'"):
        load_keyword_library(p)
    p.write_text("恐怖主义\tZ.9\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"kw\.tsv:1: field 'risk'"):
        load_keyword_library(p)
    with pytest.raises(InputError, match="not found"):
        load_keyword_library(tmp_path / "missing.tsv")


def test_small_library_coverage_lists_shortfalls(tmp_path: Path) -> None:
    cov = keyword_coverage(TERMS)
    scopes = {s for s, _, _ in cov.shortfalls}
    assert "total" in scopes and "A.1.d" in scopes and "A.2.e" in scopes
    assert "A.3.a" not in scopes
    assert cov.to_json()["complete"] is False


def test_shipped_library_matches_fast_enough_and_correctly() -> None:
    m = load_keyword_library()
    assert len(m) >= 10_000
    text = ("长江发源于青藏高原。" * 2000) + "有人在宣 扬恐怖主義视频"
    hits = m.find(text)
    assert {h.term for h in hits} >= {"宣扬恐怖主义", "恐怖主义视频", "宣扬恐怖主义视频"}
