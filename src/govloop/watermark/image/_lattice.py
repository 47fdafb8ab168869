"""Geometric synchronisation: the tile lattice read from the residual's autocorrelation.

The mark repeats with period TILE along both axes, so the autocorrelation of the whitened
residual has peaks on the lattice ``m u + n v`` where ``u`` and ``v`` are the images of the
tile's two sides under whatever the image went through since marking: a rotation, a change of
aspect ratio, a scale, or any mix of them (an affine map, up to translation, which the shift
search of the presence test handles). Estimating ``u`` and ``v`` gives that map; resampling the
residual by its inverse puts the tile back upright and square, and the existing exact test runs
on the result. The lattice's own symmetries (which side is which, and their signs) are the
quarter turns and mirror images the detector already tries.

Nothing here uses the key, so the hypotheses are chosen independently of it, and the detector's
weighted union bound over a fixed maximum number of them stays a valid p-value.
"""

from __future__ import annotations

import math

import numpy as np

from govloop.watermark.image._io import Float
from govloop.watermark.image._pattern import TILE

MAX_BASES = 6
"""Lattice bases (affine hypotheses) the detector may test; fixed, for the multiplicity bound."""
_RADIUS = (0.55 * TILE, 2.6 * TILE)
"""Lengths of a tile side after the edits in scope (crops, downscaling, aspect 0.75 to 1.33)."""
_SUPPORT_RADIUS = 3.2 * TILE
"""Lags (pixels) over which a basis's lattice support is summed."""
_CANDIDATE_PEAKS = 24
_MIN_ANGLE_DEG = 50.0
"""A basis's two sides are at least this far from parallel (90 degrees when unedited)."""


def autocorrelation(res: Float) -> Float:
    """Autocorrelation of ``res`` (zero-padded; lag (0, 0) at index (0, 0)), per overlap pixel."""
    h, w = res.shape
    spec = np.fft.rfft2(res, s=(2 * h, 2 * w))
    acf = np.fft.irfft2(np.abs(spec) ** 2, s=(2 * h, 2 * w))
    dy = np.minimum(np.arange(2 * h), 2 * h - np.arange(2 * h))
    dx = np.minimum(np.arange(2 * w), 2 * w - np.arange(2 * w))
    overlap = np.maximum(h - dy, 1)[:, None] * np.maximum(w - dx, 1)[None, :]
    return np.asarray(acf / overlap, dtype=np.float64)


def sharpened(acf: Float) -> Float:
    """The autocorrelation less its local mean.

    The lattice's peaks are a few pixels wide, the host's correlations (textures, edges) are
    broad, so this keeps the former.
    """
    from scipy.ndimage import gaussian_filter

    return np.asarray(acf - gaussian_filter(acf, 4.0, mode="wrap"), dtype=np.float64)


def _lag(acf: Float, i: int, j: int) -> tuple[float, float]:
    """Signed lag of array index (i, j)."""
    h2, w2 = acf.shape
    return (float(i - h2 if i >= h2 // 2 else i), float(j - w2 if j >= w2 // 2 else j))


def _refine(acf: Float, lag: tuple[float, float], radius: int = 2) -> tuple[float, float, float]:
    """The highest value within ``radius`` of ``lag``, refined to a fraction of a pixel."""
    h2, w2 = acf.shape
    y0, x0 = round(lag[0]), round(lag[1])
    best = (-math.inf, 0, 0)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            v = float(acf[(y0 + dy) % h2, (x0 + dx) % w2])
            if v > best[0]:
                best = (v, y0 + dy, x0 + dx)
    v, y, x = best

    def offset(a: float, b: float, c: float) -> float:
        d = a - 2 * b + c
        return 0.5 * (a - c) / d if d < 0 else 0.0

    oy = offset(float(acf[(y - 1) % h2, x % w2]), v, float(acf[(y + 1) % h2, x % w2]))
    ox = offset(float(acf[y % h2, (x - 1) % w2]), v, float(acf[y % h2, (x + 1) % w2]))
    return v, y + max(-0.5, min(0.5, oy)), x + max(-0.5, min(0.5, ox))


def _peaks(acf: Float, shape: tuple[int, int]) -> list[tuple[float, float, float]]:
    """The strongest local maxima at tile-side distances, one of each symmetric pair."""
    from scipy.ndimage import maximum_filter

    h, w = shape
    h2, w2 = acf.shape
    ly = np.where(np.arange(h2) >= h2 // 2, np.arange(h2) - h2, np.arange(h2)).astype(float)
    lx = np.where(np.arange(w2) >= w2 // 2, np.arange(w2) - w2, np.arange(w2)).astype(float)
    r = np.hypot(ly[:, None], lx[None, :])
    keep = (r >= _RADIUS[0]) & (r <= _RADIUS[1])
    keep &= (np.abs(ly)[:, None] <= h - TILE // 2) & (np.abs(lx)[None, :] <= w - TILE // 2)
    keep &= (ly[:, None] > 0) | ((ly[:, None] == 0) & (lx[None, :] > 0))  # acf(-l) == acf(l)
    keep &= acf == maximum_filter(acf, size=9, mode="wrap")
    idx = np.flatnonzero(keep)
    top = idx[np.argsort(acf.flat[idx])[::-1][:_CANDIDATE_PEAKS]]
    return [(float(acf.flat[i]), float(ly[i // w2]), float(lx[i % w2])) for i in top]


def _support(acf: Float, u: np.ndarray, v: np.ndarray, shape: tuple[int, int]) -> float:
    """Summed (sharpened) autocorrelation over the small lattice points the image can show.

    A sum over a fixed disc of lags, not a mean: the fundamental basis predicts every lattice
    point a coarser basis does and more inside the same disc, while points off the lattice add
    about nothing, so the fundamental one ranks first (a sum over a fixed range of indices
    ranked an aspect-stretched lattice's doubled basis first).
    """
    h, w = shape
    vals = []
    for m in range(-6, 7):
        for n in range(-6, 7):
            if (m, n) == (0, 0):
                continue
            p = m * u + n * v
            inside = abs(p[0]) < h - TILE // 2 and abs(p[1]) < w - TILE // 2
            if inside and math.hypot(float(p[0]), float(p[1])) <= _SUPPORT_RADIUS:
                vals.append(_refine(acf, (float(p[0]), float(p[1])), 1)[0])
    return float(np.sum(vals)) if len(vals) >= 3 else -math.inf


def _fit(acf: Float, u: np.ndarray, v: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Least-squares basis from the refined lattice points near ``m u + n v``."""
    h, w = shape
    rows, targets = [], []
    for m in range(-3, 4):
        for n in range(-3, 4):
            if (m, n) == (0, 0):
                continue
            p = m * u + n * v
            if abs(p[0]) < h - TILE // 2 and abs(p[1]) < w - TILE // 2:
                _, y, x = _refine(acf, (float(p[0]), float(p[1])), 2)
                rows.append((m, n))
                targets.append((y, x))
    if len(rows) < 3:
        return np.stack([u, v], axis=1)
    sol, *_ = np.linalg.lstsq(np.asarray(rows, float), np.asarray(targets, float), rcond=None)
    return np.asarray(sol.T, dtype=np.float64)  # columns: u, v


def lattice_bases(res: Float, count: int = MAX_BASES) -> list[np.ndarray]:
    """Up to ``count`` likely lattice bases (2x2, columns u and v in (row, col) pixels).

    Bases near the unedited square tile are kept: a slanted photo (perspective) detects at the
    direct hypothesis but decodes only once its small shear and scale are undone.
    """
    acf = sharpened(autocorrelation(res))
    shape = res.shape
    peaks = _peaks(acf, shape)
    cands: list[tuple[float, np.ndarray]] = []
    for a in range(len(peaks)):
        for b in range(a + 1, len(peaks)):
            u = np.array(peaks[a][1:])
            v = np.array(peaks[b][1:])
            lu, lv = float(np.hypot(*u)), float(np.hypot(*v))
            if not 0.6 <= lu / lv <= 1.0 / 0.6:
                continue
            angle = math.degrees(math.acos(min(1.0, abs(float(u @ v)) / (lu * lv))))
            if angle < _MIN_ANGLE_DEG:
                continue
            basis = np.stack([u, v], axis=1)
            if np.linalg.det(basis) < 0:
                basis = basis[:, ::-1]
            cands.append((_support(acf, basis[:, 0], basis[:, 1], shape), basis))
    cands.sort(key=lambda c: -c[0])
    out: list[np.ndarray] = []
    for _, basis in cands:
        fitted = _fit(acf, basis[:, 0], basis[:, 1], shape)
        if abs(np.linalg.det(fitted)) < 1e-6:
            continue
        if any(_same(fitted, o) for o in out):
            continue
        out.append(fitted)
        if len(out) == count:
            break
    return out


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.max(np.abs(a - b)) < 0.02 * math.sqrt(abs(float(np.linalg.det(b)))))


def rectify(res: Float, basis: np.ndarray) -> Float:
    """Resample ``res`` so the lattice ``basis`` becomes the upright TILE x TILE one."""
    from scipy.ndimage import affine_transform

    m = basis / TILE  # upright coordinates -> observed coordinates
    h, w = res.shape
    corners = np.array([[0, 0], [h, 0], [0, w], [h, w]], dtype=np.float64).T
    q = np.linalg.solve(m, corners)
    qmin, qmax = q.min(axis=1), q.max(axis=1)
    shape = tuple(int(math.ceil(x)) for x in qmax - qmin)
    if shape[0] * shape[1] > 16 * h * w:  # a degenerate estimate: do not allocate without bound
        return np.zeros((TILE, TILE))
    out = affine_transform(res, m, offset=m @ qmin, output_shape=shape, order=1, cval=0.0)
    return np.asarray(out, dtype=np.float64)
