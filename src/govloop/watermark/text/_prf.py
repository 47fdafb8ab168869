"""The keyed pseudo-random function of the text watermarks: hash-based and device-independent.

For a context of ``h`` token ids, ``seed = BLAKE2b-64(key=subkey, data=ids as 4-byte big-endian)``
(one keyed hash per generated or scored token). The per-token value spreads that secret seed over
the vocabulary with the SplitMix64 finaliser, ``u = mix(seed XOR mix(token * PHI + 1)) / 2**64``,
which NumPy evaluates for a whole vocabulary at once in unsigned 64-bit integer arithmetic. Only
integer operations are involved, so the same key, context and token give the same ``u`` on any
machine, framework or accelerator; detection needs neither the model nor torch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_PHI = np.uint64(0x9E3779B97F4A7C15)
_ONE = np.uint64(1)
#: Salts that separate the digit-position draw and the per-hypothesis seeds from token values.
POSITION_SALT = np.uint64(0x5053_4954_494F_4E00)
HYPOTHESIS_SALT = np.uint64(0x4859_504F_5448_4500)


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser, elementwise on a uint64 array (wrapping arithmetic)."""
    z = np.asarray(x, dtype=np.uint64)
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def context_seed(subkey: bytes, context: Sequence[int]) -> int:
    """The 64-bit keyed seed of one context (its token ids in order)."""
    data = b"".join(int(t).to_bytes(4, "big") for t in context)
    return int.from_bytes(hashlib.blake2b(data, key=subkey, digest_size=8).digest(), "big")


def seeds_array(subkey: bytes, contexts: Sequence[Sequence[int]]) -> np.ndarray:
    """Seeds of many contexts as a uint64 array."""
    return np.array([context_seed(subkey, c) for c in contexts], dtype=np.uint64)


def hypothesis_seeds(seeds: np.ndarray, values: int) -> np.ndarray:
    """Seeds for digit hypotheses ``0..values-1``: shape ``seeds.shape + (values,)``."""
    v = np.arange(1, values + 1, dtype=np.uint64) * HYPOTHESIS_SALT
    return mix64(np.asarray(seeds, dtype=np.uint64)[..., None] ^ v)


def positions(seeds: np.ndarray, count: int) -> np.ndarray:
    """Which payload digit (``0..count-1``) each context carries."""
    if count <= 0:
        return np.zeros(np.shape(seeds), dtype=np.int64)
    return (mix64(np.asarray(seeds, dtype=np.uint64) ^ POSITION_SALT) % np.uint64(count)).astype(
        np.int64
    )


def uniforms(seeds: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Keyed uniforms in [0, 1) for (seed, token) pairs (NumPy broadcasting applies)."""
    t = mix64(np.asarray(tokens, dtype=np.uint64) * _PHI + _ONE)
    z = mix64(np.asarray(seeds, dtype=np.uint64) ^ t)
    return (z >> np.uint64(11)).astype(np.float64) * (2.0**-53)
