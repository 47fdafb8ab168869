"""Encoding governed speech in the containers ``audio.speech`` offers: WAV, MP3, Ogg Opus.

The gateway encodes after labeling and watermarking (so every container carries the same
audio prompt and watermark) with what govloop already uses for audio: soundfile (libsndfile)
for WAV and Ogg Opus, PyAV's libmp3lame for MP3 (``govloop.watermark.audio``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Opus encodes only these rates; speech is resampled to the nearest one above its own.
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)


@dataclass(frozen=True)
class AudioFormat:
    """One ``response_format``."""

    name: str
    """``wav``, ``mp3`` or ``opus``."""
    content_type: str
    """What OpenAI answers with."""
    filename: str
    """The file name govloop's label and watermark code take the container from."""


FORMATS = {
    "wav": AudioFormat("wav", "audio/wav", "speech.wav"),
    "mp3": AudioFormat("mp3", "audio/mpeg", "speech.mp3"),
    "opus": AudioFormat("opus", "audio/opus", "speech.opus"),
}


def encode(samples: np.ndarray, rate: int, fmt: AudioFormat) -> bytes:
    """Mono float samples as a file in ``fmt`` (16-bit PCM for WAV)."""
    import io

    import soundfile as sf

    from govloop.watermark.audio import encode_mp3, write_audio

    x = np.clip(np.asarray(samples, dtype=np.float64), -1.0, 1.0)
    if fmt.name == "mp3":
        return encode_mp3(x, rate)
    if fmt.name == "wav":
        return write_audio(x, rate, filename=fmt.filename, subtype="PCM_16")
    target = next((r for r in OPUS_RATES if r >= rate), OPUS_RATES[-1])
    if target != rate:
        from scipy.signal import resample_poly

        x = resample_poly(x, target, rate)
    buf = io.BytesIO()
    # compression_level 0 = libsndfile's highest Opus bitrate: the watermark survives it.
    sf.write(
        buf, np.clip(x, -1.0, 1.0), target, format="OGG", subtype="OPUS", compression_level=0.0
    )
    return buf.getvalue()
