r"""C2SP tlog-cosignature: Ed25519 ``cosignature/v1`` lines a witness adds to a checkpoint.

Format (c2sp.org/tlog-cosignature):

- key ID: first 4 bytes of ``SHA-256(name || "\n" || 0x04 || public key)`` (type 0x04, so a
  witness key can never be mistaken for a log's 0x01 note key);
- signed message: ``cosignature/v1\ntime <unix seconds>\n`` followed by the whole checkpoint
  body (extension lines included);
- signature line: ``— <name> base64(key ID || timestamp as u64 big-endian || signature)``;
- verifier key text: ``<name>+<key ID hex>+base64(0x04 || public key)``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govloop.errors import InputError, VerificationError
from govloop.keys import SigningKey, public_raw
from govloop.ledger._note import SIG_PREFIX, _split_note, check_key_name

ALG_COSIGNATURE_V1 = 0x04
"""Signature type byte of Ed25519 cosignature/v1 keys."""
MAX_TIMESTAMP = 2**63 - 1
"""Largest timestamp the spec allows."""


def cosign_key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte key ID of a cosignature/v1 key."""
    data = name.encode() + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public_raw(public_key)
    return hashlib.sha256(data).digest()[:4]


def cosigned_message(body: str, timestamp: int) -> bytes:
    """The bytes a cosignature signs: header line, time line, then the checkpoint body."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise InputError(f"cosignature timestamp {timestamp} is out of range")
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


@dataclass(frozen=True)
class CosignVerifier:
    """A witness's named Ed25519 public key that checks cosignature/v1 lines."""

    name: str
    """Witness key name (a schema-less URL by convention)."""
    public_key: Ed25519PublicKey
    """The witness's Ed25519 public key."""

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID that cosignature lines carry."""
        return cosign_key_id(self.name, self.public_key)

    def to_text(self) -> str:
        """The verifier key text ``name+id+base64(0x04||key)``."""
        blob = base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + public_raw(self.public_key))
        return f"{self.name}+{self.key_id.hex()}+{blob.decode()}"

    @classmethod
    def from_text(cls, text: str) -> CosignVerifier:
        """Parse verifier key text; :class:`InputError` names what is wrong."""
        text = text.strip()
        parts = text.split("+", 2)
        if len(parts) != 3:
            raise InputError(f"witness key {text!r} must be name+id+key")
        name, id_hex, blob = parts
        check_key_name(name)
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error as exc:
            raise InputError(f"witness key {text!r}: key is not base64") from exc
        if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
            raise InputError(f"witness key {text!r}: not a cosignature/v1 key (0x04 + 32 bytes)")
        verifier = cls(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
        if verifier.key_id.hex() != id_hex:
            raise InputError(f"witness key {text!r}: key ID {id_hex} does not match the key")
        return verifier


def cosign(body: str, name: str, key: SigningKey, timestamp: int) -> str:
    """One cosignature line (ending in a newline) over a checkpoint ``body``."""
    check_key_name(name)
    sig = key.sign(cosigned_message(body, timestamp))
    blob = cosign_key_id(name, key.public_key) + timestamp.to_bytes(8, "big") + sig
    return f"{SIG_PREFIX}{name} {base64.b64encode(blob).decode()}\n"


@dataclass(frozen=True)
class Cosignature:
    """A cosignature that verified."""

    name: str
    """Witness key name."""
    timestamp: int
    """When the witness signed (unix seconds)."""


def verify_cosignatures(note: str, verifiers: Sequence[CosignVerifier]) -> list[Cosignature]:
    """The cosignatures on ``note`` by known witness keys, each checked.

    Lines by unknown keys (the log's own signature among them) are ignored; a line by a known
    key that does not verify raises :class:`VerificationError`, as the signed-note rules say.
    """
    body, sigs = _split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    good: dict[str, Cosignature] = {}
    for name, blob in sigs:
        verifier = known.get((name, blob[:4]))
        if verifier is None:
            continue
        if len(blob) != 4 + 8 + 64:
            raise VerificationError(f"cosignature by {name} has {len(blob)} bytes, not 76")
        timestamp = int.from_bytes(blob[4:12], "big")
        if timestamp > MAX_TIMESTAMP:
            raise VerificationError(f"cosignature by {name}: timestamp out of range")
        try:
            verifier.public_key.verify(blob[12:], cosigned_message(body, timestamp))
        except InvalidSignature as exc:
            raise VerificationError(f"bad cosignature by witness {name}") from exc
        good.setdefault(name, Cosignature(name, timestamp))
    return list(good.values())
