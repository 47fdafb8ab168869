"""The keyword library: an Aho-Corasick matcher over 10,000+ normalised terms.

TC260-003 8.1 asks for >= 10,000 keywords covering the 17 risks of A.1 and A.2, with >= 200
per A.1 risk and >= 100 per A.2 risk. Terms and texts go through the same normalisation
(:mod:`govloop.assess._normalize`) so full-width forms, traditional characters, inserted
spaces, punctuation, zero-width and other default-ignorable characters, combining marks,
variation selectors and HTML character references do not hide a term; hits carry offsets into
the original text.

Library files are UTF-8 text, one ``term<TAB>risk`` a line; ``#`` starts a comment line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick

from govloop.assess._normalize import Normalizer
from govloop.assess._pinyin import Reader, dictionary_reader, pinyin_spellings
from govloop.assess._taxonomy import MIN_KEYWORDS_TOTAL, TC260_RISKS, Taxonomy
from govloop.errors import InputError


@dataclass(frozen=True)
class KeywordHit:
    """One term found in a text."""

    term: str
    """The library term."""
    risk: str
    """Its risk code."""
    start: int
    """Start offset in the original text."""
    end: int
    """End offset (exclusive) in the original text."""
    matched: str
    """The original text that matched (with any inserted characters)."""

    def to_json(self) -> dict[str, Any]:
        """As a JSON object."""
        return {
            "term": self.term,
            "risk": self.risk,
            "start": self.start,
            "end": self.end,
            "matched": self.matched,
        }


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class KeywordMatcher:
    """Finds library terms in text, whatever their width, script or inserted noise."""

    def __init__(
        self,
        terms: dict[str, list[tuple[str, str]]],
        normalizer: Normalizer,
        spellings: dict[str, list[tuple[str, str]]] | None = None,
    ) -> None:
        self._norm = normalizer
        self._terms = terms
        self._auto: Any = ahocorasick.Automaton()
        for key, values in terms.items():
            self._auto.add_word(key, (len(key), tuple(values), False))
        # other spellings of terms (pinyin): matched as whole words only
        for key, values in (spellings or {}).items():
            if key not in terms:
                self._auto.add_word(key, (len(key), tuple(values), True))
        self._searchable = bool(terms or spellings)
        if self._searchable:
            self._auto.make_automaton()

    @classmethod
    def from_terms(
        cls,
        terms: Iterable[tuple[str, str]],
        *,
        normalizer: Normalizer | None = None,
        pinyin: Reader | None = None,
    ) -> KeywordMatcher:
        """Build a matcher from ``(term, risk code)`` pairs; empty terms are ignored.

        ``pinyin`` (a reader such as :func:`~govloop.assess._pinyin.dictionary_reader`) also
        matches the Chinese terms' toneless pinyin spellings (see :mod:`govloop.assess._pinyin`).
        """
        norm = normalizer or Normalizer()
        table: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for term, risk in terms:
            key = norm.normalize(term)
            if key and (term, risk) not in table[key]:
                table[key].append((term, risk))
        spellings: dict[str, list[tuple[str, str]]] = {}
        if pinyin is not None:
            by_term: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for values in table.values():
                for term, risk in values:
                    by_term[term].append((term, risk))
            for spelling, term in pinyin_spellings(by_term, pinyin).items():
                spellings[norm.normalize(spelling)] = by_term[term]
        return cls(dict(table), norm, spellings)

    def __len__(self) -> int:
        return sum(len(v) for v in self._terms.values())

    def terms(self) -> list[tuple[str, str]]:
        """Every ``(term, risk)`` pair."""
        return [pair for values in self._terms.values() for pair in values]

    def contains_any(self, text: str) -> bool:
        """True when ``text`` holds at least one term."""
        return bool(self.find(text))

    def find(self, text: str) -> list[KeywordHit]:
        """Every term occurrence in ``text``, ordered by position (overlaps included)."""
        if not self._searchable:
            return []
        prep = self._norm.prepare(text)
        base = prep.text
        normalized = self._norm.translate(base)
        raw = list(self._auto.iter(normalized))
        if not raw:
            return []
        offsets = self._norm.offsets(base)
        hits: list[KeywordHit] = []
        for end_idx, (length, values, whole_word) in raw:
            first = int(offsets[end_idx - length + 1])
            last = int(offsets[end_idx])
            start, end = prep.span(first, last)
            for term, risk in values:
                # word boundaries are judged on the decoded text: "kill all&#115;" is "alls"
                # a pinyin spelling (whole_word) is a Latin word whatever its term's script
                head = whole_word or _is_word_char(term[0])
                if head and first > 0 and _is_word_char(base[first - 1]):
                    continue
                if (
                    (whole_word or _is_word_char(term[-1]))
                    and last + 1 < len(base)
                    and _is_word_char(base[last + 1])
                ):
                    continue
                hits.append(KeywordHit(term, risk, start, end, text[start:end]))
        hits.sort(key=lambda h: (h.start, h.end, h.term))
        return hits


def starter_keywords_path() -> Path:
    """The starter keyword library shipped with govloop."""
    return Path(str(resources.files("govloop.assess") / "data" / "starter-keywords.tsv"))


def read_keyword_file(path: Path, *, taxonomy: Taxonomy | None = None) -> list[tuple[str, str]]:
    """Read ``term<TAB>risk`` lines; an :class:`InputError` names the file and line."""
    tax = taxonomy or Taxonomy.builtin()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: keyword library not found") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: keyword library is not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read the keyword library: {exc.strerror}") from exc
    pairs: list[tuple[str, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip():
            raise InputError(f"{path}:{lineno}: expected 'term<TAB>risk', got {line[:60]!r}")
        term, risk = parts[0].strip(), parts[1].strip()
        if tax.get(risk) is None:
            raise InputError(f"{path}:{lineno}: field 'risk': unknown risk code {risk!r}")
        pairs.append((term, risk))
    return pairs


def load_keyword_library(path: Path | None = None, *, pinyin: bool = False) -> KeywordMatcher:
    """A matcher over the library at ``path`` (None = the shipped starter library).

    ``pinyin`` also matches the Chinese terms' pinyin spellings (needs ``pypinyin``).
    """
    reader = dictionary_reader() if pinyin else None
    return KeywordMatcher.from_terms(
        read_keyword_file(path or starter_keywords_path()), pinyin=reader
    )


@dataclass(frozen=True)
class KeywordCoverage:
    """A keyword library against TC260-003 8.1 (>= 10,000 total; A.1 >= 200, A.2 >= 100)."""

    total: int
    """Distinct terms."""
    per_risk: dict[str, int]
    """Distinct terms per risk code."""
    shortfalls: tuple[tuple[str, int, int], ...]
    """``(scope, have, need)`` for each unmet minimum; scope is ``total`` or a risk code."""

    @property
    def complete(self) -> bool:
        """True when every minimum is met."""
        return not self.shortfalls

    def to_json(self) -> dict[str, Any]:
        """As a JSON object."""
        return {
            "complete": self.complete,
            "total": self.total,
            "per_risk": self.per_risk,
            "shortfalls": [{"scope": s, "have": h, "need": n} for s, h, n in self.shortfalls],
        }


def keyword_coverage(terms: Iterable[tuple[str, str]] | KeywordMatcher) -> KeywordCoverage:
    """Count distinct terms per risk against the standard's minima."""
    pairs = terms.terms() if isinstance(terms, KeywordMatcher) else list(terms)
    unique = set(pairs)
    per: Counter[str] = Counter(risk for _, risk in unique)
    short: list[tuple[str, int, int]] = []
    if len(unique) < MIN_KEYWORDS_TOTAL:
        short.append(("total", len(unique), MIN_KEYWORDS_TOTAL))
    for r in TC260_RISKS:
        if r.min_keywords and per[r.code] < r.min_keywords:
            short.append((r.code, per[r.code], r.min_keywords))
    return KeywordCoverage(len(unique), dict(sorted(per.items())), tuple(short))
