"""Payload codec and keyed spreading sequences shared by the image and audio watermarks.

Payload codec: the payload bits plus a CRC-16 (CCITT, polynomial 0x1021) are encoded with a
rate-1/3 convolutional code of constraint length 7 (generators 133, 171, 165 octal, the
LTE/802.11 family) terminated with six zero tail bits, and decoded with a soft-decision Viterbi
decoder (:func:`decode_payload`) or a CRC-aided list Viterbi decoder
(:func:`decode_payload_list`). The CRC only says whether the decoded payload is trustworthy; it
is never the watermark-presence test (that is a keyed correlation test with an exact bound, see
the schemes).

Spreading sequences: chip signs and permutations come from SHAKE-256 of a derived sub-key, so
they are the same on every machine and every numpy version.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
from numpy.typing import NDArray

_K = 7
_GENERATORS = (0o133, 0o171, 0o165)
_STATES = 1 << (_K - 1)
CRC_BITS = 16


def _parity(x: NDArray[np.int64]) -> NDArray[np.int64]:
    x = x.copy()
    out = np.zeros_like(x)
    while np.any(x):
        out ^= x & 1
        x >>= 1
    return out


def _trellis() -> tuple[NDArray[np.int64], NDArray[np.int8]]:
    """Next state and output bits (as +-1) for every (state, input bit)."""
    states = np.arange(_STATES, dtype=np.int64)
    nxt = np.zeros((_STATES, 2), dtype=np.int64)
    out = np.zeros((_STATES, 2, len(_GENERATORS)), dtype=np.int8)
    for bit in (0, 1):
        reg = (bit << (_K - 1)) | states  # newest bit in the top position
        nxt[:, bit] = reg >> 1
        for g, poly in enumerate(_GENERATORS):
            out[:, bit, g] = (1 - 2 * _parity(reg & _reverse(poly))).astype(np.int8)
    return nxt, out


def _reverse(poly: int) -> int:
    """Generator taps in our register order (bit K-1 = newest input)."""
    return int(f"{poly:0{_K}b}"[::-1], 2)


_NEXT, _OUT = _trellis()
# The register shifts right: state s with input b goes to (b << K-2) | (s >> 1), so the two
# predecessors of state n are ((n << 1) | {0, 1}) mod 2^(K-1), both with input bit n >> (K-2).
_PRED = np.array(
    [[((n << 1) | j) & (_STATES - 1) for j in (0, 1)] for n in range(_STATES)], dtype=np.int64
)
_PRED_BIT = np.array([n >> (_K - 2) for n in range(_STATES)], dtype=np.int64)


def crc16(bits: NDArray[np.uint8]) -> int:
    """CRC-16/CCITT-FALSE of a bit string (MSB first)."""
    reg = 0xFFFF
    for b in bits:
        reg ^= int(b) << 15
        reg = ((reg << 1) ^ 0x1021) & 0xFFFF if reg & 0x8000 else (reg << 1) & 0xFFFF
    return reg


def int_to_bits(value: int, n: int) -> NDArray[np.uint8]:
    """``value`` as ``n`` bits, most significant first."""
    if value < 0 or value >> n:
        raise ValueError(f"payload {value:#x} does not fit in {n} bits")
    return np.array([(value >> (n - 1 - i)) & 1 for i in range(n)], dtype=np.uint8)


def bits_to_int(bits: NDArray[np.uint8]) -> int:
    """Inverse of :func:`int_to_bits`."""
    out = 0
    for b in bits:
        out = (out << 1) | int(b)
    return out


def coded_length(payload_bits: int) -> int:
    """Number of code bits for a payload of ``payload_bits`` bits."""
    return (payload_bits + CRC_BITS + _K - 1) * len(_GENERATORS)


def encode_payload(payload: int, payload_bits: int) -> NDArray[np.int8]:
    """Payload -> code symbols as +-1 (``+1`` for a 0 bit), length ``coded_length``."""
    data = int_to_bits(payload, payload_bits)
    crc = int_to_bits(crc16(data), CRC_BITS)
    msg = np.concatenate([data, crc, np.zeros(_K - 1, dtype=np.uint8)])
    out = np.empty((len(msg), len(_GENERATORS)), dtype=np.int8)
    state = 0
    for i, bit in enumerate(msg):
        out[i] = _OUT[state, bit]
        state = int(_NEXT[state, bit])
    return out.reshape(-1)


def decode_payload(soft: NDArray[np.float64], payload_bits: int) -> int | None:
    """Soft Viterbi decode; ``soft`` > 0 favours a 0 bit. None when the CRC does not match."""
    n_steps = payload_bits + CRC_BITS + _K - 1
    if soft.shape != (n_steps * len(_GENERATORS),):
        raise ValueError(f"expected {n_steps * len(_GENERATORS)} soft values, got {soft.shape}")
    obs = soft.reshape(n_steps, len(_GENERATORS))
    metric = np.full(_STATES, -np.inf)
    metric[0] = 0.0
    choice = np.zeros((n_steps, _STATES), dtype=np.int64)
    for t in range(n_steps):
        gain = _OUT.astype(np.float64) @ obs[t]  # (state, bit)
        cand = metric[_PRED] + gain[_PRED, _PRED_BIT[:, None]]
        if t >= payload_bits + CRC_BITS:  # tail: only zero inputs are allowed
            cand[_PRED_BIT == 1] = -np.inf
        choice[t] = np.argmax(cand, axis=1)
        metric = cand[np.arange(_STATES), choice[t]]
    state = 0
    decoded = np.zeros(n_steps, dtype=np.uint8)
    for t in range(n_steps - 1, -1, -1):
        decoded[t] = _PRED_BIT[state]
        state = int(_PRED[state, choice[t, state]])
    data = decoded[:payload_bits]
    crc = bits_to_int(decoded[payload_bits : payload_bits + CRC_BITS])
    if crc != crc16(data):
        return None
    return bits_to_int(data)


def _stream(subkey: bytes, label: str, n_bytes: int) -> bytes:
    return hashlib.shake_256(b"govloop-chips:" + label.encode() + b":" + subkey).digest(n_bytes)


def spreading_signs(subkey: bytes, label: str, n: int) -> NDArray[np.float64]:
    """``n`` keyed pseudo-random signs (+-1.0), independent for each ``label``."""
    raw = np.frombuffer(_stream(subkey, label, (n + 7) // 8), dtype=np.uint8)
    bits = np.unpackbits(raw)[:n]
    return 1.0 - 2.0 * bits.astype(np.float64)


def keyed_permutation(subkey: bytes, label: str, n: int) -> NDArray[np.int64]:
    """A keyed pseudo-random permutation of ``range(n)`` (sort by 64-bit keyed values)."""
    raw = np.frombuffer(_stream(subkey, label, 8 * n), dtype=">u8")
    return np.argsort(raw, kind="stable").astype(np.int64)


BENTKUS_C = 1.0 / (4.0 * 0.5 * math.erfc(1.0))
"""1 / (4 P(N(0,1) >= sqrt 2)) = 3.178: Bentkus and Dzindzalieta's constant (see tail_bound)."""


def tail_bound(z: float) -> float:
    """Bound on P(Z >= z) for Z = sum e_k a_k / sqrt(sum a_k**2), fair random signs, fixed a_k.

    Both Hoeffding's bound exp(-z**2 / 2) and Bentkus and Dzindzalieta's (Bernoulli 21(2), 2015)
    c * P(N(0, 1) >= z) with c = 3.178 hold for every choice of a_k; the smaller is returned.
    This is what makes the watermark presence tests exact whatever the content.
    """
    if z <= 0:
        return 1.0
    gauss = 0.5 * math.erfc(z / math.sqrt(2.0))
    return min(1.0, math.exp(-0.5 * z * z), BENTKUS_C * gauss)


def decode_payload_list(soft: NDArray[np.float64], payload_bits: int, list_size: int) -> list[int]:
    """CRC-aided list Viterbi: the payloads whose CRC matches among the ``list_size`` best paths.

    A parallel list Viterbi decoder keeps the ``list_size`` best paths into every state; the
    survivors into the terminating state are checked against the CRC in order of their metric
    (the correlation of the path's code symbols with ``soft``), best first, without duplicates.
    With ``list_size == 1`` this is :func:`decode_payload`. A larger list recovers payloads that
    plain Viterbi misses, at the cost of a ``list_size`` times larger chance that a wrong payload
    passes the CRC (about ``list_size / 65536`` per failed block).
    """
    n_steps = payload_bits + CRC_BITS + _K - 1
    if soft.shape != (n_steps * len(_GENERATORS),):
        raise ValueError(f"expected {n_steps * len(_GENERATORS)} soft values, got {soft.shape}")
    if list_size < 1:
        raise ValueError(f"list size must be >= 1, got {list_size}")
    size = list_size
    obs = soft.reshape(n_steps, len(_GENERATORS))
    metric = np.full((_STATES, size), -np.inf)
    metric[0, 0] = 0.0
    back = np.zeros((n_steps, _STATES, size), dtype=np.int64)
    bit_of_state = _PRED_BIT[:, None]
    for t in range(n_steps):
        gain = _OUT.astype(np.float64) @ obs[t]  # (state, bit)
        step = gain[_PRED, np.broadcast_to(bit_of_state, _PRED.shape)]  # (state, pred)
        cand = (metric[_PRED] + step[:, :, None]).reshape(_STATES, 2 * size)
        if t >= payload_bits + CRC_BITS:
            cand[_PRED_BIT == 1] = -np.inf
        order = np.argsort(-cand, axis=1, kind="stable")[:, :size]
        back[t] = order
        metric = np.take_along_axis(cand, order, axis=1)
    ranks = np.flatnonzero(np.isfinite(metric[0]))
    state = np.zeros(len(ranks), dtype=np.int64)
    decoded = np.zeros((len(ranks), n_steps), dtype=np.uint8)
    for t in range(n_steps - 1, -1, -1):  # trace all survivors into state 0 at once
        decoded[:, t] = _PRED_BIT[state]
        idx = back[t, state, ranks]
        state, ranks = _PRED[state, idx // size], idx % size
    found: list[int] = []
    for path in decoded:
        data = path[:payload_bits]
        value = bits_to_int(data)
        if bits_to_int(path[payload_bits : payload_bits + CRC_BITS]) == crc16(data):
            if value not in found:
                found.append(value)
    return found
