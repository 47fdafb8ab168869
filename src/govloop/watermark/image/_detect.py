"""Detecting the image watermark: keyed sync correlation with an exact tail bound, then decoding.

Presence test. The detector folds a whitened residual of the working-domain luma modulo the tile
and, for every cyclic shift ``s`` of the tile (TILE**2 of them), computes

    z(s) = sum_k e_k a_k(s) / sqrt(sum_k a_k(s)**2)

over the sync chips ``k``, where ``a_k(s)`` is the matched-filter output at chip ``k`` and
``e_k`` the keyed chip sign. For content not marked with this key the signs are independent
fair coin flips given the image, so for every shift and every image, whatever its content,
``P(z(s) >= t) <= min(exp(-t**2 / 2), 3.18 * P(N(0,1) >= t))`` (Hoeffding; Bentkus and
Dzindzalieta 2015). A weighted union (Bonferroni) bound over the TILE**2 shifts and the scale
hypotheses (0.35 of alpha for the unscaled one, 0.35 split over up to nine scale
hypotheses found from the key-independent autocorrelation; a tenth of alpha for the seven other
orientations, quarter turns and mirror images; 0.15 for up to MAX_BASES lattice (affine) maps and
0.05 for up to MAX_HOMOGRAPHIES perspective maps, each in all eight orientations; 0.10 for the
key-dependent warp grid of :mod:`._keyed`) gives a valid p-value; ``detected`` means
``p <= ALPHA`` (1e-6, the stated false-positive bound). In the key-independent families the
payload is decoded only then, and is reported only when its CRC matches: error correction never
decides presence there. The key-dependent family is the one exception, and says why: its
hypotheses count only when the sync z *and* the payload's CRC pass, whose null probabilities
multiply (see :mod:`._keyed`).
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from govloop.watermark._ecc import coded_length, decode_payload, tail_bound
from govloop.watermark._keys import WatermarkKey
from govloop.watermark._result import WatermarkResult
from govloop.watermark.image import _keyed
from govloop.watermark.image._io import Float, luma, resize, to_planes
from govloop.watermark.image._lattice import MAX_BASES, lattice_bases, rectify
from govloop.watermark.image._pattern import (
    ALPHA,
    N_CHIPS,
    N_SCALE_HYPOTHESES,
    PAYLOAD_BITS,
    SCHEME,
    TILE,
    chip_centres,
    impulses,
    matched_spectrum,
    tile_code,
    working_shape,
)
from govloop.watermark.image._projective import (
    MAX_HOMOGRAPHIES,
    Homography,
    homographies,
    unwarp,
)

if TYPE_CHECKING:
    from PIL import Image

DIRECT_WEIGHT = 0.30
"""Share of alpha spent on the unscaled, upright hypothesis."""
SCALE_WEIGHT = 0.30
"""Share of alpha split over the scale hypotheses (upright)."""
ORIENT_WEIGHT = 0.10
"""Share of alpha split over the other seven orientations (quarter turns, mirrored or not)."""
AFFINE_WEIGHT = 0.15
"""Share of alpha split over the lattice (affine) hypotheses: MAX_BASES bases x 8 orientations."""
PROJECTIVE_WEIGHT = 0.05
"""Share of alpha split over the perspective (homography) hypotheses: MAX_HOMOGRAPHIES x 8."""
KEYED_WEIGHT = 0.10
"""Share of alpha split over the key-dependent warp grid (:mod:`._keyed`), every fine point."""
ORIENTATIONS = tuple((k, flip) for flip in (False, True) for k in range(4))[1:]
"""(quarter turns, mirrored) of an image turned or flipped after marking; exact, no resampling."""
PERIOD_RANGE = (0.6, 2.2)
"""Tile periods (as multiples of TILE) the scale search considers: crops down to ~45 %."""
SNR_WEIGHT_PERCENTILE = 50.0
"""Pixels busier than this percentile of local residual RMS are down-weighted (see whiten)."""
SOFT_CLIP = 1.5
"""Payload chip values are limited to this many robust standard deviations before decoding."""


@dataclass(frozen=True)
class _Alignment:
    z: float
    shift: tuple[int, int]
    period: tuple[float, float]
    folded: Float


def whiten(y_work: Float) -> Float:
    """Whiten the working luma so the host interferes little with the chip correlations.

    A fine high-pass removes the smooth image content, a partial spectral whitening (divide by
    the square root of the locally averaged magnitude spectrum) flattens textures and periodic
    structures, and a local-contrast normalisation (clipped) evens out busy and flat regions.
    Finally each pixel is weighted by its expected signal-to-noise ratio: the mark's residual
    amplitude is about the same everywhere (the typical local RMS, a percentile of it), while the
    host's grows with local detail, so pixels whose local RMS is above that level are scaled down
    by the ratio (maximal-ratio combining). This matters when most of an image is flat or clipped
    (a -20 brightness shift on a night sky) and the host noise sits in a few bright objects.
    None of this uses the key, so the test's null bound holds whatever the image.
    """
    from scipy.ndimage import gaussian_filter

    res = y_work - gaussian_filter(y_work, 1.0)
    spec = np.fft.fft2(res)
    mag = gaussian_filter(np.abs(spec), 3.0, mode="wrap")
    res = np.real(np.fft.ifft2(spec / np.sqrt(mag + 1e-9)))
    local = np.sqrt(gaussian_filter(res * res, 8.0))
    out = np.clip(res / (local + 1e-3 * math.sqrt(float(np.mean(res * res))) + 1e-12), -3.0, 3.0)
    typical = float(np.percentile(local, SNR_WEIGHT_PERCENTILE))
    out *= np.minimum(1.0, typical / (local + 1e-12))
    return np.asarray(out, dtype=np.float64)


def fold(res: Float) -> Float:
    """Sum a plane modulo the tile period (TILE x TILE)."""
    h, w = res.shape
    ph, pw = -(-h // TILE) * TILE, -(-w // TILE) * TILE
    padded = np.zeros((ph, pw))
    padded[:h, :w] = res
    return np.asarray(padded.reshape(ph // TILE, TILE, pw // TILE, TILE).sum(axis=(0, 2)))


def _matched(folded: Float) -> Float:
    """Folded residual correlated with the chip bump (the per-chip matched filter)."""
    return np.real(np.fft.ifft2(np.fft.fft2(folded) * matched_spectrum()))


def _sync_scores(subkey: bytes, matched: Float) -> Float:
    """z(s) for every cyclic shift s (TILE x TILE array)."""
    code = tile_code(subkey)
    signed = np.zeros(N_CHIPS)
    signed[code.sync_idx] = code.signs[code.sync_idx]
    present = np.zeros(N_CHIPS)
    present[code.sync_idx] = 1.0
    num = np.real(np.fft.ifft2(np.fft.fft2(matched) * np.conj(np.fft.fft2(impulses(signed)))))
    den = np.real(
        np.fft.ifft2(np.fft.fft2(matched * matched) * np.conj(np.fft.fft2(impulses(present))))
    )
    return np.asarray(num / np.sqrt(np.maximum(den, 1e-12)), dtype=np.float64)


def _align(subkey: bytes, res: Float, period: tuple[float, float]) -> _Alignment:
    if period != (TILE, TILE):
        h, w = res.shape
        shape = (max(8, round(h * TILE / period[0])), max(8, round(w * TILE / period[1])))
        res = resize(res, shape)
    folded = fold(res)
    z = _sync_scores(subkey, _matched(folded))
    flat = int(np.argmax(z))
    return _Alignment(float(z.flat[flat]), divmod(flat, TILE), period, folded)


def _peaks(profile: Float, count: int, grid: Float) -> list[float]:
    """Grid positions of the ``count`` highest local maxima of ``profile``, refined."""
    found: list[tuple[float, float]] = []
    for i in range(1, len(profile) - 1):
        if profile[i] >= profile[i - 1] and profile[i] > profile[i + 1]:
            a, b, c = profile[i - 1], profile[i], profile[i + 1]
            denom = a - 2 * b + c
            off = 0.5 * (a - c) / denom if denom < 0 else 0.0
            step = float(grid[1] - grid[0])
            found.append((float(b), float(grid[i]) + off * step))
    found.sort(reverse=True)
    return [pos for _, pos in found[:count]]


def period_candidates(res: Float, count: int = N_SCALE_HYPOTHESES - 1) -> list[float]:
    """Likely tile periods (isotropic), from the residual's autocorrelation.

    A tile-periodic mark puts autocorrelation peaks on the lattice (m P, n P). The working domain
    keeps the aspect ratio, so a crop scales the tile equally along both axes: for each candidate
    period P the normalised autocorrelation is summed over 12 lattice points, and the highest
    local maxima are returned. Nothing here uses the key.
    """
    from scipy.ndimage import map_coordinates

    h, w = res.shape
    spec = np.fft.rfft2(res, s=(2 * h, 2 * w))
    acf = np.fft.irfft2(np.abs(spec) ** 2, s=(2 * h, 2 * w))
    dy = np.minimum(np.arange(2 * h), 2 * h - np.arange(2 * h))
    dx = np.minimum(np.arange(2 * w), 2 * w - np.arange(2 * w))
    overlap = np.maximum(h - dy, 1)[:, None] * np.maximum(w - dx, 1)[None, :]
    acf = acf / overlap
    periods = np.arange(PERIOD_RANGE[0] * TILE, PERIOD_RANGE[1] * TILE, 0.5)
    score = np.zeros(len(periods))
    for m, n in _LATTICE:
        ry, rx = m * periods, n * periods
        ok = (np.abs(ry) < h - TILE // 2) & (np.abs(rx) < w - TILE // 2)
        vals = map_coordinates(acf, [ry % (2 * h), rx % (2 * w)], order=1, mode="grid-wrap")
        score += np.where(ok, vals, 0.0)
    return _peaks(score, count, periods)


_LATTICE = [(m, n) for m in range(0, 3) for n in range(-2, 3) if m > 0 or n > 0]


def _p_value(z: float, weight: float) -> float:
    """Weighted Bonferroni: a hypothesis with share ``weight`` of alpha tests TILE**2 shifts."""
    return float(min(1.0, TILE * TILE * tail_bound(z) / weight))


@dataclass(frozen=True)
class _Hypothesis:
    """One tested geometry: its alignment, its share of alpha, and how it was reached."""

    al: _Alignment
    weight: float
    orientation: tuple[int, bool]
    lattice: list[list[float]] | None
    perspective: list[float] | None = None
    """The homography's projective terms (per 1000 working pixels), when one was fitted."""
    keyed: str | None = None
    """The key-dependent warp (family and value), when that search found the mark."""


def _hypotheses(subkey: bytes, res: Float) -> Iterator[_Hypothesis]:
    """Every geometry the detector may test, cheapest and likeliest first.

    The set and the weights are fixed by the residual alone (never the key), and the weights sum
    to at most one, so stopping early anywhere keeps the weighted union bound valid.
    """
    yield _Hypothesis(_align(subkey, res, (TILE, TILE)), DIRECT_WEIGHT, (0, False), None)
    geometry = _geometry(res)
    periods = geometry.periods
    scale_weight = SCALE_WEIGHT / (N_SCALE_HYPOTHESES - 1)
    for period in periods:
        yield _Hypothesis(_align(subkey, res, (period, period)), scale_weight, (0, False), None)
    # turned by quarter turns or mirrored after marking: undo it exactly and test again, at the
    # unscaled period and at every scale hypothesis (a turned and cropped photo)
    orient_weight = ORIENT_WEIGHT / (len(ORIENTATIONS) * N_SCALE_HYPOTHESES)
    for k, flip in ORIENTATIONS:
        upright = np.ascontiguousarray(np.rot90(np.fliplr(res) if flip else res, -k))
        for period in (float(TILE), *periods):
            yield _Hypothesis(
                _align(subkey, upright, (period, period)), orient_weight, (k, flip), None
            )
    # rotated, stretched, sheared or seen at a slant: read the tile lattice, undo the map, test
    affine_weight = AFFINE_WEIGHT / (MAX_BASES * 8)
    bases = geometry.bases
    for basis in bases:
        rect = rectify(res, basis)
        lattice = _rounded(basis)
        for k, flip in ((0, False), *ORIENTATIONS):
            upright = np.ascontiguousarray(np.rot90(np.fliplr(rect) if flip else rect, -k))
            al = _align(subkey, upright, (TILE, TILE))
            yield _Hypothesis(al, affine_weight, (k, flip), lattice)
    # photographed at a slant (a print, a screen): a homography fitted to the lattice read in
    # local windows, seeded by the square tile, the likeliest scale and the likeliest lattices
    projective_weight = PROJECTIVE_WEIGHT / (MAX_HOMOGRAPHIES * 8)
    for hom in geometry.homographies:
        rect = unwarp(res, hom)
        lattice = _rounded(TILE * np.linalg.inv(hom.m))
        persp = [round(float(x) * 1000.0, 4) for x in hom.p]
        for k, flip in ((0, False), *ORIENTATIONS):
            upright = np.ascontiguousarray(np.rot90(np.fliplr(rect) if flip else rect, -k))
            al = _align(subkey, upright, (TILE, TILE))
            yield _Hypothesis(al, projective_weight, (k, flip), lattice, persp)


class _Geometry:
    """The key-independent geometry of one residual: scale, lattice and perspective estimates.

    None of it depends on the key, so it is computed once per residual and reused when the same
    image is tested under several keys (key rotation tries each key in turn); each part only
    when a search first gets that far.
    """

    def __init__(self, res: Float) -> None:
        self.res = res

    @cached_property
    def periods(self) -> list[float]:
        return period_candidates(self.res)

    @cached_property
    def bases(self) -> list[np.ndarray]:
        return lattice_bases(self.res)

    @cached_property
    def homographies(self) -> list[Homography]:
        seeds = [TILE * np.eye(2), *(p * np.eye(2) for p in self.periods[:1]), *self.bases[:2]]
        return homographies(self.res, seeds)


_GEOMETRY_CACHE: OrderedDict[bytes, _Geometry] = OrderedDict()
_GEOMETRY_CACHE_SIZE = 2
_GEOMETRY_LOCK = threading.Lock()


def _geometry(res: Float) -> _Geometry:
    """The cached :class:`_Geometry` of ``res`` (keyed by a digest of its values)."""
    digest = hashlib.blake2b(np.ascontiguousarray(res).tobytes(), digest_size=16).digest()
    digest += repr(res.shape).encode()
    with _GEOMETRY_LOCK:  # detection runs in worker threads (web app, gateway, bulk scan)
        found = _GEOMETRY_CACHE.get(digest)
        if found is None:
            found = _GEOMETRY_CACHE[digest] = _Geometry(res)
            while len(_GEOMETRY_CACHE) > _GEOMETRY_CACHE_SIZE:
                _GEOMETRY_CACHE.popitem(last=False)
        else:
            _GEOMETRY_CACHE.move_to_end(digest)
    return found


def _rounded(basis: np.ndarray) -> list[list[float]]:
    return [[round(float(x), 2) for x in row] for row in basis]


def detect_image(image: Image.Image | NDArray[np.uint8], *, key: WatermarkKey) -> WatermarkResult:
    """Test ``image`` for the watermark of ``key`` and decode its 48-bit payload if present.

    Hypotheses are tested in order until one both passes the presence test and decodes (CRC):
    a geometry close enough to detect may still be too blurred to decode (a slanted photo
    detects at the direct hypothesis; its lattice, tested later, decodes). The reported
    p-value is the smallest over every hypothesis tested, each against its own share of alpha.
    """
    planes = to_planes(image)
    y = luma(planes.colour)
    res = whiten(resize(y, working_shape(*y.shape)))
    subkey = key.derive(SCHEME)
    p, tried = 1.0, 0
    best: _Hypothesis | None = None
    payload: int | None = None
    for hyp in _hypotheses(subkey, res):
        tried += 1
        hyp_p = _p_value(hyp.al.z, hyp.weight)
        if best is None or hyp_p < p or (hyp_p == p and hyp.al.z > best.al.z):
            if payload is None:
                best = hyp
            p = min(p, hyp_p)
        if hyp_p <= ALPHA and payload is None:
            payload = _decode(subkey, hyp.al)
            if payload is not None:
                best = hyp
                break
    assert best is not None
    if payload is None:
        found = _keyed_search(subkey, res)
        if found is not None:
            best, payload, tried = found[0], found[1], tried + found[2]
            p = min(p, _keyed_p_value(best.al.z))
    detected = p <= ALPHA
    return WatermarkResult(
        detected=detected,
        p_value=p,
        payload=payload,
        payload_bits=PAYLOAD_BITS,
        scheme=SCHEME,
        key_id=key.key_id,
        details={
            "z": round(best.al.z, 3),
            "alpha": ALPHA,
            "tile_shift": list(best.al.shift),
            "tile_period": round(float(best.al.period[0]), 2),
            "orientation": {"quarter_turns": best.orientation[0], "mirrored": best.orientation[1]},
            "hypotheses": tried,
            "lattice": best.lattice,
            "perspective": best.perspective,
            "keyed_warp": best.keyed,
        },
    )


def _keyed_p_value(z: float) -> float:
    """Bound for one key-dependent hypothesis whose payload CRC matched (see :mod:`._keyed`)."""
    n = _keyed.n_hypotheses()
    return float(min(1.0, n * TILE * TILE * tail_bound(z) * _keyed.CRC_FACTOR / KEYED_WEIGHT))


@functools.lru_cache(maxsize=1)
def keyed_threshold() -> float:
    """Smallest sync z at which a key-dependent hypothesis with a matching CRC is detected."""
    lo, hi = 0.0, 20.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if _keyed_p_value(mid) <= ALPHA else (mid, hi)
    return hi


KEYED_SCREEN_MARGIN = 0.5
"""A warp's orientation is tested exactly when its batched z is within this of the threshold."""


def _keyed_search(subkey: bytes, res: Float) -> tuple[_Hypothesis, int, int] | None:
    """The key-dependent warp search: the first exact hypothesis that passes and decodes.

    Returns it, its payload and how many exact hypotheses were tested; None when none passes
    (then nothing of this family is detected: a hypothesis without a matching CRC does not count).
    """
    threshold = keyed_threshold()
    tried = 0
    for warp, zs in _keyed.candidates(subkey, res):
        folded = _keyed.keyed_fold(res, warp.matrix())
        for o in np.argsort(-zs):
            if zs[o] < threshold - KEYED_SCREEN_MARGIN:
                break
            k, flip = _keyed.inverse_orientation(*_keyed.ORIENTS[int(o)])
            upright = np.ascontiguousarray(np.rot90(np.fliplr(folded) if flip else folded, -k))
            z = _sync_scores(subkey, _matched(upright))
            flat = int(np.argmax(z))
            al = _Alignment(float(z.flat[flat]), divmod(flat, TILE), (TILE, TILE), upright)
            tried += 1
            if _keyed_p_value(al.z) > ALPHA:
                continue
            payload = _decode(subkey, al)
            if payload is not None:
                lattice = _rounded(TILE * np.linalg.inv(warp.matrix()))
                hyp = _Hypothesis(al, KEYED_WEIGHT, (k, flip), lattice, keyed=warp.describe())
                return hyp, payload, tried
    return None


def _decode(subkey: bytes, al: _Alignment) -> int | None:
    code = tile_code(subkey)
    matched = _matched(al.folded)
    rows, cols = chip_centres()
    sr, sc = al.shift
    values = matched[(rows + sr) % TILE, (cols + sc) % TILE]
    chips = values[code.payload_idx]
    scale = 1.4826 * float(np.median(np.abs(chips))) + 1e-12
    soft_chips = np.clip(chips / scale, -SOFT_CLIP, SOFT_CLIP) * code.signs[code.payload_idx]
    soft = np.bincount(code.symbol_of, weights=soft_chips, minlength=coded_length(PAYLOAD_BITS))
    return decode_payload(soft.astype(np.float64), PAYLOAD_BITS)
