"""Evidence extraction: the pure half of a scan, run on workers (no database, no ledger).

A worker reads the file, decodes it, checks its labels and their signatures, detects the
watermark and computes the fingerprint. Everything it needs rides in a :class:`WorkerConfig`
(public label keys as raw bytes, watermark secrets), so a process pool or a Ray cluster can
run it without a connection to the store; the ledger lookup happens on the driver
(:mod:`govloop.scan._lookup`). A file that cannot be read or decoded gives a row with a typed
``error_reason``, never an exception: one bad upload must not stop a scan of millions.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govloop.errors import FormatError, GovloopError
from govloop.label import check_bytes, find_format
from govloop.trace import Subject
from govloop.watermark import WatermarkKey, detect_with_keys, watermark_keys

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from govloop.keys import KeyStore
    from govloop.scan._sources import ScanItem

#: Typed reasons a row may carry instead of evidence.
ERROR_REASONS = ("unreadable", "not_a_supported_format", "decode_error", "internal_error")


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to extract evidence: picklable, and no secret but the watermark's."""

    label_keys: Mapping[str, bytes]
    """Trusted label-signing public keys: key id -> raw Ed25519 public key bytes."""
    watermark_keys: Sequence[WatermarkKey]
    """The provider's watermark keys, active first."""

    @classmethod
    def from_keys(cls, keys: KeyStore) -> WorkerConfig:
        """The configuration from a key store (on the driver, before any worker starts)."""
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        public = {
            key_id: key.public_bytes(Encoding.Raw, PublicFormat.Raw)
            for key_id, key in keys.public_keys("label").items()
        }
        return cls(label_keys=public, watermark_keys=tuple(watermark_keys(keys)))

    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        """The label keys as key objects (rebuilt on the worker; key objects do not pickle)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        return {k: Ed25519PublicKey.from_public_bytes(v) for k, v in self.label_keys.items()}


def _error(row: dict[str, Any], reason: str, detail: str) -> dict[str, Any]:
    return row | {"status": "error", "error_reason": reason, "error_detail": detail}


def _label_fields(data: bytes, name: str, keys: Mapping[str, Any]) -> dict[str, Any] | None:
    """Label evidence, or None when no label format knows the file."""
    try:
        find_format(data, filename=name)
    except FormatError:
        return None
    report = check_bytes(data, filename=name, public_keys=keys)
    label = report.label or {}
    prod = report.producer_signature.status if report.producer_signature else None
    prop = report.propagator_signature.status if report.propagator_signature else None
    return {
        "format": report.format,
        "implicit_label": report.implicit_label,
        "produce_id": label.get("ProduceID") or None,
        "label_value": label.get("Label") or None,
        "producer_signature": prod,
        "propagator_signature": prop,
        "signature_ok": None if not report.implicit_label else prod == "valid",
        "explicit_label": report.explicit_label_found,
    }


def _watermark_fields(data: bytes, name: str, keys: Sequence[WatermarkKey]) -> dict[str, Any]:
    result = detect_with_keys(data, filename=name, keys=keys)
    if result is None:
        return {}
    payload = None
    if result.detected and result.payload is not None:
        width = max(1, (int(result.payload_bits) + 3) // 4)
        payload = f"{int(result.payload):0{width}x}"
    return {
        "watermark_scheme": result.scheme,
        "watermark_detected": bool(result.detected),
        "watermark_payload": payload,
        "watermark_bits": int(result.payload_bits),
        "watermark_p_value": float(result.p_value),
        "watermark_key_id": result.key_id,
    }


def _extract(path: str, config: WorkerConfig, public: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"path": path, "status": "ok"}
    name = os.path.basename(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return _error(row, "unreadable", f"{path}: cannot read: {exc.strerror or exc}")
    subject = Subject(data, name)
    row |= {"size": len(data), "sha256": subject.sha256, "media_type": subject.media_type}
    try:
        label = _label_fields(data, name, public)
        marks = _watermark_fields(data, name, config.watermark_keys)
        if label is None and not marks:
            return _error(row, "not_a_supported_format", f"{path}: no label format or medium")
        row |= (label or {}) | marks
        row["fingerprint"] = subject.fingerprint
    except FormatError as exc:
        return _error(row, "decode_error", exc.diagnostics())
    except GovloopError as exc:
        return _error(row, "decode_error", exc.diagnostics())
    except Exception as exc:  # a decoder's own bug must not stop the scan of the other files
        return _error(row, "internal_error", f"{path}: {type(exc).__name__}: {exc}")
    return row


def extract_batch(items: Sequence[ScanItem], config: WorkerConfig) -> list[dict[str, Any]]:
    """Evidence rows for a batch of items, in order (the function engines ship to workers)."""
    public = config.public_keys()
    return [_extract(item.path, config, public) for item in items]
