"""One entry point for any file: sniff image, audio or text and run the matching detector."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

from govloop.errors import FormatError
from govloop.plugins import PLUGINS, Registry
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
_AUDIO_EXT = (".wav", ".flac", ".ogg", ".mp3", ".aac", ".opus", ".pcm")
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


@runtime_checkable
class WatermarkScheme(Protocol):
    """A detector for one medium (``image``, ``audio``, ``text`` or a plugin's own)."""

    name: str
    """Scheme name (registry entry name)."""
    media: str
    """The media kind it reads: what :func:`sniff_media` answers, or a plugin's own."""

    def detect(self, data: bytes, *, filename: str, key: WatermarkKey) -> WatermarkResult | None:
        """The detection result; None when the bytes are not this medium."""
        ...


@runtime_checkable
class SniffingScheme(Protocol):
    """Optional hook: a scheme that recognises its own medium (tried before :func:`sniff_media`)."""

    def sniff(self, data: bytes, filename: str) -> bool:
        """True when ``data`` is this scheme's medium."""
        ...


class _ImageScheme:
    name = media = "image"

    def detect(self, data: bytes, *, filename: str, key: WatermarkKey) -> WatermarkResult | None:
        from govloop.watermark.image import detect_image, load_image

        return detect_image(load_image(data, filename=filename), key=key)


class _AudioScheme:
    name = media = "audio"

    def detect(self, data: bytes, *, filename: str, key: WatermarkKey) -> WatermarkResult | None:
        from govloop.watermark.audio import detect_audio, read_audio

        samples, rate = read_audio(data, filename=filename)
        return detect_audio(samples, rate, key=key)


class _TextScheme:
    name = media = "text"

    def detect(self, data: bytes, *, filename: str, key: WatermarkKey) -> WatermarkResult | None:
        from govloop.watermark.text import detect_text

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(f"{filename or '<text>'}: not UTF-8 text (byte {exc.start})") from exc
        return detect_text(text, key=key)


#: The ``watermark_scheme`` kind of the plugin registry.
SCHEMES: Registry[WatermarkScheme] = PLUGINS.watermark_scheme


def _load_builtins() -> None:
    for cls in (_ImageScheme, _AudioScheme, _TextScheme):
        SCHEMES.register(cls.name, cls, builtin=True)


SCHEMES.set_builtins(_load_builtins, expect=WatermarkScheme)


def find_scheme(data: bytes, filename: str = "") -> WatermarkScheme | None:
    """The scheme for ``data``: a sniffing plugin scheme first, else the first of its medium."""
    schemes = [SCHEMES.instance(name) for name in SCHEMES.names()]
    for scheme in schemes:
        if isinstance(scheme, SniffingScheme) and scheme.sniff(data, filename):
            return scheme
    kind = sniff_media(data, filename)
    return next((s for s in schemes if s.media == kind), None) if kind else None


def detect_payload(data: bytes, *, filename: str = "", key: WatermarkKey) -> WatermarkResult | None:
    """Detect the watermark of ``key`` in an image, audio or text file's bytes.

    Returns None when the bytes are no supported medium; raises FormatError for a broken file.
    Text goes to :func:`govloop.watermark.text.detect_text` (default tokenizer). The detector is
    the registered :class:`WatermarkScheme` of the medium (plugins may add schemes).
    """
    scheme = find_scheme(data, filename)
    return None if scheme is None else scheme.detect(data, filename=filename, key=key)


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
