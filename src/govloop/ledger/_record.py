"""``record_output``: the one call the label, gateway and demo code make to log an output."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from govloop.errors import InputError
from govloop.ids import new_produce_id
from govloop.ledger._entry import AppendResult, LedgerEntry, MediaType
from govloop.ledger._fingerprint import image_fingerprint, text_fingerprint
from govloop.ledger._ledger import Ledger


def content_fingerprint(content: bytes, media_type: str) -> str | None:
    """The perceptual fingerprint of content bytes, or None when the medium has none."""
    if media_type == "text":
        try:
            return text_fingerprint(content.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError("text content is not valid UTF-8") from exc
    if media_type == "image":
        from PIL import Image

        from govloop._decode import decoding

        with decoding("image content", "image"):
            img = Image.open(io.BytesIO(content))
            img.load()
        return image_fingerprint(img)
    return None


def _as_dict(value: Any, what: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return dict(value)
    for method in ("model_dump", "to_json"):
        fn = getattr(value, method, None)
        if callable(fn):
            out = fn()
            if isinstance(out, dict):
                return out
            if isinstance(out, str):
                import json

                loaded = json.loads(out)
                if isinstance(loaded, dict):
                    return loaded
    raise InputError(f"{what} must be a mapping or a pydantic model, got {type(value).__name__}")


def record_output(
    ledger: Ledger,
    content: bytes,
    *,
    media_type: MediaType,
    model: str,
    provider_code: str,
    filing_id: str | None = None,
    model_version: str | None = None,
    requester: str | None = None,
    label: Any = None,
    watermark: Any = None,
    produce_id: str | None = None,
) -> AppendResult:
    """Record one generated output: digest, fingerprint and metadata, appended durably.

    ``requester`` is the raw identity; only its keyed pseudonym is stored. ``label`` is the AIGC
    object applied (an ``AIGCLabel`` or a dict); ``watermark`` a dict ``{"scheme", "payload"
    (hex), "bits", "key_id"}`` (or a ``WatermarkResult``). ``produce_id`` defaults to the
    label's ProduceID, else a new one.
    """
    label_dict = _as_dict(label, "label")
    wm = _as_dict(watermark, "watermark")
    if wm is not None and "payload_bits" in wm and "bits" not in wm:
        wm = {k: wm[k] for k in ("scheme", "payload", "key_id") if k in wm} | {
            "bits": wm["payload_bits"]
        }
    pid = produce_id or (label_dict or {}).get("ProduceID") or new_produce_id()
    try:
        entry = LedgerEntry(
            produce_id=str(pid),
            content_sha256=hashlib.sha256(content).hexdigest(),
            media_type=media_type,
            fingerprint=content_fingerprint(content, media_type),
            filing_id=filing_id,
            model=model,
            model_version=model_version,
            provider_code=provider_code,
            requester=None if requester is None else ledger.pseudonym(requester),
            label=label_dict,
            watermark=wm,
        )
    except ValidationError as exc:  # a bad ProduceID, an empty model name, ...
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or "entry"
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise InputError(f"ledger entry field {field!r}: {msg}") from exc
    return ledger.append(entry)
