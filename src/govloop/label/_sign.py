r"""Security data in ReservedCode1 (producer) and ReservedCode2 (platform): Ed25519 signatures.

TC260-PG-202511A puts a signature over the label (and optionally the content) in the reserved
fields. govloop's value is ASCII: standard base64 of a compact JSON object::

    {"v":1,"alg":"Ed25519","kid":"<8 hex key id>","dig":"<base64url SHA-256 content digest>",
     "sig":"<base64url 64-byte signature>"}

The producer signs ``GB45438-AIGC-producer-v1\\n`` + ``"Label":"1","ContentProducer":"…",
"ProduceID":"…"`` (the guide's A.1 message) + ``\\n`` + the hex content digest. The platform signs
``GB45438-AIGC-propagator-v1\\n`` + the six other fields in the same ``"Key":"value"`` form +
``\\n`` + the hex digest. The content digest is :func:`content_digest` of the file: the content
without its label metadata, so writing the label does not change what was signed.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from typing import Literal

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govloop.errors import InputError
from govloop.ids import validate_provider_code
from govloop.keys import SigningKey
from govloop.label._model import AIGC_FIELDS, AIGCLabel
from govloop.label._registry import content_digest

SignatureStatus = Literal["valid", "invalid", "absent"]
_PRINTABLE = re.compile(r"[\x21-\x7e]+")
_valid_provider_code = functools.lru_cache(maxsize=256)(validate_provider_code)
"""validate_provider_code, memoised: a service signs with one or a few codes (errors not cached)."""
_PRODUCER_SIGNED = AIGC_FIELDS[:3]
_PROPAGATOR_SIGNED = AIGC_FIELDS[:6]
_DOMAIN = {
    "ReservedCode1": b"GB45438-AIGC-producer-v1\n",
    "ReservedCode2": b"GB45438-AIGC-propagator-v1\n",
}


@dataclass(frozen=True)
class SignatureCheck:
    """Outcome of checking one reserved field."""

    status: SignatureStatus
    """valid, invalid or absent."""
    reason: str
    """Why, in a few words."""
    key_id: str | None = None
    """Id of the signing key named in the security data."""


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json_text(value: object) -> str:
    """``json.dumps(value, ensure_ascii=True)``; for a string, its encoder called directly.

    ``json.dumps`` of a ``str`` is ``encode_basestring_ascii`` behind two calls of overhead,
    paid three times per label on the gateway's hot path.
    """
    return encode_basestring_ascii(value) if type(value) is str else json.dumps(value)


def _message(values: Mapping[str, str], field: str, digest: bytes) -> bytes:
    names = _PRODUCER_SIGNED if field == "ReservedCode1" else _PROPAGATOR_SIGNED
    body = ",".join(f'"{k}":{_json_text(values.get(k, ""))}' for k in names)
    return _DOMAIN[field] + body.encode("ascii") + b"\n" + digest.hex().encode("ascii")


def _security_value(
    values: Mapping[str, str], field: str, digest: bytes, signer: SigningKey
) -> str:
    sig = signer.sign(_message(values, field, digest))
    obj = {
        "v": 1,
        "alg": "Ed25519",
        "kid": signer.key_id,
        "dig": _b64url(digest),
        "sig": _b64url(sig),
    }
    return base64.b64encode(orjson.dumps(obj)).decode("ascii")  # compact, as json.dumps(...)


def security_data(label: AIGCLabel, field: str, digest: bytes, signer: SigningKey) -> str:
    """The ASCII value for ``field`` (ReservedCode1 or ReservedCode2) signed by ``signer``."""
    return _security_value(label.as_dict(), field, digest, signer)


def _check_ascii(name: str, value: str) -> None:
    if _PRINTABLE.fullmatch(value) is None:
        raise InputError(f"{name} {value!r} must be non-empty printable ASCII without spaces")


def make_producer_label(
    *,
    producer_code: str,
    produce_id: str,
    content: bytes,
    signer: SigningKey,
    label: str = "1",
    filename: str = "",
    digest: bytes | None = None,
) -> AIGCLabel:
    """A provider's label: ``Label``, ``ContentProducer``, ``ProduceID`` and a signed ReservedCode1.

    ``content`` is the file (with or without a label already); its :func:`content_digest` is
    signed. ``digest`` is that digest when the caller has computed it already (the gateway
    also stores it in the ledger entry, and sniffing the format twice per answer showed in its
    profile); it is taken as given. The propagator fields stay empty for the platform to fill.
    """
    _valid_provider_code(producer_code)
    _check_ascii("ProduceID", produce_id)
    fields = {"Label": label, "ContentProducer": producer_code, "ProduceID": produce_id}
    if digest is None:
        digest = content_digest(content, filename=filename)
    # one validated label object, built once with its signature (a hot path of the gateway)
    fields["ReservedCode1"] = _security_value(fields, "ReservedCode1", digest, signer)
    return AIGCLabel.from_obj(fields)


def check_signature(
    label: AIGCLabel,
    content: bytes,
    public_keys: Mapping[str, Ed25519PublicKey],
    *,
    filename: str = "",
    field: str = "ReservedCode1",
    digest: bytes | None = None,
) -> SignatureCheck:
    """Check the security data in ``field`` against the label and the content."""
    if field not in _DOMAIN:
        raise InputError(f"field {field!r} holds no signature; use ReservedCode1 or ReservedCode2")
    value = getattr(label, field)
    if not value:
        return SignatureCheck("absent", f"{field} is empty")
    try:
        obj = json.loads(base64.b64decode(value, validate=True))
        if not isinstance(obj, dict) or obj.get("alg") != "Ed25519":
            raise ValueError("not Ed25519 security data")
        kid, dig, sig = str(obj["kid"]), _unb64url(str(obj["dig"])), _unb64url(str(obj["sig"]))
    except (ValueError, KeyError, binascii.Error, UnicodeDecodeError, TypeError, RecursionError):
        return SignatureCheck("invalid", f"{field} is not govloop Ed25519 security data")
    key = public_keys.get(kid)
    if key is None:
        return SignatureCheck("invalid", f"{field} signed by unknown key {kid!r}", kid)
    actual = content_digest(content, filename=filename) if digest is None else digest
    try:
        key.verify(sig, _message(label.as_dict(), field, actual))
    except InvalidSignature:
        reason = "content changed since signing" if dig != actual else "label fields altered"
        return SignatureCheck("invalid", f"{field}: {reason}", kid)
    return SignatureCheck("valid", f"{field} verifies with key {kid}", kid)


def verify_label(
    label: AIGCLabel,
    content: bytes,
    public_keys: Mapping[str, Ed25519PublicKey],
    *,
    filename: str = "",
) -> SignatureStatus:
    """Check ReservedCode1: ``valid``, ``invalid`` (edited, copied or unknown key) or ``absent``."""
    return check_signature(label, content, public_keys, filename=filename).status
