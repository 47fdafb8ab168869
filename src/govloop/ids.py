"""Identifiers: the TC260 provider code (with the USCC check character) and ProduceIDs.

Provider code (TC260 practice guide on provider coding, 2025): 27 characters,
``00`` + ``1`` (organisation) + ``1`` (bound by USCC) + 18-character USCC + 5-character service
extension (``00000``, or ``1``/``2`` then 4 characters chosen by the provider).

ProduceID: a ULID (26 Crockford base32 characters: 48-bit millisecond time, 80 random bits), so
IDs sort by time, are unique without coordination and fit the GB 45438 ASCII rule. A watermark
cannot carry 128 bits; it carries :func:`produce_tag`, a short keyed-free digest of the ID that the
ledger indexes, which is enough for trace to find the entry.
"""

from __future__ import annotations

import hashlib
import os
import time

from govloop.errors import InputError

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_CHARS = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def uscc_check_char(first17: str) -> str:
    """The check character (18th) of a unified social credit code, per GB 32100-2015."""
    total = 0
    for pos, ch in enumerate(first17):
        idx = USCC_ALPHABET.find(ch)
        if idx < 0:
            raise InputError(f"USCC character {ch!r} at position {pos + 1} is not allowed")
        total += idx * USCC_WEIGHTS[pos]
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    """Return ``code`` if it is a valid 18-character USCC, else raise :class:`InputError`."""
    if len(code) != 18:
        raise InputError(
            f"unified social credit code {code!r} must have 18 characters, has {len(code)}"
        )
    for pos, ch in enumerate(code):
        if ch not in USCC_ALPHABET:
            raise InputError(
                f"unified social credit code {code!r}: character {ch!r} at position {pos + 1} "
                "is not in the USCC alphabet (digits and A-Y without I, O, S, V, Z)"
            )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise InputError(
            f"unified social credit code {code!r}: check character is {code[17]!r}, "
            f"expected {expected!r}"
        )
    return code


def validate_provider_code(code: str) -> str:
    """Return ``code`` if it is a valid 27-character TC260 provider code, else raise.

    The error names the first rule broken: length, characters, prefix, USCC or extension.
    """
    if len(code) != 27:
        raise InputError(f"provider code {code!r} must have 27 characters, has {len(code)}")
    bad = [c for c in code if c not in _CODE_CHARS]
    if bad:
        raise InputError(
            f"provider code {code!r}: character {bad[0]!r} is not a digit or uppercase letter"
        )
    if code[:2] != "00":
        raise InputError(f"provider code {code!r}: format code (positions 1-2) must be '00'")
    if code[2:4] != "11":
        raise InputError(
            f"provider code {code!r}: positions 3-4 must be '11' (organisation bound by its USCC)"
        )
    try:
        validate_uscc(code[4:22])
    except InputError as exc:
        raise InputError(f"provider code {code!r}: {exc}") from exc
    ext = code[22:]
    if ext != "00000" and ext[0] not in "12":
        raise InputError(
            f"provider code {code!r}: service extension {ext!r} must be '00000' or start with "
            "'1' (generation) or '2' (propagation)"
        )
    return code


def new_produce_id(now_ms: int | None = None) -> str:
    """A new ProduceID: a 26-character ULID (time-ordered, 80 random bits)."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def produce_id_time_ms(produce_id: str) -> int:
    """The millisecond timestamp inside a ULID ProduceID."""
    value = 0
    for ch in produce_id.upper():
        idx = _CROCKFORD.find(ch)
        if idx < 0:
            raise InputError(f"ProduceID {produce_id!r} is not a ULID")
        value = value * 32 + idx
    return value >> 80


def produce_tag(produce_id: str, bits: int = 32) -> int:
    """A ``bits``-bit tag of a ProduceID (first bits of its SHA-256), carried in watermarks."""
    if not 1 <= bits <= 256:
        raise InputError(f"tag width {bits} must be between 1 and 256 bits")
    digest = int.from_bytes(hashlib.sha256(produce_id.encode("ascii")).digest(), "big")
    return digest >> (256 - bits)
