"""Keyed spread-spectrum audio watermark with a 32-bit payload and an exact presence test."""

from govloop.watermark.audio._codec import detect_audio, embed_audio, snr_db
from govloop.watermark.audio._io import (
    PCM_RATE,
    encode_mp3,
    encode_with_av,
    read_audio,
    write_audio,
)
from govloop.watermark.audio._scheme import ALPHA, PAYLOAD_BITS, SCHEME

__all__ = [
    "ALPHA",
    "PAYLOAD_BITS",
    "PCM_RATE",
    "SCHEME",
    "detect_audio",
    "embed_audio",
    "encode_mp3",
    "encode_with_av",
    "read_audio",
    "snr_db",
    "write_audio",
]
