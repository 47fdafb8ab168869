"""Encoding governed speech in every container ``audio.speech`` offers.

The gateway encodes after labeling and watermarking (so every container carries the same audio
prompt and watermark) with what govloop already uses for audio: soundfile (libsndfile) for WAV,
FLAC and Ogg Opus, PyAV (its libmp3lame and native AAC encoders) for MP3 and AAC in ADTS frames.
``pcm`` is OpenAI's headerless 24 kHz 16-bit little-endian mono: it has no metadata, so it is
the one format whose file carries no implicit label (the audio prompt and the watermark are in
the samples; the label travels in the ``X-AIGC`` header and the ledger entry).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from govloop.watermark.audio import PCM_RATE

#: Opus encodes only these rates; speech is resampled to the nearest one above its own.
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)

AAC_BITRATE = 192_000
"""AAC bit rate (mono): high enough that the audio watermark survives the lossy encoding."""


@dataclass(frozen=True)
class AudioFormat:
    """One ``response_format``."""

    name: str
    """``wav``, ``mp3``, ``opus``, ``aac``, ``flac`` or ``pcm``."""
    content_type: str
    """What OpenAI answers with."""
    filename: str
    """The file name govloop's label and watermark code take the container from."""
    metadata: bool = True
    """Whether the container holds the implicit label (``pcm`` has no metadata at all)."""


FORMATS = {
    "wav": AudioFormat("wav", "audio/wav", "speech.wav"),
    "mp3": AudioFormat("mp3", "audio/mpeg", "speech.mp3"),
    "opus": AudioFormat("opus", "audio/opus", "speech.opus"),
    "aac": AudioFormat("aac", "audio/aac", "speech.aac"),
    "flac": AudioFormat("flac", "audio/flac", "speech.flac"),
    "pcm": AudioFormat("pcm", "audio/pcm", "speech.pcm", metadata=False),
}


def _resample(x: np.ndarray, rate: int, target: int) -> np.ndarray:
    if target == rate:
        return x
    from scipy.signal import resample_poly

    out: np.ndarray = np.clip(resample_poly(x, target, rate), -1.0, 1.0)
    return out


def _encode_aac(x: np.ndarray, rate: int) -> bytes:
    from govloop.watermark.audio import encode_with_av

    return encode_with_av(x, rate, container="adts", codec="aac", bitrate=AAC_BITRATE)


def encode(samples: np.ndarray, rate: int, fmt: AudioFormat) -> bytes:
    """Mono float samples as a file in ``fmt`` (16-bit PCM for WAV, FLAC and ``pcm``)."""
    import soundfile as sf

    from govloop.watermark.audio import encode_mp3, write_audio

    x = np.clip(np.asarray(samples, dtype=np.float64), -1.0, 1.0)
    if fmt.name == "mp3":
        return encode_mp3(x, rate)
    if fmt.name in ("wav", "flac"):
        return write_audio(x, rate, filename=fmt.filename, subtype="PCM_16")
    if fmt.name == "aac":
        return _encode_aac(x, rate)
    if fmt.name == "pcm":
        y = _resample(x, rate, PCM_RATE)
        return (np.round(y * 32767.0)).astype("<i2").tobytes()
    target = next((r for r in OPUS_RATES if r >= rate), OPUS_RATES[-1])
    buf = io.BytesIO()
    # compression_level 0 = libsndfile's highest Opus bitrate: the watermark survives it.
    sf.write(
        buf, _resample(x, rate, target), target, format="OGG", subtype="OPUS", compression_level=0.0
    )
    return buf.getvalue()
