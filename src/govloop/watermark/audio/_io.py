"""Audio files: WAV/FLAC/OGG through soundfile, MP3 and AAC through PyAV (the ``media`` extra).

A ``.pcm`` file is OpenAI's ``pcm`` speech format: headerless 24 kHz 16-bit little-endian mono
(the rate and layout are known only from the name, so only the name says so).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from numpy.typing import NDArray

from govloop.errors import FormatError, missing_extra

Float = NDArray[np.float64]


def _is_mp3(data: bytes, filename: str) -> bool:
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return True
    return filename.lower().endswith(".mp3")


PCM_RATE = 24_000
"""Rate of headerless ``.pcm`` audio (OpenAI's ``pcm``: 24 kHz, s16le, mono)."""


def read_audio(data: bytes, *, filename: str = "") -> tuple[Float, int]:
    """Decode audio bytes to float samples (frames x channels) in [-1, 1] and the sample rate."""
    name = filename or "<audio>"
    if filename.lower().endswith(".pcm"):
        if len(data) < 2 or len(data) % 2:
            raise FormatError(f"{name}: raw 16-bit PCM must hold an even, non-zero byte count")
        pcm = np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0
        return pcm[:, None], PCM_RATE
    if _is_mp3(data, filename):
        return _decode_av(data, name)
    import soundfile as sf

    from govloop._decode import decoding

    with decoding(name, "audio file"):
        samples, rate = sf.read(io.BytesIO(data), dtype="float64", always_2d=True)
    if samples.shape[0] == 0:
        raise FormatError(f"{name}: audio file holds no samples")
    return np.asarray(samples, dtype=np.float64), int(rate)


def write_audio(samples: Float, rate: int, *, filename: str, subtype: str | None = None) -> bytes:
    """Encode samples in the container the file name asks for (WAV when unknown; MP3 via PyAV)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "wav"
    if ext == "mp3":
        return encode_mp3(samples, rate)
    import soundfile as sf

    fmt = {"wav": "WAV", "flac": "FLAC", "ogg": "OGG"}.get(ext, "WAV")
    buf = io.BytesIO()
    try:
        sf.write(buf, np.clip(samples, -1.0, 1.0), rate, format=fmt, subtype=subtype)
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError) as exc:
        raise FormatError(f"{filename}: cannot encode audio as {fmt} ({exc})") from exc
    return buf.getvalue()


def _av() -> Any:
    try:
        import av
    except ImportError as exc:
        raise missing_extra("av", "media") from exc
    return av


def _decode_av(data: bytes, name: str) -> tuple[Float, int]:
    av = _av()
    from govloop._decode import decoding

    chunks: list[Float] = []
    rate = 0
    with decoding(name, "audio file"), av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.audio[0]
        for frame in container.decode(stream):
            arr = frame.to_ndarray()
            rate = frame.sample_rate
            if frame.format.is_planar:
                arr = arr.T
            else:
                arr = arr.reshape(-1, len(frame.layout.channels))
            if arr.dtype.kind == "i":
                arr = arr / float(np.iinfo(arr.dtype).max)
            chunks.append(np.asarray(arr, dtype=np.float64))
    if not chunks:
        raise FormatError(f"{name}: audio file holds no samples")
    return np.concatenate(chunks, axis=0), int(rate)


def encode_with_av(samples: Float, rate: int, *, container: str, codec: str, bitrate: int) -> bytes:
    """Encode float samples (mono or the first two channels) with one of PyAV's encoders.

    One encode loop for every compressed format govloop writes through FFmpeg (MP3 here, AAC
    for the gateway's speech), so flushing and sample conversion are done the same way.
    """
    av = _av()
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    layout = "mono" if x.shape[1] == 1 else "stereo"
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.bit_rate = bitrate
        stream.layout = layout
        pcm = (np.clip(x[:, :2], -1, 1) * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout=layout)
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def encode_mp3(samples: Float, rate: int, *, bitrate: int = 128_000) -> bytes:
    """Encode float samples as MP3 (libmp3lame inside PyAV)."""
    return encode_with_av(samples, rate, container="mp3", codec="libmp3lame", bitrate=bitrate)
