"""One entry point for any file: sniff image, audio or text and run the matching detector."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from govloop.errors import FormatError
from govloop.watermark._keys import WatermarkKey
from govloop.watermark._result import WatermarkResult

MediaKind = Literal["image", "audio", "text"]

_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
)
_IMAGE_EXT = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp")
_AUDIO_EXT = (".wav", ".flac", ".ogg", ".mp3")
_TEXT_EXT = (".txt", ".md", ".text")


def sniff_media(data: bytes, filename: str = "") -> MediaKind | None:
    """The media kind of ``data``: magic bytes first, then the file name's extension."""
    head = data[:16]
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if (head[:4] == b"RIFF" and head[8:12] == b"WAVE") or head.startswith(
        (b"fLaC", b"OggS", b"ID3")
    ):
        return "audio"
    if (
        len(head) > 1
        and head[0] == 0xFF
        and head[1] & 0xE0 == 0xE0
        and not head.startswith(b"\xff\xd8")
    ):
        return "audio"
    name = filename.lower()
    if name.endswith(_IMAGE_EXT):
        return "image"
    if name.endswith(_AUDIO_EXT):
        return "audio"
    if name.endswith(_TEXT_EXT):
        return "text"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text"


def detect_payload(data: bytes, *, filename: str = "", key: WatermarkKey) -> WatermarkResult | None:
    """Detect the watermark of ``key`` in an image, audio or text file's bytes.

    Returns None when the bytes are no supported medium; raises FormatError for a broken file.
    Text goes to :func:`govloop.watermark.text.detect_text` (default tokenizer).
    """
    kind = sniff_media(data, filename)
    if kind == "image":
        from govloop.watermark.image import detect_image, load_image

        return detect_image(load_image(data, filename=filename), key=key)
    if kind == "audio":
        from govloop.watermark.audio import detect_audio, read_audio

        samples, rate = read_audio(data, filename=filename)
        return detect_audio(samples, rate, key=key)
    if kind == "text":
        from govloop.watermark.text import detect_text

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(f"{filename or '<text>'}: not UTF-8 text (byte {exc.start})") from exc
        return detect_text(text, key=key)
    return None


def detect_with_keys(
    data: bytes, *, filename: str = "", keys: Sequence[WatermarkKey]
) -> WatermarkResult | None:
    """:func:`detect_payload` with each key in turn (active first): the first detection wins.

    After a key rotation old content carries an old key's mark. Trying k keys multiplies the
    false-positive bound by k (union bound); the result reports which key matched.
    """
    first: WatermarkResult | None = None
    for key in keys:
        result = detect_payload(data, filename=filename, key=key)
        if result is None:
            return None
        if result.detected:
            return result
        first = first or result
    return first
