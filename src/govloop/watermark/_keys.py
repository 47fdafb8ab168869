"""Watermark keys: one secret per provider from the key store, with a short public key id.

The key id rides in payloads and reports so a detector knows which key to try; the secret never
leaves the key store. Rotation (``govloop watermark rotate-key``) makes a new active secret and
keeps the old ones, so content marked before a rotation is still detected: detectors try every
key, active first (with k keys the false-positive bound becomes k times the per-key bound).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from govloop.keys import KeyStore


@dataclass(frozen=True)
class WatermarkKey:
    """A keyed-watermark secret and its 16-bit id."""

    secret: bytes
    """32 secret bytes; every scheme derives its pseudo-random functions from these."""

    @property
    def key_id(self) -> int:
        """16-bit id: the first two bytes of SHA-256("govloop-wm-id" || secret)."""
        return int.from_bytes(hashlib.sha256(b"govloop-wm-id" + self.secret).digest()[:2], "big")

    def derive(self, label: str) -> bytes:
        """A 32-byte sub-key for one scheme or purpose (domain separation)."""
        return hashlib.sha256(b"govloop-wm:" + label.encode() + b":" + self.secret).digest()


def watermark_key(keys: KeyStore, purpose: str = "watermark") -> WatermarkKey:
    """The provider's watermark key from the key store (created on first use)."""
    return WatermarkKey(keys.secret(purpose))


def watermark_keys(keys: KeyStore, purpose: str = "watermark") -> list[WatermarkKey]:
    """Every watermark key of the provider, the active one first, then retired ones."""
    return [WatermarkKey(secret) for secret in keys.all_secrets(purpose)]
