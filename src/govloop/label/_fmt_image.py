"""Image formats: the AIGC label inside an XMP packet (TC260 namespace).

Locations (TC260 image guide): JPEG APP1 XMP segment; PNG ``iTXt`` chunk with keyword
``XML:com.adobe.xmp``; WebP ``XMP `` chunk (the file is turned into the extended VP8X layout
when needed); TIFF IFD0 tag 700 (0x2BC), field type 7. Every writer edits the container in
place: pixels and other metadata are copied byte for byte.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterator

from govloop.errors import FormatError
from govloop.label._explicit import add_explicit_image_label
from govloop.label._model import AIGCLabel
from govloop.label._options import ExplicitOptions
from govloop.label._xmp import build_xmp, read_xmp_label

_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "tiff": "TIFF"}


class _XmpImage:
    """Shared logic: a format that stores one XMP packet somewhere in its container."""

    name = ""
    media_type = "image"
    extensions: tuple[str, ...] = ()

    def get_xmp(self, data: bytes) -> bytes | None:
        raise NotImplementedError

    def set_xmp(self, data: bytes, packet: bytes) -> bytes:
        raise NotImplementedError

    def read(self, data: bytes) -> AIGCLabel | None:
        """The label in the file's XMP packet, if any."""
        packet = self.get_xmp(data)
        return None if packet is None else read_xmp_label(packet, source=f"{self.name} XMP")

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Merge the label into the file's XMP packet (created when absent)."""
        existing = self.get_xmp(data)
        return self.set_xmp(data, build_xmp(label, existing, source=f"{self.name} XMP"))

    def add_explicit_label(self, data: bytes, *, filename: str, options: ExplicitOptions) -> bytes:
        """The picture re-encoded with the visible label; EXIF, ICC, DPI and XMP carried over."""
        import io

        from PIL import Image

        from govloop._decode import decoding

        with decoding(filename or self.name, "image"):
            img = Image.open(io.BytesIO(data))
            img.load()
        with img:
            info = dict(img.info)
            labelled = add_explicit_image_label(
                img, corner=options.corner, language=options.language
            )
        save: dict[str, object] = {
            k: info[k] for k in ("exif", "icc_profile", "dpi") if info.get(k) is not None
        }
        if self.name == "jpeg":
            save["quality"] = 95
        if self.name == "webp":
            save["quality"] = 90
        out = io.BytesIO()
        labelled.save(out, _PIL_FORMATS[self.name], **save)
        new = out.getvalue()
        packet = self.get_xmp(data)
        return self.set_xmp(new, packet) if packet is not None else new


# --------------------------------------------------------------------------- JPEG
_XMP_SIG = b"http://ns.adobe.com/xap/1.0/\x00"
_SOS, _EOI = 0xDA, 0xD9
_STANDALONE = {0x01, *range(0xD0, 0xD8)}


def _jpeg_segments(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(marker, start, end) of each header segment up to and including SOS."""
    if not data.startswith(b"\xff\xd8"):
        raise FormatError("not a JPEG file (no SOI marker)")
    pos = 2
    while True:
        if pos + 2 > len(data):
            raise FormatError(f"JPEG truncated at byte {pos} before the image data")
        if data[pos] != 0xFF:
            raise FormatError(f"JPEG marker expected at byte {pos}, found {data[pos]:#04x}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            yield marker, pos, pos + 2
            pos += 2
            continue
        if marker == _EOI:
            raise FormatError("JPEG ends before any image data (EOI before SOS)")
        if pos + 4 > len(data):
            raise FormatError(f"JPEG segment header truncated at byte {pos}")
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise FormatError(f"JPEG segment {marker:#04x} at byte {pos} has a bad length {length}")
        yield marker, pos, end
        if marker == _SOS:
            return
        pos = end


class JpegFormat(_XmpImage):
    """JPEG: XMP in an APP1 segment."""

    name = "jpeg"
    extensions: tuple[str, ...] = (".jpg", ".jpeg", ".jpe", ".jfif")

    def sniff(self, data: bytes, filename: str) -> bool:
        """SOI marker followed by another marker."""
        del filename
        return data[:3] == b"\xff\xd8\xff"

    @staticmethod
    def _is_xmp(data: bytes, marker: int, start: int, end: int) -> bool:
        return (
            marker == 0xE1
            and data[start + 4 : start + 4 + len(_XMP_SIG)] == _XMP_SIG
            and (end - start >= 4 + len(_XMP_SIG))
        )

    def get_xmp(self, data: bytes) -> bytes | None:
        """Payload of the first standard XMP APP1 segment."""
        for marker, start, end in _jpeg_segments(data):
            if self._is_xmp(data, marker, start, end):
                return data[start + 4 + len(_XMP_SIG) : end]
        return None

    def set_xmp(self, data: bytes, packet: bytes) -> bytes:
        """Replace XMP APP1 segments by one new segment after the JFIF/Exif segments."""
        payload = _XMP_SIG + packet
        if len(payload) + 2 > 0xFFFF:
            raise FormatError(
                f"XMP packet of {len(packet)} bytes does not fit one JPEG APP1 segment"
            )
        segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
        parts = [data[:2]]
        insert_at = 1
        rest_start = 2
        for marker, start, end in _jpeg_segments(data):
            if marker == _SOS:
                rest_start = start
                break
            if self._is_xmp(data, marker, start, end):
                continue
            parts.append(data[start:end])
            if marker in (0xE0, 0xE1) and insert_at == len(parts) - 1:
                insert_at = len(parts)
        parts.insert(insert_at, segment)
        parts.append(data[rest_start:])
        return b"".join(parts)

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the file without its XMP APP1 and C2PA (APP11 JUMBF) segments."""
        h = hashlib.sha256(data[:2])
        rest = 2
        for marker, start, end in _jpeg_segments(data):
            if marker == _SOS:
                rest = start
                break
            if marker != 0xEB and not self._is_xmp(data, marker, start, end):
                h.update(data[start:end])
        h.update(data[rest:])
        return h.digest()


# --------------------------------------------------------------------------- PNG
_PNG_SIG = b"\x89PNG\r\n\x1a\n"
_XMP_KEY = b"XML:com.adobe.xmp"
_MAX_INFLATE = 4 * 1024 * 1024


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(type, start, end) of every chunk; ``start`` is the length field."""
    if not data.startswith(_PNG_SIG):
        raise FormatError("not a PNG file (bad signature)")
    pos = 8
    while pos < len(data):
        if pos + 8 > len(data):
            raise FormatError(f"PNG chunk header truncated at byte {pos}")
        length, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise FormatError(f"PNG chunk {ctype!r} at byte {pos} runs past the end of the file")
        yield ctype, pos, end
        if ctype == b"IEND":
            return
        pos = end
    raise FormatError("PNG file has no IEND chunk (truncated)")


def _png_xmp_text(body: bytes) -> bytes | None:
    """The XMP text of an iTXt chunk body, None when the chunk is not XMP."""
    key, sep, rest = body.partition(b"\x00")
    if key != _XMP_KEY or not sep:
        return None
    if len(rest) < 2:
        raise FormatError("PNG XMP iTXt chunk is truncated")
    compressed, _method = rest[0], rest[1]
    parts = rest[2:].split(b"\x00", 2)
    if len(parts) != 3:
        raise FormatError("PNG XMP iTXt chunk is truncated")
    text = parts[2]
    if compressed:
        try:
            inflater = zlib.decompressobj()
            text = inflater.decompress(text, _MAX_INFLATE)
        except zlib.error as exc:
            raise FormatError("PNG XMP iTXt chunk: bad zlib data") from exc
        if inflater.unconsumed_tail:
            raise FormatError(f"PNG XMP iTXt chunk inflates beyond {_MAX_INFLATE} bytes")
    return text


class PngFormat(_XmpImage):
    """PNG: XMP in an ``iTXt`` chunk with keyword ``XML:com.adobe.xmp``."""

    name = "png"
    extensions: tuple[str, ...] = (".png",)

    def sniff(self, data: bytes, filename: str) -> bool:
        """PNG signature."""
        del filename
        return data.startswith(_PNG_SIG)

    def _is_xmp(self, data: bytes, ctype: bytes, start: int, end: int) -> bool:
        return (
            ctype == b"iTXt"
            and data[start + 8 : start + 8 + len(_XMP_KEY) + 1] == (_XMP_KEY + b"\x00")
            and end > start
        )

    def get_xmp(self, data: bytes) -> bytes | None:
        """Text of the first XMP iTXt chunk."""
        for ctype, start, end in _png_chunks(data):
            if ctype == b"iTXt":
                text = _png_xmp_text(data[start + 8 : end - 4])
                if text is not None:
                    return text
        return None

    def set_xmp(self, data: bytes, packet: bytes) -> bytes:
        """Drop old XMP chunks, insert the new one before the first IDAT."""
        body = b"iTXt" + _XMP_KEY + b"\x00\x00\x00\x00\x00" + packet
        chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
        parts = [_PNG_SIG]
        placed = False
        for ctype, start, end in _png_chunks(data):
            if self._is_xmp(data, ctype, start, end):
                continue
            if not placed and ctype in (b"IDAT", b"IEND"):
                parts.append(chunk)
                placed = True
            parts.append(data[start:end])
        return b"".join(parts)

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of every chunk except XMP iTXt and C2PA ``caBX`` chunks."""
        h = hashlib.sha256(_PNG_SIG)
        for ctype, start, end in _png_chunks(data):
            if ctype != b"caBX" and not self._is_xmp(data, ctype, start, end):
                h.update(data[start:end])
        return h.digest()


# --------------------------------------------------------------------------- WebP
def _webp_chunks(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    """(fourcc, start, end) of every chunk; ``end`` includes the pad byte."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise FormatError("not a WebP file (bad RIFF/WEBP header)")
    (riff_size,) = struct.unpack("<I", data[4:8])
    limit = 8 + riff_size
    if limit > len(data):
        raise FormatError(f"WebP RIFF size {riff_size} runs past the end of the file (truncated)")
    pos = 12
    while pos < limit:
        if pos + 8 > limit:
            raise FormatError(f"WebP chunk header truncated at byte {pos}")
        fourcc = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        end = pos + 8 + size + (size & 1)
        if pos + 8 + size > limit:
            raise FormatError(f"WebP chunk {fourcc!r} at byte {pos} runs past the RIFF end")
        yield fourcc, pos, min(end, limit)
        pos = end


def _webp_chunk(fourcc: bytes, payload: bytes) -> bytes:
    pad = b"\x00" if len(payload) & 1 else b""
    return fourcc + struct.pack("<I", len(payload)) + payload + pad


def _webp_canvas(data: bytes, chunks: list[tuple[bytes, int, int]]) -> tuple[int, int, bool]:
    """Width, height and alpha hint from the VP8/VP8L bitstream of a simple WebP."""
    for fourcc, start, end in chunks:
        body = data[start + 8 : end]
        if fourcc == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
            w, h = struct.unpack("<HH", body[6:10])
            return w & 0x3FFF, h & 0x3FFF, False
        if fourcc == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
            (bits,) = struct.unpack("<I", body[1:5])
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, bool((bits >> 28) & 1)
    raise FormatError("WebP has no readable VP8/VP8L image header")


class WebpFormat(_XmpImage):
    """WebP: XMP in an ``XMP `` chunk of the extended (VP8X) layout."""

    name = "webp"
    extensions: tuple[str, ...] = (".webp",)

    def sniff(self, data: bytes, filename: str) -> bool:
        """RIFF container with the WEBP form type."""
        del filename
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"

    def get_xmp(self, data: bytes) -> bytes | None:
        """Payload of the ``XMP `` chunk."""
        for fourcc, start, _end in _webp_chunks(data):
            if fourcc == b"XMP ":
                (size,) = struct.unpack("<I", data[start + 4 : start + 8])
                return data[start + 8 : start + 8 + size]
        return None

    def set_xmp(self, data: bytes, packet: bytes) -> bytes:
        """Put the packet in an ``XMP `` chunk at the end; add VP8X and set its XMP flag."""
        chunks = list(_webp_chunks(data))
        parts: list[bytes] = []
        if not chunks or chunks[0][0] != b"VP8X":
            width, height, alpha = _webp_canvas(data, chunks)
            flags = 0x04 | (0x10 if alpha else 0)
            vp8x = bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little")
            parts.append(_webp_chunk(b"VP8X", vp8x + (height - 1).to_bytes(3, "little")))
        for fourcc, start, end in chunks:
            if fourcc == b"XMP ":
                continue
            chunk = data[start:end]
            if fourcc == b"VP8X":
                if end - start < 18:
                    raise FormatError("WebP VP8X chunk is too short")
                chunk = chunk[:8] + bytes([chunk[8] | 0x04]) + chunk[9:]
            parts.append(chunk + (b"\x00" if len(chunk) & 1 else b""))
        parts.append(_webp_chunk(b"XMP ", packet))
        body = b"WEBP" + b"".join(parts)
        return b"RIFF" + struct.pack("<I", len(body)) + body

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the image chunks (not VP8X, XMP or C2PA)."""
        h = hashlib.sha256()
        for fourcc, start, end in _webp_chunks(data):
            if fourcc not in (b"XMP ", b"VP8X", b"C2PA"):
                h.update(data[start:end])
        return h.digest()


IMAGE_FORMATS = (JpegFormat(), PngFormat(), WebpFormat())
