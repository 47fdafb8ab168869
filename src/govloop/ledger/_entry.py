"""Ledger entries: what one generated output records, and its canonical byte form.

The leaf bytes of an entry are its JSON with sorted keys, no insignificant whitespace, UTF-8
(``ensure_ascii=False``) and no NaN/Infinity: the same entry always gives the same bytes, and
the bytes parse back to the same entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from govloop.errors import FormatError
from govloop.ids import validate_provider_code

MediaType = Literal["text", "image", "audio", "video", "other"]
"""Kinds of content the ledger records."""

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX = re.compile(r"^[0-9a-f]+$")
_ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def utc_now_iso() -> str:
    """The current time as UTC ISO-8601 with milliseconds and a ``Z`` suffix."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def pseudonymize(secret: bytes, identity: str) -> str:
    """Keyed pseudonym of a requester identity: HMAC-SHA256 hex; the identity is never stored."""
    return hmac.new(secret, identity.encode("utf-8"), hashlib.sha256).hexdigest()


class LedgerEntry(BaseModel):
    """One generated output as the ledger records it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    produce_id: str = Field(min_length=1, max_length=64)
    """The GB 45438 ProduceID of the content (unique per output)."""
    content_sha256: str
    """SHA-256 of the content bytes, lower-case hex."""
    media_type: MediaType
    """Kind of content."""
    fingerprint: str | None = None
    """Perceptual fingerprint, hex (image: 4 scaled 64-bit pHashes; text: 16 minhashes)."""
    filing_id: str | None = None
    """Registry filing the serving model belongs to."""
    model: str = Field(min_length=1)
    """Model name as served."""
    model_version: str | None = None
    """Model version, when known."""
    provider_code: str
    """27-character TC260 provider code of the generation service."""
    created_at: str = Field(default_factory=utc_now_iso)
    """Generation time, UTC ISO-8601 with a ``Z`` suffix."""
    requester: str | None = None
    """Keyed pseudonym of the requester (hex), never the raw identity."""
    label: dict[str, Any] | None = None
    """The AIGC implicit label object that was applied, if any."""
    watermark: dict[str, Any] | None = None
    """The watermark applied: ``{"scheme", "payload" (hex), "bits", "key_id"}``, if any."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Anything else worth recording (JSON values)."""

    @field_validator("produce_id")
    @classmethod
    def _printable_ascii(cls, value: str) -> str:
        if not value.isascii() or not value.isprintable() or " " in value:
            raise ValueError("ProduceID must be printable ASCII without spaces")
        return value

    @field_validator("content_sha256")
    @classmethod
    def _sha(cls, value: str) -> str:
        if not _HEX64.match(value):
            raise ValueError("must be 64 lower-case hex digits")
        return value

    @field_validator("fingerprint")
    @classmethod
    def _fp(cls, value: str | None) -> str | None:
        if value is not None and not _HEX.match(value):
            raise ValueError("must be lower-case hex")
        return value

    @field_validator("requester")
    @classmethod
    def _requester(cls, value: str | None) -> str | None:
        if value is not None and not (_HEX.match(value) and 16 <= len(value) <= 64):
            raise ValueError("must be a hex pseudonym (see pseudonymize), not a raw identity")
        return value

    @field_validator("provider_code")
    @classmethod
    def _provider(cls, value: str) -> str:
        return validate_provider_code(value)

    @field_validator("created_at")
    @classmethod
    def _time(cls, value: str) -> str:
        if not _ISO_UTC.match(value):
            raise ValueError("must be UTC ISO-8601 like 2025-09-01T12:00:00.000Z")
        return value

    @field_validator("watermark")
    @classmethod
    def _wm(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        payload = value.get("payload")
        if not isinstance(payload, str) or not _HEX.match(payload):
            raise ValueError("watermark.payload must be a lower-case hex string")
        return value

    def canonical_bytes(self) -> bytes:
        """The leaf bytes: sorted-key compact JSON in UTF-8."""
        return canonical_json(self.model_dump(mode="json"))

    @classmethod
    def from_bytes(cls, data: bytes, *, where: str = "entry") -> LedgerEntry:
        """Parse leaf bytes back into an entry; :class:`FormatError` when they are not one."""
        try:
            return cls.model_validate_json(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "entry"
            raise FormatError(f"{where}: field {field!r}: {err['msg']}") from exc

    @property
    def watermark_payload(self) -> str | None:
        """The recorded watermark payload (hex), if any."""
        return None if self.watermark is None else str(self.watermark["payload"])


def as_bytes(value: object) -> bytes:
    """A stored leaf as bytes (a tampered row may come back as text)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8")


def canonical_json(value: Any) -> bytes:
    """Sorted-key compact UTF-8 JSON (the ledger's canonical form)."""
    try:
        text = json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except ValueError as exc:
        raise FormatError(f"entry is not canonical JSON: {exc}") from exc
    return text.encode("utf-8")


@dataclass(frozen=True)
class AppendResult:
    """What an append acknowledges: the entry is committed at ``index``."""

    index: int
    """Leaf index of the entry."""
    produce_id: str
    """ProduceID of the entry."""
    leaf_hash: str
    """RFC 9162 leaf hash, hex."""


@dataclass(frozen=True)
class LedgerRecord:
    """A stored entry with its position in the log."""

    index: int
    """Leaf index."""
    entry: LedgerEntry
    """The entry."""
    leaf: bytes
    """The exact leaf bytes stored."""
