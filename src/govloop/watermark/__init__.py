"""Keyed watermarks for text, images and audio, with exact presence tests and payloads.

Image and audio (this package) and text (:mod:`govloop.watermark.text`) share one result type,
:class:`WatermarkResult`, and one entry point for files, :func:`detect_payload`. Heavy parts are
imported lazily: ``import govloop.watermark`` costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govloop.watermark._dispatch import (
    WatermarkScheme,
    detect_payload,
    detect_with_keys,
    find_scheme,
    sniff_media,
)
from govloop.watermark._keys import WatermarkKey, watermark_key, watermark_keys
from govloop.watermark._result import WatermarkResult, payload_hex

if TYPE_CHECKING:
    from govloop.watermark.audio import detect_audio, embed_audio
    from govloop.watermark.image import detect_image, embed_image

__all__ = [
    "WatermarkKey",
    "WatermarkResult",
    "WatermarkScheme",
    "detect_audio",
    "detect_image",
    "detect_payload",
    "detect_with_keys",
    "embed_audio",
    "embed_image",
    "find_scheme",
    "payload_hex",
    "sniff_media",
    "watermark_key",
    "watermark_keys",
]

_LAZY = {
    "detect_audio": "govloop.watermark.audio",
    "embed_audio": "govloop.watermark.audio",
    "detect_image": "govloop.watermark.image",
    "embed_image": "govloop.watermark.image",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'govloop.watermark' has no attribute {name!r}")
