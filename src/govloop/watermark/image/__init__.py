"""Keyed, robust, invisible image watermark with a 48-bit payload and an exact presence test."""

from govloop.watermark.image._detect import detect_image
from govloop.watermark.image._embed import embed_image, psnr
from govloop.watermark.image._io import load_image, save_image
from govloop.watermark.image._pattern import ALPHA, PAYLOAD_BITS, SCHEME

__all__ = [
    "ALPHA",
    "PAYLOAD_BITS",
    "SCHEME",
    "detect_image",
    "embed_image",
    "load_image",
    "psnr",
    "save_image",
]
