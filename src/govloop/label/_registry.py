"""One implicit-label reader/writer per file format, behind the plugin registry's door.

A format is any object satisfying :class:`LabelFormat`; it may also carry the optional hooks
:class:`SupportsExplicitLabel` (draw the visible label) and :class:`SupportsExplicitCheck` (find
one, for the platform check). Built-in formats are entries of kind ``label_format`` in
:data:`govloop.plugins.PLUGINS`, the same door a plugin uses (:func:`register_format` or an
entry point). A file is matched by its magic bytes first, then by its file-name extension.
"""

from __future__ import annotations

import hashlib
import os.path
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from govloop.errors import FormatError
from govloop.label._model import AIGCLabel
from govloop.label._options import ExplicitOptions
from govloop.plugins import PLUGINS, Registry


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


@runtime_checkable
class SupportsExplicitLabel(Protocol):
    """Optional hook of a :class:`LabelFormat`: draw the explicit (visible) label."""

    def add_explicit_label(self, data: bytes, *, filename: str, options: ExplicitOptions) -> bytes:
        """``data`` with the explicit label added (the implicit label is written after)."""
        ...


@runtime_checkable
class SupportsExplicitCheck(Protocol):
    """Optional hook of a :class:`LabelFormat`: find an explicit label (platform check)."""

    def find_explicit_label(self, data: bytes) -> bool | None:
        """Whether ``data`` shows an explicit label; None when the content cannot be searched."""
        ...


#: The ``label_format`` kind of the plugin registry: name -> format (one instance per name).
FORMATS: Registry[LabelFormat] = PLUGINS.label_format


def _constant(fmt: LabelFormat) -> Callable[[], LabelFormat]:
    def factory() -> LabelFormat:
        return fmt

    factory.__module__ = type(fmt).__module__
    factory.__qualname__ = f"{type(fmt).__qualname__}()"
    return factory


def _load_builtins() -> None:
    from govloop.label._fmt_av import AUDIO_VIDEO_FORMATS
    from govloop.label._fmt_doc import DOCUMENT_FORMATS
    from govloop.label._fmt_image import IMAGE_FORMATS
    from govloop.label._fmt_tiff import TiffFormat

    # text is the catch-all fallback by extension, so it comes last
    builtins: list[LabelFormat] = [
        *IMAGE_FORMATS,
        TiffFormat(),
        *AUDIO_VIDEO_FORMATS,
        *DOCUMENT_FORMATS,
    ]
    for fmt in builtins:
        FORMATS.register(fmt.name, _constant(fmt), builtin=True)


FORMATS.set_builtins(_load_builtins, expect=LabelFormat)


def register_format(fmt: LabelFormat, *, first: bool = False) -> None:
    """Add a format (``first`` matches it before the built-ins); a same-named one is replaced."""
    if not isinstance(fmt, LabelFormat):
        raise FormatError(f"{fmt!r} is not a label format (name, media_type, extensions, ...)")
    FORMATS.register(fmt.name, _constant(fmt), first=first, replace=True)


_FORMATS_CACHE: tuple[int, tuple[LabelFormat, ...]] = (-1, ())


def _ordered_formats() -> tuple[LabelFormat, ...]:
    """The formats in matching order, rebuilt only when the registry changed (a hot path)."""
    global _FORMATS_CACHE
    generation = FORMATS.generation()
    cached_generation, cached = _FORMATS_CACHE
    if cached_generation != generation:
        cached = tuple(FORMATS.instance(name) for name in FORMATS.names())
        _FORMATS_CACHE = (generation, cached)
    return cached


def formats() -> list[LabelFormat]:
    """Every registered format, in matching order."""
    return list(_ordered_formats())


def explicit_labeller(fmt: LabelFormat) -> SupportsExplicitLabel:
    """The format's explicit-label hook; FormatError when it has none."""
    if not isinstance(fmt, SupportsExplicitLabel):
        raise FormatError(f"format {fmt.name} does not support explicit labels")
    return fmt


def explicit_checker(fmt: LabelFormat) -> SupportsExplicitCheck | None:
    """The format's explicit-label finder, or None when its content is not searched."""
    return fmt if isinstance(fmt, SupportsExplicitCheck) else None


def find_format(data: bytes, *, filename: str = "") -> LabelFormat:
    """The format of ``data``: by magic bytes, else by extension; FormatError when unknown."""
    fmts = _ordered_formats()
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


def content_digest(data: bytes, *, filename: str = "", media_type: str | None = None) -> bytes:
    """SHA-256 over the content without its implicit label (what ReservedCode1 signs).

    Files in no registered format are hashed whole. ``media_type="text"`` is for a caller that
    made the bytes as text (the gateway's answers): they are digested as plain text, without
    sniffing. Sniffing would read an answer that mentions ``%PDF-`` in its first kilobyte as a
    PDF, or one that begins with ``ID3`` as an MP3, and fail to parse it.
    """
    text = _text_format()
    fmt: LabelFormat | None = text if media_type == "text" else None
    if fmt is None:
        try:
            fmt = find_format(data, filename=filename)
        except FormatError:
            return hashlib.sha256(data).digest()
    try:
        return fmt.digest(data)
    except FormatError as exc:
        # magic bytes inside a text ("%PDF-1.7 ... %%EOF" quoted in an answer) that do not
        # parse as that format: the text it is (unless its name says it is that format)
        named = os.path.splitext(filename)[1].lower() in fmt.extensions
        if text is not None and fmt is not text and not named and _is_utf8(data):
            return text.digest(data)
        raise FormatError(f"{filename or fmt.name}: {exc}") from exc


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_TEXT_CACHE: tuple[tuple[LabelFormat, ...], LabelFormat | None] = ((), None)


def _text_format() -> LabelFormat | None:
    """The plain-text format (the first text format that takes ``.txt``), if one is registered.

    Looked up again only when the registry's formats changed (every gateway answer asks).
    """
    global _TEXT_CACHE
    fmts = _ordered_formats()
    if _TEXT_CACHE[0] is not fmts:
        found = next((f for f in fmts if f.media_type == "text" and ".txt" in f.extensions), None)
        _TEXT_CACHE = (fmts, found)
    return _TEXT_CACHE[1]
