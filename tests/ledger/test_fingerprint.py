"""Text band keys: the stored index keys must never change (old ledgers are looked up by them)."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from govloop.ledger._fingerprint import band_keys, text_fingerprint

SAMPLE = "The quick brown fox jumps over the lazy dog. 敏捷的棕色狐狸跳过了懒狗。"


def _reference_keys(values: list[int]) -> list[int]:
    """The documented rule: band b hashes its index byte and its two MinHash values."""
    keys = set()
    for band in range(8):
        pair = values[2 * band : 2 * band + 2]
        data = bytes([band]) + b"".join(v.to_bytes(4, "big") for v in pair)
        digest = int.from_bytes(hashlib.sha256(b"govloop-band" + data).digest()[:8], "big")
        keys.add(2 << 60 | band << 52 | (digest & ((1 << 52) - 1)))
    return sorted(keys)


@given(st.lists(st.integers(0, 2**32 - 1), min_size=16, max_size=16))
def test_band_keys_follow_the_documented_rule(values: list[int]) -> None:
    fingerprint = "".join(f"{v:08x}" for v in values)
    assert band_keys(fingerprint) == _reference_keys(values)


def test_a_known_text_keeps_its_fingerprint_and_keys() -> None:
    fp = text_fingerprint(SAMPLE)
    assert fp.startswith("02625c4f299fed8d26880f5c321dc57b")
    assert band_keys(fp)[:2] == [2308129472161930364, 2314248063212292101]


def _reference_fingerprint(text: str) -> str:
    """The documented MinHash, one text and one bigram at a time, in plain integers."""
    from govloop.ledger._fingerprint import _MH_A, _MH_B, text_tokens

    tokens = text_tokens(text)
    pairs = zip(tokens, tokens[1:], strict=False)
    grams = {f"{a} {b}" for a, b in pairs} if len(tokens) > 1 else set(tokens)
    grams.discard("")
    if not grams:
        return "f" * 128
    mask = (1 << 64) - 1
    xs = [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams]
    out = []
    for a, b in zip(_MH_A.tolist(), _MH_B.tolist(), strict=True):
        best = mask
        for x in xs:
            v = (a * x + b) & mask
            v ^= v >> 31
            v = (v * 0x9E3779B97F4A7C15) & mask
            v ^= v >> 29
            best = min(best, v >> 32)
        out.append(best.to_bytes(4, "big").hex())
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=10))
def test_batched_text_fingerprints_equal_one_at_a_time(texts: list[str]) -> None:
    """The group commit's one pass over a batch gives each text its own fingerprint, the one
    the documented rule gives it alone (texts without bigrams, repeats, empty batches)."""
    from govloop.ledger import text_fingerprints

    reference = [_reference_fingerprint(t) for t in texts]
    assert text_fingerprints(texts) == reference
    assert text_fingerprints(texts + texts) == reference + reference
    assert [text_fingerprint(t) for t in texts] == reference
