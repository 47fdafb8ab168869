"""The demo model's tokenizer: one token per CJK character, whole English words, byte fallback.

Pre-tokenisation splits text into chunks (an English word with its leading space, one CJK
character, a digit, a punctuation mark with its leading space, a newline run, one whitespace
character); a chunk seen in the training text is one token. An unseen English word falls back to
its letters, anything else to its UTF-8 bytes, so every string round-trips through
``decode(encode(text)) == text``.

The vocabulary is sorted, so the same shipped text gives the same ids on every machine: watermark
detection depends on that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

#: Ids 0..255 are the raw bytes; pieces follow in sorted order.
N_BYTES = 256

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CHUNK = re.compile(
    rf" ?[A-Za-z]+(?:'[A-Za-z]+)?|[{_CJK}]| ?[0-9]|\n\n|\n| ?[^\sA-Za-z0-9{_CJK}]|\s",
)
_WORD = re.compile(r" ?[A-Za-z]+(?:'[A-Za-z]+)?")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
#: Letters and a few marks that are always in the vocabulary, so unseen words never need bytes.
_ALWAYS = (
    [chr(c) for c in range(ord("a"), ord("z") + 1)]
    + [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    + [" ", "\n", "\n\n", "'"]
)


def chunks(text: str) -> list[str]:
    """Split ``text`` into pre-tokenisation chunks (their concatenation is ``text``)."""
    out: list[str] = []
    pos = 0
    for m in _CHUNK.finditer(text):
        if m.start() > pos:  # characters the pattern does not cover (none expected)
            out.extend(text[pos : m.start()])
        out.append(m.group())
        pos = m.end()
    if pos < len(text):
        out.extend(text[pos:])
    return out


def is_cjk(piece: str) -> bool:
    """True for a piece that is a CJK ideograph."""
    return bool(_CJK_CHAR.fullmatch(piece))


class DemoTokenizer:
    """Char-level for CJK, word-level for English, with letter and byte fallback."""

    def __init__(self, pieces: Iterable[str]) -> None:
        vocab = sorted(set(pieces) | set(_ALWAYS))
        self._pieces: list[str] = vocab
        self._ids: dict[str, int] = {p: N_BYTES + i for i, p in enumerate(vocab)}

    @classmethod
    def train(cls, texts: Iterable[str]) -> DemoTokenizer:
        """A tokenizer whose vocabulary is every chunk of ``texts``."""
        seen: set[str] = set()
        for text in texts:
            for chunk in chunks(text):
                seen.add(chunk)
                if _WORD.fullmatch(chunk):  # a word may start a line or follow a space
                    seen.update((chunk.lstrip(), " " + chunk.lstrip()))
        return cls(seen)

    @property
    def vocab_size(self) -> int:
        """Number of token ids (bytes plus pieces)."""
        return N_BYTES + len(self._pieces)

    def piece(self, token_id: int) -> str:
        """The text of one token (bytes as ``<0xNN>``)."""
        if token_id < N_BYTES:
            return f"<0x{token_id:02X}>"
        return self._pieces[token_id - N_BYTES]

    def token_id(self, piece: str) -> int | None:
        """The id of ``piece``, or None when it is not in the vocabulary."""
        return self._ids.get(piece)

    def encode(self, text: str) -> list[int]:
        """Text to token ids; lossless for any string."""
        ids: list[int] = []
        for chunk in chunks(text):
            tid = self._ids.get(chunk)
            if tid is not None:
                ids.append(tid)
            elif _WORD.fullmatch(chunk):
                ids.extend(self._ids[c] for c in chunk)
            else:
                ids.extend(chunk.encode("utf-8"))
        return ids

    def decode(self, ids: Sequence[int]) -> str:
        """Token ids to text; stray bytes that are not valid UTF-8 become U+FFFD."""
        parts: list[str] = []
        pending = bytearray()
        for raw in ids:
            tid = int(raw)
            if 0 <= tid < N_BYTES:
                pending.append(tid)
                continue
            if pending:
                parts.append(pending.decode("utf-8", errors="replace"))
                pending.clear()
            if N_BYTES <= tid < self.vocab_size:
                parts.append(self._pieces[tid - N_BYTES])
        if pending:
            parts.append(pending.decode("utf-8", errors="replace"))
        return "".join(parts)
