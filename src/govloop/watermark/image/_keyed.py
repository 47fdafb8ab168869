"""Key-dependent geometry search: the keyed sync pattern correlated over a fixed grid of warps.

On strongly textured photos (grass, gravel) the key-independent lattice reading of
:mod:`._lattice` does not see the tile lattice under a rotation or a change of aspect ratio: the
host's own autocorrelation peaks are stronger than the mark's. The linear correlation with the
key's sync chips, which the presence test computes anyway, is far more sensitive than any
second-order statistic: undoing the true warp gives z of about 8 there. This module tests that
correlation over a grid of warps fixed in advance (independent of the image and of the key):

* rotations of -16 to +16 degrees (scale 1),
* a change of aspect ratio: either axis scaled by 0.70 to 1.43 (the other kept),
* an isotropic scale of 0.45 to 1.45 (crops down to about a fifth of the area, and a photo
  shown smaller inside a screenshot),

each in the eight orientations (quarter turns, mirrored or not) and at every cyclic shift of the
tile. The search runs coarse to fine: a coarse grid (every third point of the fine one) is
scored first and the fine neighbours of its best points next; the multiplicity bound counts
every point of the fine grid, whether scored or not, so stopping early keeps it valid.

Why this family decides presence with the CRC as well. A fine enough grid holds about ten
thousand hypotheses; with TILE**2 shifts each, the sync correlation alone would need z of about
8 to reach 1e-6, where the true warp gives 7.5 to 8.3. Under the null (content not marked with
this key) the payload chips' keyed signs are fair coins independent of the sync chips' signs and
of the image, and the code (convolutional, zero-terminated, plus an affine CRC) is linear: for
any 64-bit word ``w``, flipping the soft symbols by the signs of ``w``'s codeword maps the
decoded word ``d`` to ``d xor w``, and the sign distribution is invariant under that flip. So
the decoded 64-bit word is uniform and its CRC-16 matches with probability exactly 2**-16,
independently of the sync statistic. A hypothesis of this family therefore counts as detected
only if its sync z passes ``TILE**2 * tail(z) * 2**-16 / weight <= ALPHA`` *and* the decoded
payload's CRC matches; ``P(both)`` is at most the product, and the weighted union bound over the
family stays exact (ties in the Viterbi metric, of probability zero for continuous chip values,
are the only exception to the symmetry).

The sweep costs about a second on a 512-pixel working domain, so the detector runs it only after
every key-independent hypothesis has failed (see :func:`~._detect.detect_image`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import fft

from govloop.watermark._ecc import CRC_BITS
from govloop.watermark.image._io import Float
from govloop.watermark.image._pattern import (
    CELL,
    GRID,
    N_CHIPS,
    N_SYNC,
    TILE,
    impulses,
    matched_spectrum,
    tile_code,
)

ROTATION_RANGE_DEG = 16.0
ROTATION_STEP_DEG = 0.2
"""Fine-grid step of the rotation sweep: z falls by about 0.3 a quarter of a degree off, by
about 1 at 0.3 degrees (grass, rotated by 10 degrees)."""
ASPECT_RANGE = (0.70, 1.43)
SCALE_RANGE = (0.45, 1.45)
LOG_SCALE_STEP = 0.003
"""Fine-grid step (natural log) of the scale sweeps: z falls by about 0.6 half a percent off,
by about 1.8 at 0.9 % (grass, aspect changed)."""
COARSE = 3
"""The coarse grid is every COARSE-th point of the fine one."""
REFINE_TOP = 4
"""Coarse points (best batched z) whose fine neighbours are scored next."""
CRC_FACTOR = 2.0**-CRC_BITS
"""Probability, under the null, that the decoded payload's CRC matches (see the module text)."""

_ORIENTS = tuple((k, flip) for flip in (False, True) for k in range(4))


@dataclass(frozen=True)
class Warp:
    """One fine-grid warp: observed (row, col) about the residual's centre -> tile coordinates."""

    family: str
    value: float
    """Rotation in degrees, or the scale factor."""
    index: int
    """Position on the family's fine grid (coarse points are the multiples of COARSE)."""

    def describe(self) -> str:
        unit = " deg" if self.family == "rotation" else ""
        return f"{self.family} {self.value:.4f}{unit}"

    def matrix(self) -> np.ndarray:
        if self.family == "rotation":
            t = math.radians(self.value)
            c, s = math.cos(t), math.sin(t)
            return np.array([[c, s], [-s, c]])
        if self.family == "aspect-rows":
            return np.diag([self.value, 1.0])
        if self.family == "aspect-cols":
            return np.diag([1.0, self.value])
        return np.diag([self.value, self.value])


def _log_grid(lo: float, hi: float) -> list[float]:
    n = int(math.floor(math.log(hi / lo) / LOG_SCALE_STEP))
    return [lo * math.exp(i * LOG_SCALE_STEP) for i in range(n + 1)]


@lru_cache(maxsize=1)
def fine_grid() -> dict[str, tuple[Warp, ...]]:
    """Every warp the search may test, by family: fixed, so the multiplicity bound is too."""
    n = int(round(ROTATION_RANGE_DEG / ROTATION_STEP_DEG))
    rot = tuple(Warp("rotation", i * ROTATION_STEP_DEG, i + n) for i in range(-n, n + 1))
    out = {"rotation": rot}
    for fam, (lo, hi) in (
        ("aspect-rows", ASPECT_RANGE),
        ("aspect-cols", ASPECT_RANGE),
        ("scale", SCALE_RANGE),
    ):
        out[fam] = tuple(Warp(fam, v, i) for i, v in enumerate(_log_grid(lo, hi)))
    return out


def n_hypotheses() -> int:
    """Warps x orientations the family's share of alpha is split over (shifts counted apart)."""
    return sum(len(ws) for ws in fine_grid().values()) * len(_ORIENTS)


def _bins(scale: float, n: int) -> np.ndarray:
    """Tile bin (nearest) of each of ``n`` pixel positions about the centre, scaled."""
    pos = np.arange(n, dtype=np.float64) - n / 2.0
    return (scale * pos + _BIG).astype(np.int64) & (TILE - 1)


_BIG = 32.0 * TILE + 0.5
"""Added before truncation: positive values, so astype(int) floors (nearest bin after +0.5)."""
_SHIFT = TILE.bit_length() - 1
assert 1 << _SHIFT == TILE, "the bin arithmetic needs a power-of-two tile"


class Folder:
    """Folds one residual under many warps, reusing the half-folds separable warps share.

    Nearest-bin folding costs one pass over the pixels and no interpolation: its half-pixel
    rounding blurs the chips (8 pixels wide) a little, far less than a step of the grid does.
    A warp that scales the axes (no rotation) folds the rows and then the columns; the aspect
    sweeps keep one axis at scale 1, so that half-fold is computed once.
    """

    def __init__(self, res: Float) -> None:
        self.res = res
        self._rows: dict[float, Float] = {}
        self._cols: dict[float, Float] = {}
        h, w = res.shape
        self._y = np.arange(h, dtype=np.float64) - h / 2.0
        self._x = np.arange(w, dtype=np.float64) - w / 2.0
        self._flat = res.ravel()

    def _rows_folded(self, sy: float) -> Float:
        """Rows summed into TILE bins (TILE x width)."""
        if sy not in self._rows:
            h, w = self.res.shape
            idx = (_bins(sy, h)[:, None] * w + np.arange(w)[None, :]).ravel()
            out = np.bincount(idx, weights=self.res.ravel(), minlength=TILE * w)
            self._rows[sy] = np.asarray(out.reshape(TILE, w), dtype=np.float64)
        return self._rows[sy]

    def _cols_folded(self, sx: float) -> Float:
        """Columns summed into TILE bins (height x TILE)."""
        if sx not in self._cols:
            h, w = self.res.shape
            idx = (np.arange(h)[:, None] * TILE + _bins(sx, w)[None, :]).ravel()
            out = np.bincount(idx, weights=self.res.ravel(), minlength=h * TILE)
            self._cols[sx] = np.asarray(out.reshape(h, TILE), dtype=np.float64)
        return self._cols[sx]

    def fold(self, m: np.ndarray) -> Float:
        """Sum the residual into the TILE x TILE bins its pixels fall in under ``m``."""
        h, w = self.res.shape
        if m[0, 1] == 0.0 and m[1, 0] == 0.0:
            sy, sx = float(m[0, 0]), float(m[1, 1])
            if sx in self._cols or sy not in self._rows and sy != 1.0:
                part = self._cols_folded(sx)  # height x TILE: bin the rows
                idx = (_bins(sy, h)[:, None] * TILE + np.arange(TILE)[None, :]).ravel()
            else:
                part = self._rows_folded(sy)  # TILE x width: bin the columns
                idx = (np.arange(TILE)[:, None] * TILE + _bins(sx, w)[None, :]).ravel()
            folded = np.bincount(idx, weights=part.ravel(), minlength=TILE * TILE)
            return np.asarray(folded.reshape(TILE, TILE), dtype=np.float64)
        y, x = self._y, self._x  # float32 is exact enough: |coordinates| < 2**13, steps 1/64
        qy = (m[0, 0] * y + _BIG).astype(np.float32)[:, None] + (m[0, 1] * x).astype(np.float32)
        qx = (m[1, 0] * y + _BIG).astype(np.float32)[:, None] + (m[1, 1] * x).astype(np.float32)
        idx = ((qy.astype(np.intp) & (TILE - 1)) << _SHIFT) | (qx.astype(np.intp) & (TILE - 1))
        folded = np.bincount(idx.ravel(), weights=self._flat, minlength=TILE * TILE)
        return np.asarray(folded.reshape(TILE, TILE), dtype=np.float64)


def keyed_fold(res: Float, m: np.ndarray) -> Float:
    """:meth:`Folder.fold` for a single warp."""
    return Folder(res).fold(m)


def _orient(a: Float, k: int, flip: bool) -> Float:
    return np.ascontiguousarray(np.rot90(np.fliplr(a) if flip else a, -k))


@lru_cache(maxsize=8)
def _templates(subkey: bytes) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Conjugate rFFTs of the signed sync impulses in the eight orientations.

    With them, the offset (row, col, modulo CELL) of each orientation's chip centres.
    """
    code = tile_code(subkey)
    signed = np.zeros(N_CHIPS)
    signed[code.sync_idx] = code.signs[code.sync_idx]
    s = np.stack([_orient(impulses(signed), k, f) for k, f in _ORIENTS])
    offsets = []
    for o in s:
        r, c = np.nonzero(o)
        offsets.append((int(r[0]) % CELL, int(c[0]) % CELL))
    return np.conj(fft.rfft2(s)).astype(np.complex64), offsets


@lru_cache(maxsize=1)
def _matched_r() -> np.ndarray:
    return np.asarray(matched_spectrum()[:, : TILE // 2 + 1], dtype=np.complex64)


def batched_z(subkey: bytes, folded: Float) -> np.ndarray:
    """Approximate best z over the shifts for each of the eight template orientations.

    For screening only (the exact test recomputes z): the denominator, the sync chips' summed
    squared matched outputs at a shift, is approximated by the sync share of the sum over the
    whole chip grid at that shift's offset within a cell, which halves the transforms.
    """
    sc, offsets = _templates(subkey)
    mf = fft.irfft2(fft.rfft2(folded.astype(np.float32)) * _matched_r(), s=(TILE, TILE))
    num = fft.irfft2(fft.rfft2(mf)[None] * sc, s=(TILE, TILE))
    cell = (mf * mf).reshape(GRID, CELL, GRID, CELL).sum(axis=(0, 2)) * (N_SYNC / N_CHIPS)
    # a template chip at offset c meets the fold at c + shift: den[shift] ~ cell[c + shift]
    den = np.stack(
        [np.tile(np.roll(cell, (-r, -c), axis=(0, 1)), (GRID, GRID)) for r, c in offsets]
    )
    z = num / np.sqrt(np.maximum(den, 1e-12))
    return np.asarray(z.reshape(len(_ORIENTS), -1).max(axis=1))


def candidates(subkey: bytes, res: Float) -> list[tuple[Warp, np.ndarray]]:
    """Fine-grid warps worth an exact test, best first: coarse sweep, then fine neighbours.

    Each comes with its batched z per template orientation. The order depends on the key (that
    is the point); which warps may be tested does not.
    """
    grid = fine_grid()
    folder = Folder(res)
    scored: dict[Warp, np.ndarray] = {}
    for warps in grid.values():
        for warp in warps[COARSE // 2 :: COARSE]:
            scored[warp] = batched_z(subkey, folder.fold(warp.matrix()))
    top = sorted(scored, key=lambda w: -float(scored[w].max()))[:REFINE_TOP]
    for warp in top:
        warps = grid[warp.family]
        for j in range(warp.index - COARSE + 1, warp.index + COARSE):
            if 0 <= j < len(warps) and warps[j] not in scored:
                scored[warps[j]] = batched_z(subkey, folder.fold(warps[j].matrix()))
    best = sorted(scored, key=lambda w: -float(scored[w].max()))[:REFINE_TOP]
    return [(w, scored[w]) for w in best]


def inverse_orientation(k: int, flip: bool) -> tuple[int, bool]:
    """The orientation of the fold that a template turned by ``(k, flip)`` matches.

    Correlating the fold with a turned template equals correlating the fold turned back with
    the upright one: a quarter-turn's inverse is the opposite turn; a mirror image is its own.
    """
    return (k, True) if flip else ((-k) % 4, False)


ORIENTS = _ORIENTS
