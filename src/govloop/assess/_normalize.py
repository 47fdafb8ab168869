"""Chinese-aware text normalisation for keyword matching, with a map back to the original.

Every character is normalised on its own, so a term and a text always normalise the same way
and each normalised character knows which original character it came from:

1. NFKC (full-width forms become half-width, compatibility forms fold);
2. lower case;
3. inserted spaces, punctuation, symbols and zero-width / control characters are dropped;
4. traditional Chinese becomes simplified (OpenCC ``t2s``, character by character).

The per-character table is filled lazily and used through ``str.translate`` (C speed).
"""

from __future__ import annotations

import threading
import unicodedata
from typing import Any

import numpy as np

_DROP_CATEGORIES = ("P", "S", "Z", "C")
_lock = threading.Lock()
_converter: Any = None


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


def normalize_char(ch: str) -> str:
    """The normal form of one character (possibly empty, possibly several characters)."""
    out = []
    for c in unicodedata.normalize("NFKC", ch).lower():
        if unicodedata.category(c)[0] in _DROP_CATEGORIES:
            continue
        out.append(c)
    return _t2s("".join(out)) if out else ""


class _Table(dict[int, str]):
    """``str.translate`` table that normalises characters on first sight."""

    def __missing__(self, key: int) -> str:
        value = normalize_char(chr(key))
        self[key] = value
        return value


class Normalizer:
    """Normalises text and maps normalised offsets back to the original text."""

    def __init__(self) -> None:
        self._table = _Table()

    def normalize(self, text: str) -> str:
        """The normalised form of ``text``."""
        return text.translate(self._table)

    def offsets(self, text: str) -> np.ndarray:
        """For each normalised character, the index of the original character it came from."""
        table = self._table
        lens = np.fromiter((len(table[o]) for o in map(ord, text)), dtype=np.int64, count=len(text))
        return np.repeat(np.arange(len(text), dtype=np.int64), lens)


_default = Normalizer()


def normalize(text: str) -> str:
    """Normalise ``text`` with the shared table (see module docstring)."""
    return _default.normalize(text)
