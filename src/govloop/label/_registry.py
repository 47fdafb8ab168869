"""One implicit-label reader/writer per file format, behind a small registry.

A format is any object satisfying :class:`LabelFormat`. Built-in formats are registered the same
way a plugin would be (:func:`register_format`). A file is matched by its magic bytes first, then
by its file-name extension.
"""

from __future__ import annotations

import hashlib
import os.path
from typing import Protocol, runtime_checkable

from govloop.errors import FormatError
from govloop.label._model import AIGCLabel


@runtime_checkable
class LabelFormat(Protocol):
    """Reads and writes the AIGC label of one file format, on bytes."""

    name: str
    """Short format name, e.g. ``"jpeg"``."""
    media_type: str
    """One of ``image``, ``audio``, ``video``, ``text``, ``document``."""
    extensions: tuple[str, ...]
    """Lower-case file-name extensions with the dot, e.g. ``(".jpg", ".jpeg")``."""

    def sniff(self, data: bytes, filename: str) -> bool:
        """True when ``data`` is this format judged by its magic bytes alone."""

    def read(self, data: bytes) -> AIGCLabel | None:
        """The label in ``data``; None when absent; :class:`FormatError` when broken."""

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """``data`` with the label set (replacing a previous one), all other metadata kept."""

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the content without the label metadata (stable across label writes)."""


_FORMATS: list[LabelFormat] = []


def register_format(fmt: LabelFormat, *, first: bool = False) -> None:
    """Add a format to the registry (``first`` puts it before the built-ins)."""
    _builtins()
    if first:
        _FORMATS.insert(0, fmt)
    else:
        _FORMATS.append(fmt)


def _builtins() -> list[LabelFormat]:
    if not _FORMATS:
        from govloop.label._fmt_av import AUDIO_VIDEO_FORMATS
        from govloop.label._fmt_doc import DOCUMENT_FORMATS
        from govloop.label._fmt_image import IMAGE_FORMATS
        from govloop.label._fmt_tiff import TiffFormat

        # text is the catch-all fallback by extension, so it comes last
        _FORMATS.extend([*IMAGE_FORMATS, TiffFormat(), *AUDIO_VIDEO_FORMATS, *DOCUMENT_FORMATS])
    return _FORMATS


def formats() -> list[LabelFormat]:
    """Every registered format, in matching order."""
    return list(_builtins())


def find_format(data: bytes, *, filename: str = "") -> LabelFormat:
    """The format of ``data``: by magic bytes, else by extension; FormatError when unknown."""
    fmts = _builtins()
    for fmt in fmts:
        if fmt.sniff(data, filename):
            return fmt
    ext = os.path.splitext(filename)[1].lower()
    if ext:
        for fmt in fmts:
            if ext in fmt.extensions:
                return fmt
    where = filename or "input"
    raise FormatError(f"{where}: unsupported or unrecognised file format (magic {data[:8].hex()})")


def read_implicit_label(data: bytes, *, filename: str = "") -> AIGCLabel | None:
    """The AIGC implicit label of any supported file; None if it has none."""
    fmt = find_format(data, filename=filename)
    try:
        return fmt.read(data)
    except FormatError as exc:
        raise FormatError(f"{filename or fmt.name}: {exc}") from exc


def write_implicit_label(data: bytes, label: AIGCLabel, *, filename: str = "") -> bytes:
    """``data`` with the AIGC implicit label written where its format keeps it."""
    fmt = find_format(data, filename=filename)
    try:
        return fmt.write(data, label)
    except FormatError as exc:
        raise FormatError(f"{filename or fmt.name}: {exc}") from exc


def content_digest(data: bytes, *, filename: str = "") -> bytes:
    """SHA-256 over the content without its implicit label (what ReservedCode1 signs).

    Files in no registered format are hashed whole.
    """
    try:
        fmt = find_format(data, filename=filename)
    except FormatError:
        return hashlib.sha256(data).digest()
    try:
        return fmt.digest(data)
    except FormatError as exc:
        raise FormatError(f"{filename or fmt.name}: {exc}") from exc
