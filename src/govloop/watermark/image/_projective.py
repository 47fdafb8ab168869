"""Perspective synchronisation: a homography fitted to the tile lattice read in local windows.

A photo of a print, or of a screen, taken a few degrees off-axis is a projective map of the
marked image. One affine map (:mod:`._lattice`) fits it on average, but the residual quadratic
displacement reaches several chip cells at the corners, which smears the folded tile. The
lattice is still locally affine: the autocorrelation of a window of the residual has peaks at
``m u(x) + n v(x)``, where ``u(x), v(x)`` are the tile's sides near the window's centre ``x``,
i.e. the Jacobian of the map there. Reading those local bases near the global one on a grid of
overlapping windows and fitting the one homography whose Jacobian field matches them gives the
projective map; resampling the residual by it puts the tile back square everywhere.

Nothing here uses the key: the homography is a function of the residual alone, so each one the
detector tests is a fixed hypothesis in its weighted union bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from govloop.watermark.image._io import Float
from govloop.watermark.image._lattice import sharpened
from govloop.watermark.image._pattern import TILE

WINDOW_FRACTIONS = (0.7, 0.5)
"""Sides of the local windows as fractions of the residual's side (at least 2.5 tiles): larger
windows read a weak lattice, smaller ones follow a strong perspective; each is tried."""
WINDOW_CENTRES = (0.25, 0.5, 0.75)
"""Window centres as fractions of each side: a 3 x 3 grid of overlapping windows."""
_SEARCH = 8
"""How far (pixels) a local lattice point may sit from where the global basis puts it."""
_MIN_WINDOWS = 4
_MIN_POINTS = 10
PEAK_SIGMAS = 3.5
REFINE_RADII = (5, 3, 2)
"""Search radii of the passes after the first, each about the previous fit's Jacobians."""
_ROBUST_SCALE = 0.01
_MAX_MISFIT = 0.02
"""Largest RMS relative misfit of the local bases to the fitted homography's Jacobians."""
MAX_HOMOGRAPHIES = 6
"""Homographies (perspective hypotheses) the detector may test; fixed, for the union bound."""
_LOCAL_POINTS = ((1, 0), (0, 1), (1, 1), (1, -1), (2, 0), (0, 2))


@dataclass(frozen=True)
class Homography:
    """Observed (row, col) pixel -> upright tile coordinates, about the residual's centre.

    ``q = M d / (1 + p . d)`` with ``d = x - centre``: a translation of the upright frame is left
    to the presence test's shift search, so it is not estimated.
    """

    m: np.ndarray
    p: np.ndarray
    centre: np.ndarray

    def jacobian(self, d: np.ndarray) -> np.ndarray:
        s = 1.0 + float(self.p @ d)
        return np.asarray(self.m @ (s * np.eye(2) - np.outer(d, self.p)) / (s * s))

    def matrix(self) -> np.ndarray:
        """3 x 3 matrix acting on homogeneous centred (row, col, 1)."""
        out = np.eye(3)
        out[:2, :2] = self.m
        out[2, :2] = self.p
        return out


def _refine(acf: Float, lag: np.ndarray, radius: int) -> tuple[float, np.ndarray]:
    """Highest sharpened-acf value within ``radius`` of ``lag`` and its sub-pixel position."""
    h2, w2 = acf.shape
    y0, x0 = round(float(lag[0])), round(float(lag[1]))
    ys = np.arange(y0 - radius, y0 + radius + 1)
    xs = np.arange(x0 - radius, x0 + radius + 1)
    patch = acf[np.ix_(ys % h2, xs % w2)]
    i, j = np.unravel_index(int(np.argmax(patch)), patch.shape)
    v = float(patch[i, j])
    y, x = int(ys[i]), int(xs[j])

    def offset(a: float, b: float, c: float) -> float:
        d = a - 2 * b + c
        return max(-0.5, min(0.5, 0.5 * (a - c) / d)) if d < 0 else 0.0

    oy = offset(float(acf[(y - 1) % h2, x % w2]), v, float(acf[(y + 1) % h2, x % w2]))
    ox = offset(float(acf[y % h2, (x - 1) % w2]), v, float(acf[y % h2, (x + 1) % w2]))
    return v, np.array([y + oy, x + ox])


@dataclass(frozen=True)
class _Window:
    """One local window: its centre (about the residual's centre), autocorrelation and noise."""

    centre: np.ndarray
    acf: Float
    shape: tuple[int, int]
    spread: float


def _autocorrelation(x: Float) -> Float:
    """Autocorrelation per overlap pixel, zero-padded to fast FFT sizes (at least twice the side).

    Lag ``l`` sits at index ``l`` modulo the padded shape; lags of at least a side are unused.
    """
    from scipy import fft

    h, w = x.shape
    sh = (fft.next_fast_len(2 * h, real=True), fft.next_fast_len(2 * w, real=True))
    acf = fft.irfft2(np.abs(fft.rfft2(x, s=sh)) ** 2, s=sh)
    dy = np.minimum(np.arange(sh[0]), sh[0] - np.arange(sh[0]))
    dx = np.minimum(np.arange(sh[1]), sh[1] - np.arange(sh[1]))
    overlap = np.maximum(h - dy, 1)[:, None] * np.maximum(w - dx, 1)[None, :]
    return np.asarray(acf / overlap, dtype=np.float64)


def windows(res: Float, fraction: float) -> list[_Window]:
    """The grid of overlapping local windows, each with its sharpened autocorrelation."""
    h, w = res.shape
    wh = min(h, max(int(fraction * h), int(2.5 * TILE)))
    ww = min(w, max(int(fraction * w), int(2.5 * TILE)))
    centre = np.array([h / 2.0, w / 2.0])
    out = []
    for fy in WINDOW_CENTRES:
        for fx in WINDOW_CENTRES:
            top = round(min(max(fy * h - wh / 2, 0), h - wh))
            left = round(min(max(fx * w - ww / 2, 0), w - ww))
            acf = sharpened(_autocorrelation(res[top : top + wh, left : left + ww]))
            ly = np.minimum(np.arange(acf.shape[0]), acf.shape[0] - np.arange(acf.shape[0]))
            lx = np.minimum(np.arange(acf.shape[1]), acf.shape[1] - np.arange(acf.shape[1]))
            ring = (ly[:, None] > TILE // 2) | (lx[None, :] > TILE // 2)
            ring &= (ly[:, None] < wh // 2) & (lx[None, :] < ww // 2)
            sample = acf[ring]
            spread = 1.4826 * float(np.median(np.abs(sample - np.median(sample)))) + 1e-12
            mid = np.array([top + wh / 2.0, left + ww / 2.0]) - centre
            out.append(_Window(mid, acf, (wh, ww), spread))
    return out


def _joint(win: _Window, basis: np.ndarray, radius: int) -> np.ndarray:
    """The integer basis near ``basis`` whose lattice points u, v, u + v, u - v peak most.

    Searching the two sides jointly, not each lattice point alone, pools four peaks into one
    score: a weak lattice that no single peak shows still ranks first.
    """
    acf = win.acf
    h2, w2 = acf.shape
    h, w = win.shape
    r = np.arange(-radius, radius + 1)
    offs = np.stack(np.meshgrid(r, r, indexing="ij"), axis=-1).reshape(-1, 2)
    base = np.rint(basis).astype(np.int64)
    us, vs = base[:, 0] + offs, base[:, 1] + offs

    def look(lags: np.ndarray) -> np.ndarray:
        inside = (np.abs(lags[..., 0]) <= h - TILE // 2) & (np.abs(lags[..., 1]) <= w - TILE // 2)
        return np.where(inside, acf[lags[..., 0] % h2, lags[..., 1] % w2], 0.0)

    score = look(us)[:, None] + look(vs)[None, :]
    score = score + look(us[:, None] + vs[None, :]) + look(us[:, None] - vs[None, :])
    i, j = np.unravel_index(int(np.argmax(score)), score.shape)
    return np.stack([us[i], vs[j]], axis=1).astype(np.float64)


@dataclass(frozen=True)
class _Point:
    """One lattice point read in one window: ``jacobian(centre) @ lag == TILE * (m, n)``."""

    centre: np.ndarray
    index: np.ndarray
    lag: np.ndarray


def local_points(win: _Window, basis: np.ndarray, radius: int) -> list[_Point]:
    """The small lattice points of ``win`` near ``basis`` that stand out of its autocorrelation.

    The sides are first found jointly within ``radius`` pixels of ``basis`` (:func:`_joint`);
    each small lattice point is then refined near where they put it and kept only if it stands
    out of the sharpened autocorrelation (PEAK_SIGMAS robust deviations). Points, not whole
    bases, are returned: a window whose lattice shows along one side only still constrains
    the map along that side.
    """
    h, w = win.shape
    found = _joint(win, basis, radius)
    out = []
    for m, n in _LOCAL_POINTS:
        lag = m * found[:, 0] + n * found[:, 1]
        if abs(lag[0]) > h - TILE // 2 or abs(lag[1]) > w - TILE // 2:
            continue
        v, pos = _refine(win.acf, lag, max(abs(m), abs(n)))
        if v > PEAK_SIGMAS * win.spread:
            out.append(_Point(win.centre, np.array([m, n], dtype=np.float64), pos))
    return out


def _fit(
    points: list[_Point], m0: np.ndarray, centre: np.ndarray
) -> tuple[Homography, float] | None:
    """Robust least-squares homography from lattice points; None with too few of them."""
    from scipy.optimize import least_squares

    if len(points) < _MIN_POINTS or len({tuple(p.centre) for p in points}) < _MIN_WINDOWS:
        return None

    def residual(theta: np.ndarray) -> np.ndarray:
        hom = Homography(theta[:4].reshape(2, 2), theta[4:] / 1000.0, centre)
        return np.concatenate(
            [(hom.jacobian(p.centre) @ p.lag - TILE * p.index) / TILE for p in points]
        )

    theta0 = np.concatenate([m0.ravel(), np.zeros(2)])
    fit = least_squares(residual, theta0, loss="soft_l1", f_scale=_ROBUST_SCALE)
    hom = Homography(fit.x[:4].reshape(2, 2), fit.x[4:] / 1000.0, centre)
    return hom, float(np.sqrt(np.median(fit.fun**2)))


def fit_homography(
    res: Float, basis: np.ndarray, wins: list[_Window] | None = None
) -> Homography | None:
    """The homography whose Jacobians match the local lattice points near ``basis``, or None.

    Coarse to fine: the local lattices are first looked for near ``basis`` itself, then, with a
    shrinking radius, near the Jacobian of the previous fit at each window (the perspective has
    then been mostly found), so a wrong early read is corrected. None when too few windows read
    a lattice, or the fit leaves a misfit larger than a perspective explains.
    """
    if abs(np.linalg.det(basis)) < 1e-6:
        return None
    wins = windows(res, WINDOW_FRACTIONS[0]) if wins is None else wins
    h, w = res.shape
    centre = np.array([h / 2.0, w / 2.0])
    m0 = TILE * np.linalg.inv(basis)
    fitted = _fit([p for win in wins for p in local_points(win, basis, _SEARCH)], m0, centre)
    if fitted is None:
        return None
    for radius in REFINE_RADII:
        hom = fitted[0]
        points = []
        for win in wins:
            jac = hom.jacobian(win.centre)
            if abs(np.linalg.det(jac)) > 1e-9:
                points += local_points(win, TILE * np.linalg.inv(jac), radius)
        again = _fit(points, hom.m, centre)
        if again is None:
            break
        fitted = again
    hom, misfit = fitted
    if misfit > _MAX_MISFIT or float(np.max(np.abs(hom.p))) * max(h, w) > 0.5:
        return None
    return hom


def homographies(res: Float, seeds: list[np.ndarray]) -> list[Homography]:
    """Distinct homographies fitted from each seed basis in turn, at most MAX_HOMOGRAPHIES."""
    if not seeds:
        return []
    out: list[Homography] = []
    for fraction in WINDOW_FRACTIONS:
        wins = windows(res, fraction)
        for seed in seeds:
            hom = fit_homography(res, seed, wins)
            if hom is None or any(_same(hom, o, res.shape) for o in out):
                continue
            out.append(hom)
            if len(out) == MAX_HOMOGRAPHIES:
                return out
    return out


def _same(a: Homography, b: Homography, shape: tuple[int, int]) -> bool:
    """Whether two homographies put every corner of the residual within a pixel of each other."""
    h, w = shape
    corners = np.array([[0, 0], [h, 0], [0, w], [h, w]], dtype=np.float64) - a.centre
    hc = np.c_[corners, np.ones(4)]
    qa, qb = hc @ a.matrix().T, hc @ b.matrix().T
    da = qa[:, :2] / qa[:, 2:3] - qb[:, :2] / qb[:, 2:3]
    return bool(np.ptp(da, axis=0).max() < 1.0)


def unwarp(res: Float, hom: Homography) -> Float:
    """Resample ``res`` onto the upright tile frame of ``hom`` (zeros outside the image)."""
    from scipy.ndimage import map_coordinates

    h, w = res.shape
    mat = hom.matrix()
    corners = np.array([[0, 0], [h, 0], [0, w], [h, w]], dtype=np.float64) - hom.centre
    hc = np.c_[corners, np.ones(4)] @ mat.T
    q = hc[:, :2] / hc[:, 2:3]
    qmin, qmax = q.min(axis=0), q.max(axis=0)
    shape = tuple(int(math.ceil(x)) for x in qmax - qmin)
    if shape[0] * shape[1] > 16 * h * w or min(shape) < 8:
        return np.zeros((TILE, TILE))
    inv = np.linalg.inv(mat)
    qy, qx = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float64)
    qy += qmin[0]
    qx += qmin[1]
    xs = inv[0, 0] * qy + inv[0, 1] * qx + inv[0, 2]
    ys = inv[1, 0] * qy + inv[1, 1] * qx + inv[1, 2]
    ws = inv[2, 0] * qy + inv[2, 1] * qx + inv[2, 2]
    coords = [xs / ws + hom.centre[0], ys / ws + hom.centre[1]]
    out = map_coordinates(res, coords, order=1, cval=0.0)
    return np.asarray(out, dtype=np.float64)
