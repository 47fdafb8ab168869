"""Ogg Opus (what ``audio.speech`` sends as ``opus``): the label in the ``OpusTags`` comments.

The AIGC JSON is the Vorbis-style comment ``AIGC=...`` of the ``OpusTags`` header packet
(written and read with mutagen); the digest covers the audio pages' packet data only, so writing
the label (which rewrites the header pages and renumbers the pages after them) leaves it as is.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import struct
from typing import Any

from govloop.errors import FormatError
from govloop.label._model import AIGC_KEY, AIGCLabel
from govloop.label._options import ExplicitOptions


def _oggopus() -> Any:
    """Mutagen's Ogg Opus module (untyped, so kept as Any)."""
    return importlib.import_module("mutagen.oggopus")


def _pages(data: bytes) -> list[tuple[int, bytes]]:
    """(granule position, body) of every Ogg page."""
    out = []
    pos = 0
    while pos < len(data):
        if data[pos : pos + 4] != b"OggS" or pos + 27 > len(data):
            raise FormatError(f"Ogg page at byte {pos} has no 'OggS' capture pattern")
        (granule,) = struct.unpack("<q", data[pos + 6 : pos + 14])
        nseg = data[pos + 26]
        table = data[pos + 27 : pos + 27 + nseg]
        start = pos + 27 + nseg
        end = start + sum(table)
        if len(table) < nseg or end > len(data):
            raise FormatError(f"Ogg page at byte {pos} runs past the end of the file")
        out.append((granule, data[start:end]))
        pos = end
    return out


class OggOpusFormat:
    """Ogg Opus: ``OpusTags`` comment ``AIGC``."""

    name = "opus"
    media_type = "audio"
    extensions: tuple[str, ...] = (".opus",)

    def add_explicit_label(self, data: bytes, *, filename: str, options: ExplicitOptions) -> bytes:
        """The audio prompt added (decoded and re-encoded as Ogg Opus by libsndfile)."""
        from govloop.label._explicit_av import explicit_audio_bytes

        return explicit_audio_bytes(
            data,
            filename=filename or "audio.opus",
            mode=options.audio_mode,
            position=options.audio_position,
            language=options.language,
        )

    def sniff(self, data: bytes, filename: str) -> bool:
        """An Ogg stream whose first packet is ``OpusHead``."""
        del filename
        return data[:4] == b"OggS" and b"OpusHead" in data[:80]

    def _open(self, data: bytes) -> tuple[Any, io.BytesIO]:
        buf = io.BytesIO(data)
        try:
            return _oggopus().OggOpus(buf), buf
        except Exception as exc:  # mutagen raises many types on broken files
            raise FormatError(f"Ogg Opus headers cannot be read: {exc}") from exc

    def read(self, data: bytes) -> AIGCLabel | None:
        """The ``AIGC`` comment."""
        audio, _ = self._open(data)
        values = audio.tags.get(AIGC_KEY) if audio.tags is not None else None
        if not values:
            return None
        return AIGCLabel.from_json(str(values[0]), source="Ogg Opus AIGC comment")

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Set the ``AIGC`` comment, keeping every other one."""
        audio, buf = self._open(data)
        audio.tags[AIGC_KEY] = [label.to_json()]
        try:
            audio.save(buf)
        except Exception as exc:  # mutagen raises many types on broken files
            raise FormatError(f"Ogg Opus comments cannot be written: {exc}") from exc
        return buf.getvalue()

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the audio pages' bodies (header pages, granule position 0, left out)."""
        h = hashlib.sha256()
        for granule, body in _pages(data):
            if granule != 0:
                h.update(body)
        return h.digest()
