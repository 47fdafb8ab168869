from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from govloop.watermark import WatermarkKey

PAYLOAD = 0x1A2B_3C4D_5E6F

Edit = Callable[[Image.Image], Image.Image]


def rotate(deg: float) -> Edit:
    """Rotate by ``deg`` degrees about the centre, keeping the size (corners cut, bicubic)."""
    return lambda img: img.rotate(deg, resample=Image.Resampling.BICUBIC)


def aspect(a: float) -> Edit:
    """Stretch the rows by ``a`` (height x a), the width kept."""

    def edit(img: Image.Image) -> Image.Image:
        w, h = img.size
        return img.resize((w, round(h * a)), Image.Resampling.BICUBIC)

    return edit


@pytest.fixture(scope="session")
def wm_key() -> WatermarkKey:
    return WatermarkKey(bytes(range(32)))


@pytest.fixture(scope="session")
def photos() -> dict[str, Image.Image]:
    import skimage.data as data  # bundled sample images, no download

    return {"chelsea": Image.fromarray(data.chelsea()), "coffee": Image.fromarray(data.coffee())}


@pytest.fixture(scope="session")
def marked(photos: dict[str, Image.Image], wm_key: WatermarkKey) -> dict[str, Image.Image]:
    from govloop.watermark.image import embed_image

    out = {}
    for name, img in photos.items():
        m = embed_image(img, key=wm_key, payload=PAYLOAD)
        assert isinstance(m, Image.Image)
        out[name] = m
    return out


def as_array(img: Image.Image) -> np.ndarray:
    return np.asarray(img).astype(np.float64)
