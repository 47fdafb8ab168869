"""TIFF: the XMP packet in IFD0 tag 700 (0x2BC), field type 7 (UNDEFINED).

Writing appends the packet and a rewritten IFD0 at the end of the file and points the header at
it; every other byte, and every offset stored in the old entries, stays valid. Classic TIFF in
both byte orders; BigTIFF is refused.
"""

from __future__ import annotations

import hashlib
import io
import struct

from govloop.errors import FormatError
from govloop.label._fmt_image import _XmpImage

_XMP_TAG = 700
_MAX_ENTRIES = 4096


def _order(data: bytes) -> str:
    if data[:4] == b"II*\x00":
        return "<"
    if data[:4] == b"MM\x00*":
        return ">"
    if data[:4] in (b"II+\x00", b"MM\x00+"):
        raise FormatError("BigTIFF is not supported")
    raise FormatError("not a TIFF file (bad header)")


def _ifd0(data: bytes) -> tuple[str, int, list[tuple[int, int, int, bytes]], bytes]:
    """Byte order, IFD0 offset, its entries (tag, type, count, 4 value bytes), next pointer."""
    bo = _order(data)
    if len(data) < 8:
        raise FormatError("TIFF header truncated")
    (offset,) = struct.unpack(bo + "I", data[4:8])
    if offset < 8 or offset + 2 > len(data):
        raise FormatError(f"TIFF IFD0 offset {offset} is outside the file")
    (count,) = struct.unpack(bo + "H", data[offset : offset + 2])
    end = offset + 2 + 12 * count
    if count > _MAX_ENTRIES or end + 4 > len(data):
        raise FormatError(f"TIFF IFD0 with {count} entries runs past the end of the file")
    entries = []
    for i in range(count):
        pos = offset + 2 + 12 * i
        tag, typ, n = struct.unpack(bo + "HHI", data[pos : pos + 8])
        entries.append((tag, typ, n, data[pos + 8 : pos + 12]))
    return bo, offset, entries, data[end : end + 4]


class TiffFormat(_XmpImage):
    """TIFF: XMP in IFD0 tag 700."""

    name = "tiff"
    extensions: tuple[str, ...] = (".tif", ".tiff")

    def sniff(self, data: bytes, filename: str) -> bool:
        """Classic or big TIFF header."""
        del filename
        return data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")

    def get_xmp(self, data: bytes) -> bytes | None:
        """Bytes of tag 700 in IFD0."""
        bo, _, entries, _ = _ifd0(data)
        for tag, typ, n, value in entries:
            if tag != _XMP_TAG:
                continue
            if typ not in (1, 7):
                raise FormatError(f"TIFF XMP tag 700 has field type {typ}, expected 1 or 7")
            if n <= 4:
                return value[:n]
            (off,) = struct.unpack(bo + "I", value)
            if off + n > len(data):
                raise FormatError(f"TIFF XMP tag 700 ({n} bytes at {off}) runs past the end")
            return data[off : off + n]
        return None

    def set_xmp(self, data: bytes, packet: bytes) -> bytes:
        """Append the packet and a new IFD0 holding tag 700 (type 7)."""
        bo, _, entries, next_ptr = _ifd0(data)
        out = bytearray(data)
        if len(out) & 1:
            out.append(0)
        xmp_at = len(out)
        out += packet
        if len(out) & 1:
            out.append(0)
        ifd_at = len(out)
        kept = [e for e in entries if e[0] != _XMP_TAG]
        kept.append((_XMP_TAG, 7, len(packet), struct.pack(bo + "I", xmp_at)))
        kept.sort(key=lambda e: e[0])
        out += struct.pack(bo + "H", len(kept))
        for tag, typ, n, value in kept:
            out += struct.pack(bo + "HHI", tag, typ, n) + value
        out += next_ptr
        out[4:8] = struct.pack(bo + "I", ifd_at)
        return bytes(out)

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the decoded pixels of the first image (mode, size, samples)."""
        _order(data)
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                head = f"{img.mode}:{img.size[0]}x{img.size[1]}:".encode()
                return hashlib.sha256(head + img.tobytes()).digest()
        except Exception as exc:  # Pillow raises many types on broken files
            raise FormatError(f"TIFF image data cannot be decoded: {exc}") from exc
