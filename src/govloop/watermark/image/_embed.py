"""Embedding the image watermark: a masked, tiled, keyed pattern added to the luma."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from govloop.errors import WatermarkError
from govloop.watermark._ecc import encode_payload
from govloop.watermark._keys import WatermarkKey
from govloop.watermark.image._io import Float, from_planes, luma, resize, to_planes
from govloop.watermark.image._pattern import (
    PAYLOAD_BITS,
    SCHEME,
    TILE,
    tile_pattern,
    working_shape,
)

if TYPE_CHECKING:
    from PIL import Image

MIN_SIDE = 256
TARGET_PSNR = 40.6
"""PSNR the embedder aims at before rounding; it never returns an image below :data:`PSNR_FLOOR`."""
PSNR_FLOOR = 40.0
MASK_POWER = 0.3
"""Perceptual masking: the local amplitude grows as (local activity) ** MASK_POWER."""


def psnr(a: Float, b: Float) -> float:
    """Peak signal-to-noise ratio in dB of two 0..255 arrays."""
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return math.inf if mse == 0 else 10.0 * math.log10(255.0**2 / mse)


def activity_mask(y_work: Float) -> Float:
    """Perceptual mask (mean 1) from local detail in the working domain.

    Busy regions hide more of the mark than flat ones; the floor keeps some mark everywhere so a
    crop of a flat region is still marked.
    """
    from scipy.ndimage import gaussian_filter

    detail = y_work - gaussian_filter(y_work, 2.0)
    act = np.sqrt(gaussian_filter(detail * detail, 6.0))
    med = float(np.median(act)) + 1e-6
    mask = np.clip(act / med, 0.15, 4.0) ** MASK_POWER
    # Mid-tones carry more: marks near black or white are clipped away by a brightness shift.
    tone = np.clip((y_work - 12.0) / 32.0, 0.15, 1.0) * np.clip((243.0 - y_work) / 32.0, 0.15, 1.0)
    mask = mask * gaussian_filter(tone, 4.0)
    return np.asarray(mask / float(np.mean(mask)), dtype=np.float64)


def mark_plane(key: WatermarkKey, payload: int, y: Float) -> Float:
    """The luma difference (unscaled, full resolution) that carries ``payload``."""
    height, width = y.shape
    hw, ww = working_shape(height, width)
    tile = tile_pattern(key.derive(SCHEME), encode_payload(payload, PAYLOAD_BITS))
    reps = (-(-hw // TILE), -(-ww // TILE))
    pattern = np.tile(tile, reps)[:hw, :ww]
    y_work = resize(y, (hw, ww))
    return resize(pattern * activity_mask(y_work), (height, width))


COLOUR_DIRECTION = True


def _direction(colour: Float) -> Float:
    """Per-channel weights of the luma change.

    Along the luma weights (normalised to unit mean square) one unit of mean squared error buys
    the most luma change: 1.157 times that of a grey (equal-channel) change.
    """
    if colour.shape[2] == 1 or not COLOUR_DIRECTION:
        return np.ones(colour.shape[2])
    w = np.array([0.299, 0.587, 0.114])
    return np.asarray(w / math.sqrt(float(np.mean(w * w))), dtype=np.float64)


def embed_image(
    image: Image.Image | NDArray[np.uint8],
    *,
    key: WatermarkKey,
    payload: int,
    target_psnr: float = TARGET_PSNR,
) -> Image.Image | NDArray[np.uint8]:
    """Embed a 48-bit ``payload`` under ``key``; returns the same kind of image (PIL or array).

    The shorter side must be at least 256 pixels. The result has PSNR >= 40 dB against the input.
    """
    if not 0 <= payload < (1 << PAYLOAD_BITS):
        raise WatermarkError(f"image payload {payload:#x} does not fit in {PAYLOAD_BITS} bits")
    planes = to_planes(image)
    colour = planes.colour
    height, width = colour.shape[:2]
    if min(height, width) < MIN_SIDE:
        raise WatermarkError(
            f"image is {width}x{height} px; the image watermark needs >= {MIN_SIDE} px per side"
        )
    diff = mark_plane(key, payload, luma(colour))
    energy = float(np.mean(diff * diff))
    if energy <= 0.0:
        raise WatermarkError("cannot embed: the watermark pattern is empty")
    gain = math.sqrt(255.0**2 / 10.0 ** (target_psnr / 10.0) / energy)
    for _ in range(4):
        marked = np.clip(np.rint(colour + gain * diff[:, :, None] * _direction(colour)), 0, 255)
        quality = psnr(marked, colour)
        if quality >= PSNR_FLOOR + 0.05:
            break
        gain *= 10.0 ** ((quality - PSNR_FLOOR - 0.2) / 20.0)
    return from_planes(marked, planes)
