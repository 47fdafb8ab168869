"""Optional pinyin spellings of the library's Chinese terms (off unless asked for).

Writing a term in toneless pinyin (``zhadan`` for 炸弹) is a common evasion. With pinyin on,
each term of at least :data:`MIN_SYLLABLES` Chinese characters also matches its toneless pinyin
written in Latin letters, with or without spaces between syllables, as a whole word (``sofa
lungs`` never matches ``falun``). The readings come from a dictionary, the ``pypinyin``
package, never from a list kept here; it is an optional dependency, and asking for pinyin
without it installed is a clear :class:`~govloop.errors.InputError`.

Off by default because it costs precision the shipped should-answer bank cannot vouch for:
short pinyin strings are also English or other romanised words, and a character with several
readings gives the matcher only its most common one. Not covered: initials (``flg``), tones
written as digits (``fa3``), characters mixed with pinyin (``法lun功``), homophones.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

from govloop.errors import InputError

MIN_SYLLABLES = 2
"""Terms shorter than this many Chinese characters get no pinyin spelling (too ambiguous)."""

MIN_LETTERS = 6
"""Pinyin spellings shorter than this many letters are not added (``dama``, ``wanba``...)."""

Reader = Callable[[str], list[str]]
"""Text -> one toneless syllable per Chinese character (other characters passed through)."""


def _is_han(ch: str) -> bool:
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x3134F


def dictionary_reader() -> Reader:
    """The ``pypinyin`` dictionary's readings (toneless, most common reading per character)."""
    try:
        pypinyin: Any = importlib.import_module("pypinyin")
    except ImportError as exc:
        raise InputError(
            "keyword filter: pinyin matching needs the optional package 'pypinyin', which is "
            "not installed (install it, or turn pinyin matching off) / 拼音匹配需要安装 pypinyin"
        ) from exc

    def read(text: str) -> list[str]:
        out: list[str] = pypinyin.lazy_pinyin(text, style=pypinyin.Style.NORMAL)
        return out

    return read


def pinyin_spellings(terms: Iterable[str], reader: Reader) -> dict[str, str]:
    """Toneless pinyin spelling -> the Chinese term it spells, for the terms that qualify."""
    out: dict[str, str] = {}
    for term in terms:
        chars = [c for c in term if not c.isspace()]
        if len(chars) < MIN_SYLLABLES or not all(_is_han(c) for c in chars):
            continue
        syllables = reader("".join(chars))
        spelling = "".join(syllables).lower()
        if len(syllables) != len(chars) or not spelling.isascii() or not spelling.isalpha():
            continue  # a character the dictionary cannot read
        if len(spelling) >= MIN_LETTERS:
            out.setdefault(spelling, term)
    return out
