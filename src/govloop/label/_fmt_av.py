"""Audio and Matroska formats.

- WAV: a RIFF sub-chunk with id ``AIGC`` holding the JSON (TC260 audio guide).
- MP3: an ID3v2 ``TXXX`` frame with description ``AIGC`` (written with mutagen).
- AAC (ADTS): the same ID3v2 ``TXXX:AIGC`` frame in a tag before the first ADTS frame, as
  HLS packed audio (RFC 8216 §3.4) places ID3 tags; ffmpeg and PyAV skip it when decoding.
- FLAC: the ``AIGC`` field of the ``VORBIS_COMMENT`` block (written with mutagen).
- Ogg Opus: the ``AIGC`` comment of ``OpusTags`` (``govloop.label._fmt_ogg``).
- MKV/WebM: ``Segment/Tags/Tag/SimpleTag`` with ``TagName`` ``AIGC`` and the JSON in
  ``TagString``. Read by a small EBML walker here; written by ``ffmpeg -c copy`` (stream copy,
  every other tag kept), so writing needs the ``ffmpeg`` program.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from govloop.errors import ConfigError, FormatError
from govloop.label._fmt_mp4 import Mp4Format
from govloop.label._fmt_ogg import OggOpusFormat
from govloop.label._model import AIGC_KEY, AIGCLabel
from govloop.label._options import ExplicitOptions


# --------------------------------------------------------------------------- WAV
def _riff_chunks(data: bytes) -> Iterator[tuple[bytes, int, int, int]]:
    """(id, start, payload end, padded end) of every RIFF/WAVE sub-chunk."""
    if data[:4] == b"RF64":
        raise FormatError("RF64 (64-bit WAV) is not supported")
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise FormatError("not a WAV file (bad RIFF/WAVE header)")
    pos = 12
    while pos + 8 <= len(data):
        cid = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        end = pos + 8 + size
        if end > len(data):
            raise FormatError(f"WAV chunk {cid!r} at byte {pos} runs past the end of the file")
        yield cid, pos, end, min(end + (size & 1), len(data))
        pos = end + (size & 1)


def _explicit_audio(data: bytes, filename: str, options: ExplicitOptions) -> bytes:
    from govloop.label._explicit_av import explicit_audio_bytes

    return explicit_audio_bytes(
        data,
        filename=filename,
        mode=options.audio_mode,
        position=options.audio_position,
        language=options.language,
    )


class WavFormat:
    """WAV: RIFF sub-chunk ``AIGC``."""

    name = "wav"
    media_type = "audio"
    extensions: tuple[str, ...] = (".wav", ".wave")

    def add_explicit_label(self, data: bytes, *, filename: str, options: ExplicitOptions) -> bytes:
        """The audio prompt added; the original's chunks other than fmt/data/fact carried over."""
        sound = _explicit_audio(data, filename, options)
        extra = [
            data[start:padded]
            for cid, start, _end, padded in _riff_chunks(data)
            if cid not in (b"fmt ", b"data", b"fact")
        ]
        body = sound[12:] + b"".join(c + (b"\x00" if len(c) & 1 else b"") for c in extra)
        return b"RIFF" + (len(body) + 4).to_bytes(4, "little") + b"WAVE" + body

    def sniff(self, data: bytes, filename: str) -> bool:
        """RIFF container with the WAVE form type."""
        del filename
        return data[:4] in (b"RIFF", b"RF64") and data[8:12] == b"WAVE"

    def read(self, data: bytes) -> AIGCLabel | None:
        """The ``AIGC`` chunk's JSON."""
        for cid, start, end, _ in _riff_chunks(data):
            if cid == AIGC_KEY.encode():
                return AIGCLabel.from_json(data[start + 8 : end].rstrip(b"\x00"), source="WAV AIGC")
        return None

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Drop an old ``AIGC`` chunk, append the new one, fix the RIFF size."""
        parts = [data[:12]]
        for cid, start, _end, padded in _riff_chunks(data):
            if cid != AIGC_KEY.encode():
                chunk = data[start:padded]
                parts.append(chunk + (b"\x00" if len(chunk) & 1 else b""))
        payload = label.to_json().encode("ascii")
        parts.append(AIGC_KEY.encode() + struct.pack("<I", len(payload)) + payload)
        if len(payload) & 1:
            parts.append(b"\x00")
        out = bytearray(b"".join(parts))
        out[4:8] = struct.pack("<I", len(out) - 8)
        return bytes(out)

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the ``fmt `` and ``data`` chunks."""
        h = hashlib.sha256()
        for cid, start, end, _ in _riff_chunks(data):
            if cid in (b"fmt ", b"data"):
                h.update(data[start:end])
        return h.digest()


# --------------------------------------------------------------------------- MP3
def _has_id3v2(data: bytes) -> bool:
    """A well-formed ID3v2 header in front: ``ID3``, version 2-4, syncsafe size bytes.

    The three letters alone are no evidence: a text answer may begin "ID3 tags ...".
    """
    return (
        len(data) >= 10
        and data[:3] == b"ID3"
        and data[3] in (2, 3, 4)
        and data[4] != 0xFF
        and all(b < 0x80 for b in data[6:10])
    )


def _id3_size(data: bytes) -> int:
    """Total size of a leading ID3v2 tag (0 when there is none)."""
    if not _has_id3v2(data):
        return 0
    size = 0
    for b in data[6:10]:
        size = (size << 7) | (b & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return min(10 + size + footer, len(data))


def _id3_module() -> Any:
    """The ID3 module of mutagen (untyped, so kept as Any)."""
    return importlib.import_module("mutagen.id3")


class Mp3Format:
    """MP3: ID3v2 ``TXXX`` frame ``AIGC``."""

    name = "mp3"
    media_type = "audio"
    extensions: tuple[str, ...] = (".mp3",)

    def add_explicit_label(self, data: bytes, *, filename: str, options: ExplicitOptions) -> bytes:
        """The audio prompt added; the original ID3v2 tag kept."""
        sound = _explicit_audio(data, filename, options)
        return data[: _id3_size(data)] + sound[_id3_size(sound) :]

    def sniff(self, data: bytes, filename: str) -> bool:
        """An ID3v2 tag, or an MPEG audio frame sync with a non-zero layer."""
        del filename
        if _has_id3v2(data):
            return True
        if len(data) < 4 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
            return False
        version, layer = (data[1] >> 3) & 3, (data[1] >> 1) & 3
        bitrate, rate = data[2] >> 4, (data[2] >> 2) & 3
        return version != 1 and layer != 0 and 0 < bitrate < 15 and rate != 3

    def read(self, data: bytes) -> AIGCLabel | None:
        """The ``TXXX:AIGC`` frame's text."""
        id3 = _id3_module()
        if data[:3] != b"ID3":
            return None
        try:
            tags = id3.ID3(io.BytesIO(data))
        except Exception as exc:  # mutagen raises many types on broken tags
            raise FormatError(f"MP3 ID3v2 tag cannot be read: {exc}") from exc
        frame = tags.get(f"TXXX:{AIGC_KEY}")
        if frame is None:
            return None
        texts = [t for t in frame.text if isinstance(t, str)]
        if not texts:
            raise FormatError("MP3 TXXX:AIGC frame has no text")
        return AIGCLabel.from_json(texts[0], source="MP3 TXXX:AIGC")

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Set ``TXXX:AIGC`` (UTF-8), keeping every other frame."""
        id3 = _id3_module()
        buf = io.BytesIO(data)
        try:
            tags = id3.ID3(buf)
        except id3.ID3NoHeaderError:
            tags = id3.ID3()
        except Exception as exc:  # mutagen raises many types on broken tags
            raise FormatError(f"MP3 ID3v2 tag cannot be read: {exc}") from exc
        tags.setall(f"TXXX:{AIGC_KEY}", [])
        tags.add(id3.TXXX(encoding=id3.Encoding.UTF8, desc=AIGC_KEY, text=[label.to_json()]))
        buf.seek(0)
        try:
            tags.save(buf, v1=0)
        except Exception as exc:  # mutagen raises many types on broken files
            raise FormatError(f"MP3 ID3v2 tag cannot be written: {exc}") from exc
        return buf.getvalue()

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the audio frames (without the ID3v2 tag and a trailing ID3v1 tag)."""
        start = _id3_size(data)
        end = len(data) - 128 if data[-128:-125] == b"TAG" else len(data)
        return hashlib.sha256(data[start : max(start, end)]).digest()


# --------------------------------------------------------------------------- AAC (ADTS)
def _adts_at(data: bytes, pos: int) -> bool:
    """An ADTS frame header at ``pos``: 12-bit sync, MPEG layer bits 00."""
    return len(data) >= pos + 7 and data[pos] == 0xFF and data[pos + 1] & 0xF6 == 0xF0


class AdtsFormat:
    """AAC in ADTS frames: an ID3v2 tag in front with ``TXXX:AIGC`` (as for MP3)."""

    name = "aac"
    media_type = "audio"
    extensions: tuple[str, ...] = (".aac", ".adts")

    def sniff(self, data: bytes, filename: str) -> bool:
        """An ADTS frame header, at the start or right after a leading ID3v2 tag."""
        del filename
        return _adts_at(data, _id3_size(data))

    def read(self, data: bytes) -> AIGCLabel | None:
        """The ID3v2 tag's ``TXXX:AIGC`` frame."""
        return _MP3.read(data)

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Set ``TXXX:AIGC`` in the leading ID3v2 tag (added when there is none)."""
        return _MP3.write(data, label)

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the ADTS frames (the ID3v2 tag left out)."""
        return _MP3.digest(data)


_MP3 = Mp3Format()


# --------------------------------------------------------------------------- FLAC
_FLAC_PADDING, _FLAC_COMMENT = 1, 4


def _flac_blocks(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(type, start, end) of each metadata block; then (-1, start, len) for the frames."""
    if data[:4] != b"fLaC":
        raise FormatError("not a FLAC file (no fLaC marker)")
    pos, last = 4, False
    while not last:
        if pos + 4 > len(data):
            raise FormatError(f"FLAC metadata block header truncated at byte {pos}")
        last, kind = bool(data[pos] & 0x80), data[pos] & 0x7F
        end = pos + 4 + int.from_bytes(data[pos + 1 : pos + 4], "big")
        if end > len(data):
            raise FormatError(f"FLAC metadata block {kind} at byte {pos} runs past the end")
        yield kind, pos, end
        pos = end
    yield -1, pos, len(data)


def _flac_module() -> Any:
    """mutagen.flac (untyped, so kept as Any)."""
    return importlib.import_module("mutagen.flac")


class FlacFormat:
    """FLAC: Vorbis comment ``AIGC``."""

    name = "flac"
    media_type = "audio"
    extensions: tuple[str, ...] = (".flac",)

    def add_explicit_label(self, data: bytes, *, filename: str, options: ExplicitOptions) -> bytes:
        """The audio prompt added (libsndfile re-encodes the file; the label is written after)."""
        return _explicit_audio(data, filename, options)

    def sniff(self, data: bytes, filename: str) -> bool:
        """The ``fLaC`` stream marker and the STREAMINFO block that must come first (34 bytes).

        The marker alone would take a text that begins "fLaC ..." for a FLAC file.
        """
        del filename
        return data[:4] == b"fLaC" and data[4] & 0x7F == 0 and data[5:8] == b"\x00\x00\x22"

    def read(self, data: bytes) -> AIGCLabel | None:
        """The ``AIGC`` Vorbis comment."""
        flac = _flac_module()
        try:
            tags = flac.FLAC(io.BytesIO(data)).tags
        except Exception as exc:  # mutagen raises many types on broken files
            raise FormatError(f"FLAC metadata cannot be read: {exc}") from exc
        values = tags.get(AIGC_KEY) if tags is not None else None
        if not values:
            return None
        return AIGCLabel.from_json(values[0], source="FLAC AIGC comment")

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Set the ``AIGC`` comment (replacing an old one), every other block kept."""
        flac = _flac_module()
        buf = io.BytesIO(data)
        try:
            f = flac.FLAC(buf)
            if f.tags is None:
                f.add_tags()
            f.tags[AIGC_KEY] = [label.to_json()]
            buf.seek(0)
            f.save(buf)
        except Exception as exc:  # mutagen raises many types on broken files
            raise FormatError(f"FLAC metadata cannot be written: {exc}") from exc
        return buf.getvalue()

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of every block but the comment and padding, and of the audio frames."""
        h = hashlib.sha256()
        for kind, start, end in _flac_blocks(data):
            if kind not in (_FLAC_PADDING, _FLAC_COMMENT):
                h.update(data[start + (4 if kind >= 0 else 0) : end])
        return h.digest()


# --------------------------------------------------------------------------- Matroska
_EBML, _SEGMENT, _TAGS, _TAG, _SIMPLE = 0x1A45DFA3, 0x18538067, 0x1254C367, 0x7373, 0x67C8
_TAGNAME, _TAGSTRING = 0x45A3, 0x4487
_MAX_ELEMENTS = 200_000


def _vint(data: bytes, pos: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """(value, new position, all-ones) of an EBML variable-size integer."""
    if pos >= len(data):
        raise FormatError(f"Matroska element truncated at byte {pos}")
    first = data[pos]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or pos + length > len(data):
        raise FormatError(f"Matroska bad variable-size integer at byte {pos}")
    value = first if keep_marker else first & (0xFF >> length)
    for b in data[pos + 1 : pos + length]:
        value = (value << 8) | b
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, pos + length, unknown


def _elements(data: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(id, payload start, payload end) of elements; unknown-size masters are entered."""
    pos = start
    seen = 0
    while pos < end:
        seen += 1
        if seen > _MAX_ELEMENTS:
            raise FormatError("Matroska file has too many elements to scan")
        eid, pos2, _ = _vint(data, pos, keep_marker=True)
        size, body, unknown = _vint(data, pos2, keep_marker=False)
        if unknown:
            pos = body  # children follow as if they were siblings
            continue
        if body + size > end:
            raise FormatError(f"Matroska element {eid:#x} at byte {pos} runs past its parent")
        yield eid, body, body + size
        pos = body + size


class MatroskaFormat:
    """MKV/WebM: ``SimpleTag`` ``AIGC`` (written with ffmpeg)."""

    name = "matroska"
    media_type = "video"
    extensions: tuple[str, ...] = (".mkv", ".webm", ".mka")

    def add_explicit_label(self, data: bytes, *, filename: str, options: ExplicitOptions) -> bytes:
        """The visible label on the opening seconds of the video (ffmpeg)."""
        from govloop.label._explicit_av import explicit_video_for

        return explicit_video_for(data, filename=filename, default_ext=".mkv", options=options)

    def sniff(self, data: bytes, filename: str) -> bool:
        """EBML header magic."""
        del filename
        return data[:4] == b"\x1a\x45\xdf\xa3"

    def read(self, data: bytes) -> AIGCLabel | None:
        """The first ``SimpleTag`` named AIGC in the segment's ``Tags``."""
        if not self.sniff(data, ""):
            raise FormatError("not a Matroska/WebM file (no EBML header)")
        for eid, body, end in _elements(data, 0, len(data)):
            if eid != _SEGMENT:
                continue
            for tid, tbody, tend in _elements(data, body, end):
                if tid != _TAGS:
                    continue
                for gid, gbody, gend in _elements(data, tbody, tend):
                    if gid != _TAG:
                        continue
                    for sid, sbody, send in _elements(data, gbody, gend):
                        if sid == _SIMPLE:
                            found = self._simple(data, sbody, send)
                            if found is not None:
                                return found
        return None

    @staticmethod
    def _simple(data: bytes, start: int, end: int) -> AIGCLabel | None:
        name = value = None
        for eid, body, stop in _elements(data, start, end):
            if eid == _TAGNAME:
                name = data[body:stop]
            elif eid == _TAGSTRING:
                value = data[body:stop]
        if name is None or name.upper() != AIGC_KEY.encode():
            return None
        if value is None:
            raise FormatError("Matroska SimpleTag AIGC has no TagString")
        return AIGCLabel.from_json(value.rstrip(b"\x00"), source="Matroska AIGC")

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """Remux with ``ffmpeg -c copy -metadata AIGC=...`` (all streams and tags kept)."""
        ext = ".webm" if b"webm" in data[:64] else ".mkv"
        return _ffmpeg_bytes(
            data, ext, ["-map", "0", "-c", "copy", "-metadata", f"{AIGC_KEY}={label.to_json()}"]
        )

    def digest(self, data: bytes) -> bytes:
        """SHA-256 over ffmpeg's per-stream packet hashes (container bytes excluded)."""
        ext = ".webm" if b"webm" in data[:64] else ".mkv"
        text = _ffmpeg_bytes(
            data,
            ext,
            ["-map", "0", "-c", "copy", "-f", "streamhash", "-hash", "sha256"],
            out_ext=".txt",
        )
        return hashlib.sha256(text).digest()


def ffmpeg_path() -> str:
    """The ffmpeg program, or ConfigError naming the Debian package."""
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise ConfigError("ffmpeg is not installed; install the Debian package 'ffmpeg'")
    return exe


def _ffmpeg_bytes(data: bytes, ext: str, args: list[str], *, out_ext: str | None = None) -> bytes:
    with tempfile.TemporaryDirectory(prefix="govloop-ff-") as tmp:
        src, dst = Path(tmp) / f"in{ext}", Path(tmp) / f"out{out_ext or ext}"
        src.write_bytes(data)
        cmd = [ffmpeg_path(), "-v", "error", "-nostdin", "-y", "-i", str(src), *args, str(dst)]
        proc = subprocess.run(cmd, capture_output=True, check=False, timeout=600)
        if proc.returncode != 0 or not dst.is_file():
            msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise FormatError(f"ffmpeg failed: {msg[-1] if msg else 'no output'}")
        return dst.read_bytes()


AUDIO_VIDEO_FORMATS = (
    Mp4Format(),
    MatroskaFormat(),
    WavFormat(),
    AdtsFormat(),  # before MP3: an ID3v2 tag alone would read as MP3
    Mp3Format(),
    FlacFormat(),
    OggOpusFormat(),
)
