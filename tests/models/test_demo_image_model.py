"""The procedural demo image model."""

from __future__ import annotations

import numpy as np
import pytest

from govloop.errors import InputError
from govloop.models import ImageModel, open_image_model


def test_deterministic_per_prompt_and_seed() -> None:
    model = open_image_model("demo-image")
    assert isinstance(model, ImageModel)
    a = np.asarray(model.generate_image("lake", size=(256, 192), seed=1))
    b = np.asarray(model.generate_image("lake", size=(256, 192), seed=1))
    c = np.asarray(model.generate_image("lake", size=(256, 192), seed=2))
    d = np.asarray(model.generate_image("city", size=(256, 192), seed=1))
    assert a.shape == (192, 256, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c) and not np.array_equal(a, d)


def test_image_looks_natural_not_flat() -> None:
    img = np.asarray(open_image_model().generate_image("hills", seed=4), dtype=np.float64)
    assert img.std() > 20  # real contrast
    grad = np.abs(np.diff(img, axis=1)).mean()
    assert 0.3 < grad < 20  # smooth regions with texture, not white noise


def test_bad_size_is_refused() -> None:
    with pytest.raises(InputError, match="image size 8x8"):
        open_image_model().generate_image("x", size=(8, 8))
    with pytest.raises(InputError, match="unknown image model"):
        open_image_model("sdxl")
