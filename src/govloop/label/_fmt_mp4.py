"""MP4/MOV: the label in ``moov/udta/meta`` as an ``mdta`` key ``AIGC`` with its value in ``ilst``.

This is the layout ``ffmpeg -metadata AIGC=... -movflags use_metadata_tags`` writes (TC260 video
guide): ``meta`` (full box) holds ``hdlr`` (handler ``mdta``), ``keys`` (entries ``mdta`` + key
name) and ``ilst`` (one item per 1-based key index, each holding a ``data`` box, type 1 = UTF-8).
Other keys in an existing ``mdta`` meta box are kept; a ``meta`` with another handler (iTunes
``mdir``) is left as it is. When ``moov`` precedes ``mdat``, chunk offsets (``stco``/``co64``) are
shifted by the size change so the media still plays.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from govloop.errors import FormatError
from govloop.label._model import AIGC_KEY, AIGCLabel
from govloop.label._options import ExplicitOptions

_CONTAINERS = {b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf"}


@dataclass(frozen=True)
class _Box:
    kind: bytes
    start: int
    body: int
    end: int


def _boxes(data: bytes, start: int, end: int) -> Iterator[_Box]:
    pos = start
    while pos < end:
        if pos + 8 > end:
            raise FormatError(f"MP4 box header truncated at byte {pos}")
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = pos + 8
        if size == 1:
            if pos + 16 > end:
                raise FormatError(f"MP4 large box header truncated at byte {pos}")
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            body = pos + 16
        elif size == 0:
            size = end - pos
        if size < body - pos or pos + size > end:
            raise FormatError(f"MP4 box {kind!r} at byte {pos} has a bad size {size}")
        yield _Box(kind, pos, body, pos + size)
        pos += size


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", len(payload) + 8, kind) + payload


def _find(data: bytes, parent: _Box, kind: bytes) -> _Box | None:
    return next((b for b in _boxes(data, parent.body, parent.end) if b.kind == kind), None)


def _meta_children_start(data: bytes, meta: _Box) -> int:
    """Start of the children of ``meta``: a full box in MP4, a plain box in some QuickTime files."""
    if meta.body + 8 <= meta.end and data[meta.body + 4 : meta.body + 8] == b"hdlr":
        return meta.body
    return meta.body + 4


def _mdta_items(data: bytes, meta: _Box) -> tuple[list[bytes], dict[int, bytes]] | None:
    """(key names, {1-based index: raw ilst item body}) of an ``mdta`` meta box, else None."""
    inner = _Box(b"meta", meta.start, _meta_children_start(data, meta), meta.end)
    hdlr = _find(data, inner, b"hdlr")
    if hdlr is None or data[hdlr.body + 8 : hdlr.body + 12] != b"mdta":
        return None
    keys: list[bytes] = []
    items: dict[int, bytes] = {}
    keys_box = _find(data, inner, b"keys")
    if keys_box is not None:
        if keys_box.body + 8 > keys_box.end:
            raise FormatError("MP4 keys box is truncated")
        (count,) = struct.unpack(">I", data[keys_box.body + 4 : keys_box.body + 8])
        pos = keys_box.body + 8
        for _ in range(count):
            if pos + 8 > keys_box.end:
                raise FormatError("MP4 keys box is truncated")
            (size,) = struct.unpack(">I", data[pos : pos + 4])
            if size < 8 or pos + size > keys_box.end:
                raise FormatError(f"MP4 keys entry at byte {pos} has a bad size {size}")
            keys.append(data[pos + 8 : pos + size])
            pos += size
    ilst = _find(data, inner, b"ilst")
    if ilst is not None:
        for item in _boxes(data, ilst.body, ilst.end):
            items[int.from_bytes(item.kind, "big")] = data[item.body : item.end]
    return keys, items


def _item_text(body: bytes) -> bytes:
    """Value of the first ``data`` box in an ilst item."""
    for b in _boxes(body, 0, len(body)):
        if b.kind == b"data":
            if b.body + 8 > b.end:
                raise FormatError("MP4 ilst data box is truncated")
            return body[b.body + 8 : b.end]
    raise FormatError("MP4 ilst item has no data box")


def _build_meta(keys: list[bytes], items: dict[int, bytes]) -> bytes:
    hdlr = _box(b"hdlr", b"\x00" * 8 + b"mdta" + b"\x00" * 13)
    entries = b"".join(struct.pack(">I4s", len(k) + 8, b"mdta") + k for k in keys)
    keys_box = _box(b"keys", b"\x00" * 4 + struct.pack(">I", len(keys)) + entries)
    ilst = _box(b"ilst", b"".join(_box(struct.pack(">I", i), items[i]) for i in sorted(items)))
    return _box(b"meta", b"\x00" * 4 + hdlr + keys_box + ilst)


def _shift_offsets(moov: bytearray, delta: int, after: int) -> None:
    """Add ``delta`` to every stco/co64 chunk offset >= ``after`` inside a moov box (in place)."""
    data = bytes(moov)

    def walk(start: int, end: int) -> None:
        for b in _boxes(data, start, end):
            if b.kind in _CONTAINERS or b.kind == b"moov":
                walk(b.body, b.end)
            elif b.kind in (b"stco", b"co64"):
                wide = b.kind == b"co64"
                (count,) = struct.unpack(">I", data[b.body + 4 : b.body + 8])
                fmt, step = (">Q", 8) if wide else (">I", 4)
                if b.body + 8 + count * step > b.end:
                    raise FormatError(f"MP4 {b.kind.decode()} box is truncated")
                for i in range(count):
                    pos = b.body + 8 + i * step
                    (value,) = struct.unpack(fmt, data[pos : pos + step])
                    if value >= after:
                        if not wide and value + delta > 0xFFFFFFFF:
                            raise FormatError("MP4 chunk offset overflows stco after labeling")
                        moov[pos : pos + step] = struct.pack(fmt, value + delta)

    walk(0, len(data))


class Mp4Format:
    """MP4 / MOV / M4A: ``moov/udta/meta`` with an ``mdta`` key ``AIGC``."""

    name = "mp4"
    media_type = "video"
    extensions: tuple[str, ...] = (".mp4", ".m4v", ".mov", ".m4a", ".3gp")

    def add_explicit_label(self, data: bytes, *, filename: str, options: ExplicitOptions) -> bytes:
        """The visible label on the opening seconds of the video (ffmpeg)."""
        from govloop.label._explicit_av import explicit_video_for

        return explicit_video_for(data, filename=filename, default_ext=".mp4", options=options)

    def sniff(self, data: bytes, filename: str) -> bool:
        """ISO base media file: ``ftyp`` (or ``moov``/``wide``/``free``/``mdat``) first."""
        del filename
        return len(data) >= 8 and data[4:8] in (b"ftyp", b"moov", b"wide", b"mdat", b"free")

    def _top(self, data: bytes) -> list[_Box]:
        top = list(_boxes(data, 0, len(data)))
        if not any(b.kind == b"moov" for b in top):
            raise FormatError("MP4 file has no moov box")
        return top

    def read(self, data: bytes) -> AIGCLabel | None:
        """The AIGC value from ``moov/udta/meta`` (or ``moov/meta``)."""
        moov = next(b for b in self._top(data) if b.kind == b"moov")
        parents = [moov]
        udta = _find(data, moov, b"udta")
        if udta is not None:
            parents.insert(0, udta)
        for parent in parents:
            for meta in _boxes(data, parent.body, parent.end):
                if meta.kind != b"meta":
                    continue
                found = _mdta_items(data, meta)
                if found is None:
                    continue
                keys, items = found
                if AIGC_KEY.encode() in keys:
                    index = keys.index(AIGC_KEY.encode()) + 1
                    if index not in items:
                        raise FormatError("MP4 AIGC key has no ilst value")
                    return AIGCLabel.from_json(_item_text(items[index]), source="MP4 AIGC")
        return None

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Set the AIGC key in ``moov/udta/meta`` (mdta), keeping other keys and boxes."""
        top = self._top(data)
        moov = next(b for b in top if b.kind == b"moov")
        value = _box(b"data", struct.pack(">II", 1, 0) + label.to_json().encode("ascii"))
        children: list[bytes] = []
        udta_parts: list[bytes] = []
        keys: list[bytes] = []
        items: dict[int, bytes] = {}
        for child in _boxes(data, moov.body, moov.end):
            if child.kind != b"udta":
                children.append(data[child.start : child.end])
                continue
            for sub in _boxes(data, child.body, child.end):
                found = _mdta_items(data, sub) if sub.kind == b"meta" else None
                if found is None:
                    udta_parts.append(data[sub.start : sub.end])
                else:
                    keys, items = found
        key = AIGC_KEY.encode()
        if key not in keys:
            keys.append(key)
        items[keys.index(key) + 1] = value
        udta_parts.append(_build_meta(keys, items))
        children.append(_box(b"udta", b"".join(udta_parts)))
        new_moov = bytearray(_box(b"moov", b"".join(children)))
        delta = len(new_moov) - (moov.end - moov.start)
        media_after = any(b.kind == b"mdat" and b.start > moov.start for b in top)
        if delta and media_after:
            _shift_offsets(new_moov, delta, moov.end)
        return data[: moov.start] + bytes(new_moov) + data[moov.end :]

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the media data (payloads of every top-level ``mdat``)."""
        h = hashlib.sha256()
        for b in self._top(data):
            if b.kind == b"mdat":
                h.update(data[b.body : b.end])
        return h.digest()
