"""The ``gvnote`` label format: a ``GVNOTE`` header line, an optional ``AIGC:`` line, the body.

A whole label format in one file: the five required members of ``LabelFormat`` plus the two
optional hooks, so files of this format get explicit labels and the platform check too.
"""

from __future__ import annotations

import hashlib

from govloop.errors import FormatError
from govloop.label import (
    AIGCLabel,
    ExplicitOptions,
    add_explicit_text_label,
    has_explicit_text_label,
)

MAGIC = b"GVNOTE\n"
_AIGC = b"AIGC: "


def _split(data: bytes) -> tuple[bytes | None, bytes]:
    """(the AIGC JSON or None, the body)."""
    if not data.startswith(MAGIC):
        raise FormatError("not a gvnote file (no GVNOTE header)")
    rest = data[len(MAGIC) :]
    if rest.startswith(_AIGC):
        line, _, body = rest.partition(b"\n")
        return line[len(_AIGC) :], body
    return None, rest


class NoteFormat:
    """``.gvnote`` files."""

    name = "gvnote"
    media_type = "text"
    extensions: tuple[str, ...] = (".gvnote",)

    def sniff(self, data: bytes, filename: str) -> bool:
        """The ``GVNOTE`` header line."""
        del filename
        return data.startswith(MAGIC)

    def read(self, data: bytes) -> AIGCLabel | None:
        """The label on the ``AIGC:`` line."""
        raw, _ = _split(data)
        return None if raw is None else AIGCLabel.from_json(raw, source="gvnote AIGC line")

    def write(self, data: bytes, label: AIGCLabel) -> bytes:
        """The ``AIGC:`` line set (replacing an old one), the body unchanged."""
        _, body = _split(data)
        return MAGIC + _AIGC + label.to_json().encode("utf-8") + b"\n" + body

    def digest(self, data: bytes) -> bytes:
        """SHA-256 of the body."""
        return hashlib.sha256(_split(data)[1]).digest()

    def add_explicit_label(self, data: bytes, *, filename: str, options: ExplicitOptions) -> bytes:
        """Optional hook: the visible prompt added to the body."""
        raw, body = _split(data)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(f"{filename or 'gvnote'}: body is not UTF-8") from exc
        new = add_explicit_text_label(
            text, position=options.text_position, language=options.language
        ).encode("utf-8")
        head = MAGIC if raw is None else MAGIC + _AIGC + raw + b"\n"
        return head + new

    def find_explicit_label(self, data: bytes) -> bool | None:
        """Optional hook (platform check): whether the body shows the prompt."""
        try:
            return has_explicit_text_label(_split(data)[1].decode("utf-8"))
        except (FormatError, UnicodeDecodeError):
            return None
