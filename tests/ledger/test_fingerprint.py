"""Text band keys: the stored index keys must never change (old ledgers are looked up by them)."""

from __future__ import annotations

import hashlib

from hypothesis import given
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
