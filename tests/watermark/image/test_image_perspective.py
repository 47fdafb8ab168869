"""Perspective: a photo of a marked print taken a few degrees off-axis.

The detector fits a homography to the tile lattice read in local windows (key-independent) and
tests it as one more hypothesis of the union bound; the wider search must not let unmarked
photos through.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image

from govloop.watermark import WatermarkKey
from govloop.watermark.image import detect_image
from govloop.watermark.image._pattern import TILE
from govloop.watermark.image._projective import MAX_HOMOGRAPHIES, homographies, unwarp

from .conftest import PAYLOAD

BASE_HYPOTHESES = 128
"""Hypotheses the detector tests before the perspective ones (see _detect._hypotheses)."""
SLANT_DEGREES = 3.5
"""Measured: at 3.0 degrees the affine lattice still decodes chelsea (coffee needs the
homography); at 3.5 both need it, and main before this change decoded neither."""


def _coefficients(src: np.ndarray, dst: np.ndarray) -> list[float]:
    """PIL PERSPECTIVE coefficients taking output points ``dst`` to input points ``src``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return [float(c) for c in np.linalg.solve(np.asarray(rows), np.asarray(rhs))]


def _slant(img: Image.Image, degrees: float) -> Image.Image:
    """An off-axis view, then JPEG 85: corners moved by tan(degrees) of the half size, in the
    one pattern (alternating round the corners) that no affine map undoes even in part."""
    w, h = img.size
    d = math.tan(math.radians(degrees)) * min(w, h) / 2
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    dst = src + d * np.array([[1, 1], [-1, -1], [1, 1], [-1, -1]])
    out = img.transform(
        img.size, Image.Transform.PERSPECTIVE, _coefficients(src, dst), Image.Resampling.BICUBIC
    )
    buf = io.BytesIO()
    out.convert("RGB").save(buf, "JPEG", quality=85)
    return Image.open(io.BytesIO(buf.getvalue()))


@pytest.fixture(scope="module")
def slanted(
    photos: dict[str, Image.Image], marked: dict[str, Image.Image]
) -> dict[str, Image.Image]:
    return {name: _slant(img, SLANT_DEGREES) for name, img in marked.items()}


@pytest.mark.parametrize("name", ["chelsea", "coffee"])
def test_a_perspective_of_a_few_degrees_is_undone_and_decoded(
    slanted: dict[str, Image.Image], wm_key: WatermarkKey, name: str
) -> None:
    res = detect_image(slanted[name], key=wm_key)
    assert res.detected and res.p_value <= 1e-6
    assert res.payload == PAYLOAD
    # decoded through a fitted homography, not the affine lattice or the direct hypothesis
    assert res.details["perspective"] is not None
    assert res.details["hypotheses"] > BASE_HYPOTHESES


@pytest.mark.parametrize("name", ["chelsea", "coffee"])
def test_unmarked_photos_under_the_same_perspective_stay_undetected(
    photos: dict[str, Image.Image], wm_key: WatermarkKey, name: str
) -> None:
    res = detect_image(_slant(photos[name], SLANT_DEGREES), key=wm_key)
    assert not res.detected and res.p_value > 1e-6 and res.payload is None
    assert res.details["hypotheses"] > BASE_HYPOTHESES  # the perspective search really ran


def test_unmarked_noise_with_a_periodic_texture_stays_undetected(wm_key: WatermarkKey) -> None:
    """A strong key-less tile-periodic texture: every homography fits it, none may pass."""
    rng = np.random.default_rng(11)
    tile = rng.normal(128, 25, (TILE, TILE))
    plane = np.clip(np.tile(tile, (4, 5)), 0, 255).astype(np.uint8)
    img = _slant(Image.fromarray(plane).convert("RGB"), SLANT_DEGREES)
    res = detect_image(img, key=wm_key)
    assert not res.detected and res.p_value > 1e-6
    assert res.details["hypotheses"] > BASE_HYPOTHESES


def test_the_homography_of_a_periodic_texture_is_read_back() -> None:
    """Known homography in, about the same map (up to a translation) out.

    The projective part moves the corners by 15 to 20 pixels; the fit gets them to within 5
    (measured: 2 to 4) and the projective terms to within 20 %."""
    from scipy.ndimage import map_coordinates

    rng = np.random.default_rng(7)
    tile = rng.standard_normal((TILE, TILE))
    h, w = 512, 640
    centre = np.array([h / 2, w / 2])
    p_true = np.array([0.12e-3, -0.09e-3])  # about 3 degrees of keystone each way
    m_true = np.array([[1.02, 0.01], [-0.015, 0.99]])
    d = np.stack(np.mgrid[0:h, 0:w].astype(np.float64), -1) - centre
    q = (d @ m_true.T) / (1.0 + d @ p_true)[..., None]  # observed pixel -> tile coordinates
    res = map_coordinates(
        np.tile(tile, (9, 9)), [q[..., 0] + 4 * TILE, q[..., 1] + 4 * TILE], order=1
    )
    [hom, *_] = homographies(res, [TILE * np.eye(2)])
    corners = np.array([[0, 0], [h, 0], [0, w], [h, w]], dtype=np.float64) - centre
    got = corners @ hom.m.T / (1.0 + corners @ hom.p)[:, None]
    want = corners @ m_true.T / (1.0 + corners @ p_true)[:, None]
    assert np.ptp(got - want, axis=0).max() < 5.0
    assert np.all(np.abs(hom.p - p_true) < 0.2 * np.abs(p_true))
    assert unwarp(res, hom).shape[0] > TILE


def test_the_perspective_search_is_bounded() -> None:
    rng = np.random.default_rng(2)
    res = rng.standard_normal((512, 600))
    assert len(homographies(res, [TILE * np.eye(2)] * 10)) <= MAX_HOMOGRAPHIES
