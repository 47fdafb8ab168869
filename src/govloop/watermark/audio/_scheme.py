"""Keyed spread-spectrum audio watermark in the STFT magnitudes below 4 kHz.

Working domain: mono, 16 kHz (so resampling to 16 kHz keeps every chip), STFT with a 1024-point
Hann window and a hop of 256. A chip is a band of :data:`BINS_PER_BAND` bins (62.5 Hz) times a
*slot* of :data:`FRAMES_PER_SLOT` frames (64 ms); :data:`N_BANDS` bands from 250 Hz to 3.75 kHz
and :data:`N_SLOTS` slots form one period (2.05 s) that repeats for the whole signal, so a clip
that starts anywhere still holds whole periods up to a shift.

Embedding multiplies each STFT coefficient by ``1 + depth * chip``, where the depth is large on
quiet coefficients (between partials, under the masking of the loud ones) and small on the loud
partials (their absolute change is capped at a fraction of the frame's RMS), then scales the mark
to :data:`TARGET_SNR_DB`; detection correlates the noise-gated log-magnitude, with its spectral
envelope removed, against the keyed chips. Sync chips carry only keyed signs (the
presence test and the time alignment); payload chips carry a keyed sign times a symbol of the
convolutionally encoded payload.

Presence test: two keyed correlation tests, each valid for any audio. (1) Sync: for each of the
:data:`N_SLOTS` * FRAMES_PER_SLOT cyclic frame offsets and both half-hop sample phases,
``z = sum e_k a_k / sqrt(sum a_k**2)`` over the sync chips; with the keyed signs fair coins given
the audio, ``P(z >= t) <= tail_bound(t)``, and a Bonferroni bound over the :data:`N_TESTS`
offsets gives ``p_sync``. (2) All chips: the same score over all :data:`N_CHIPS` chips with the
chip values a payload would produce; for each fixed (offset, payload) the chip signs are again
fair coins, so a Bonferroni bound over all N_TESTS * 2**32 pairs gives ``p_full`` whatever pair
the decoder picks (it tries the CRC-aided list-Viterbi decode at the best sync offsets). The
p-value is ``2 * min(p_sync, p_full)``; ``detected`` means ``p <= ALPHA`` (z >= 6.08 for sync
alone, z >= 8.98 for all chips). Error correction never decides presence: a decoded payload
whose all-chip score is low counts for nothing, and one is only reported when
``2 * p_full <= ALPHA``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from govloop.watermark._ecc import coded_length, keyed_permutation, spreading_signs

SCHEME = "govloop-audio-v2"
PAYLOAD_BITS = 32
RATE = 16000
NFFT = 1024
HOP = 256
FRAMES_PER_SLOT = 4
N_SLOTS = 32
PERIOD_FRAMES = N_SLOTS * FRAMES_PER_SLOT
FIRST_BIN = 16
BINS_PER_BAND = 4
N_BANDS = 56
N_CHIPS = N_BANDS * N_SLOTS
N_SYNC = 576
TARGET_SNR_DB = 30.3
"""The embedder scales the mark to this SNR against the host (so it reports >= 30 dB)."""
CAP = 0.1
"""Absolute mark amplitude per coefficient is capped at CAP * (frame's in-band RMS magnitude)."""
MAX_DEPTH = 0.6
"""Largest relative modulation of any STFT coefficient."""
ALPHA = 1e-6
N_PHASES = 2
N_TESTS = PERIOD_FRAMES * N_PHASES

Float = NDArray[np.float64]


@dataclass(frozen=True)
class ChipCode:
    """Keyed chip layout: sync chips, signs and the payload symbol of each payload chip."""

    sync_idx: NDArray[np.int64]
    payload_idx: NDArray[np.int64]
    signs: Float
    symbol_of: NDArray[np.int64]


@lru_cache(maxsize=32)
def chip_code(subkey: bytes) -> ChipCode:
    """Chip layout for a sub-key; chips are numbered band * N_SLOTS + slot."""
    perm = keyed_permutation(subkey, "audio-chips", N_CHIPS)
    payload_idx = perm[N_SYNC:]
    symbol_of = keyed_permutation(subkey, "audio-symbols", len(payload_idx)) % coded_length(
        PAYLOAD_BITS
    )
    signs = spreading_signs(subkey, "audio-signs", N_CHIPS)
    return ChipCode(np.sort(perm[:N_SYNC]), payload_idx, signs, symbol_of)


def chip_values(subkey: bytes, symbols: NDArray[np.int8]) -> Float:
    """Chip values (+-1) as an N_BANDS x N_SLOTS array."""
    code = chip_code(subkey)
    values = code.signs.copy()
    values[code.payload_idx] *= symbols[code.symbol_of].astype(np.float64)
    return values.reshape(N_BANDS, N_SLOTS)


@lru_cache(maxsize=1)
def window() -> Float:
    """Periodic Hann window of NFFT samples."""
    n = np.arange(NFFT)
    return np.asarray(0.5 - 0.5 * np.cos(2 * np.pi * n / NFFT), dtype=np.float64)


def frames(x: Float, offset: int = 0) -> NDArray[np.complex128]:
    """STFT (frames x bins) of ``x`` starting at sample ``offset``."""
    x = x[offset:]
    n = max(0, 1 + (len(x) - NFFT) // HOP)
    if n == 0:
        return np.zeros((0, NFFT // 2 + 1), dtype=np.complex128)
    idx = np.arange(NFFT)[None, :] + HOP * np.arange(n)[:, None]
    return np.fft.rfft(x[idx] * window(), axis=1)


def overlap_add(spec: NDArray[np.complex128], length: int) -> Float:
    """Inverse of :func:`frames` (weighted overlap-add, same window)."""
    out = np.zeros(length)
    norm = np.zeros(length)
    blocks = np.fft.irfft(spec, n=NFFT, axis=1) * window()
    for i, block in enumerate(blocks):
        s = i * HOP
        e = min(length, s + NFFT)
        out[s:e] += block[: e - s]
        norm[s:e] += window()[: e - s] ** 2
    return np.asarray(out / np.maximum(norm, 1e-3), dtype=np.float64)


def to_working(samples: Float, rate: int) -> Float:
    """Mono mix resampled to :data:`RATE`."""
    from math import gcd

    from scipy.signal import resample_poly

    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    if rate == RATE:
        return np.asarray(mono, dtype=np.float64)
    g = gcd(RATE, rate)
    return np.asarray(resample_poly(mono, RATE // g, rate // g), dtype=np.float64)


def from_working(mark: Float, rate: int, length: int) -> Float:
    """Resample a working-rate signal to ``rate`` and trim or pad it to ``length``."""
    from math import gcd

    from scipy.signal import resample_poly

    if rate != RATE:
        g = gcd(RATE, rate)
        mark = resample_poly(mark, rate // g, RATE // g)
    out = np.zeros(length)
    n = min(length, len(mark))
    out[:n] = mark[:n]
    return out
