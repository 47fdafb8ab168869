"""The keyed tile pattern of the image watermark and the working domain it lives in.

Geometry. Every image is resampled so that its shorter side is :data:`WORK` pixels (the *working
domain*; this makes the mark scale-invariant). The mark is a :data:`TILE` x :data:`TILE` pattern
repeated over the working domain (periodic, so any crop still holds whole periods up to a shift).
A tile is a :data:`GRID` x :data:`GRID` lattice of chips, one every :data:`CELL` working pixels;
each chip is a smooth bump (a separable Hann window two cells wide: neighbouring bumps sum to a
constant, so the pattern is a smooth interpolation of the chip values).

Chips. A keyed permutation splits the chips into :data:`N_SYNC` *sync* chips, which carry a keyed
pseudo-random sign and nothing else (they make the presence test and find the tile offset), and
payload chips, which carry a keyed sign times one symbol of the convolutionally encoded payload.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from govloop.watermark._ecc import coded_length, keyed_permutation, spreading_signs

SCHEME = "govloop-image-v1"
PAYLOAD_BITS = 48
WORK = 512
TILE = 128
CELL = 4
GRID = TILE // CELL
N_CHIPS = GRID * GRID
N_SYNC = 256
ALPHA = 1e-6
"""Nominal false-positive bound of the presence test (per image and key)."""
N_SCALE_HYPOTHESES = 10
"""Scale hypotheses the detector may test (1 direct + 9 from the autocorrelation)."""

Float = NDArray[np.float64]


@dataclass(frozen=True)
class TileCode:
    """The keyed layout of one key: which chips sync, their signs, and the payload mapping."""

    sync_idx: NDArray[np.int64]
    """Flat chip indices (row * GRID + col) of the sync chips."""
    payload_idx: NDArray[np.int64]
    """Flat chip indices of the payload chips."""
    signs: Float
    """Keyed sign of every chip (length N_CHIPS)."""
    symbol_of: NDArray[np.int64]
    """For each payload chip (in ``payload_idx`` order), the index of its code symbol."""


@lru_cache(maxsize=32)
def tile_code(subkey: bytes) -> TileCode:
    """Chip layout for a sub-key (cached: detection and embedding reuse it)."""
    perm = keyed_permutation(subkey, "image-chips", N_CHIPS)
    sync_idx = np.sort(perm[:N_SYNC])
    payload_idx = perm[N_SYNC:]
    n_sym = coded_length(PAYLOAD_BITS)
    symbol_of = keyed_permutation(subkey, "image-symbols", len(payload_idx)) % n_sym
    signs = spreading_signs(subkey, "image-signs", N_CHIPS)
    return TileCode(sync_idx, payload_idx, signs, symbol_of)


@lru_cache(maxsize=1)
def bump_spectrum() -> NDArray[np.complex128]:
    """2-D FFT of the periodic chip bump centred at the origin (TILE x TILE)."""
    half = CELL
    x = np.arange(-half, half + 1, dtype=np.float64)
    w = 0.5 * (1.0 + np.cos(np.pi * x / (CELL)))
    w[np.abs(x) >= CELL] = 0.0
    ker1 = np.zeros(TILE)
    ker1[x.astype(int) % TILE] = w
    ker = np.outer(ker1, ker1)
    return np.fft.fft2(ker)


def chip_centres() -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Row and column of every chip centre inside the tile (flat chip order)."""
    c = np.arange(GRID, dtype=np.int64) * CELL + CELL // 2
    rows, cols = np.meshgrid(c, c, indexing="ij")
    return rows.reshape(-1), cols.reshape(-1)


def impulses(values: Float) -> Float:
    """A TILE x TILE array with ``values`` (flat chip order) at the chip centres."""
    out = np.zeros((TILE, TILE))
    r, c = chip_centres()
    out[r, c] = values
    return out


PRE_EMPHASIS = 2.0
"""Width of the Gaussian whose low-pass is removed from the tile (moves energy to mid bands)."""
MATCH_HIGHPASS = 0.8
"""Width of the Gaussian high-pass applied with the chip matched filter at detection."""


def tile_pattern(subkey: bytes, symbols: NDArray[np.int8]) -> Float:
    """The TILE x TILE mark for the given code symbols (+-1), unit peak chip amplitude."""
    code = tile_code(subkey)
    values = code.signs.copy()
    values[code.payload_idx] *= symbols[code.symbol_of].astype(np.float64)
    spec = np.fft.fft2(impulses(values)) * bump_spectrum()
    return np.real(np.fft.ifft2(spec * (1.0 - _gauss_spectrum(PRE_EMPHASIS))))


def _gauss_spectrum(sigma: float) -> Float:
    f = np.fft.fftfreq(TILE)
    fy, fx = np.meshgrid(f, f, indexing="ij")
    return np.asarray(np.exp(-2.0 * np.pi**2 * sigma**2 * (fx * fx + fy * fy)), dtype=np.float64)


@lru_cache(maxsize=1)
def matched_spectrum() -> NDArray[np.complex128]:
    """Spectrum of the detector's per-chip matched filter (bump, lightly high-passed)."""
    out = np.conj(bump_spectrum()) * (1.0 - _gauss_spectrum(MATCH_HIGHPASS))
    return np.asarray(out, dtype=np.complex128)


def working_shape(height: int, width: int) -> tuple[int, int]:
    """Shape of the working domain for an image of ``height`` x ``width`` pixels."""
    r = WORK / min(height, width)
    return max(WORK, round(height * r)), max(WORK, round(width * r))
