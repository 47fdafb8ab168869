"""Shared helpers for label tests: the sample files and a signing key."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govloop.keys import SigningKey, key_id_of

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "label"
PRODUCER = "001191440300708461136T1GOVL"
PLATFORM = "001191440300MA5G49LC9K2PLAT"
#: Every sample, one per supported format variant.
SAMPLES = sorted(p.name for p in ASSETS.glob("sample*") if p.suffix != ".py")


def new_signer() -> SigningKey:
    key = Ed25519PrivateKey.generate()
    return SigningKey(key_id_of(key.public_key()), key)


def asset(name: str) -> bytes:
    return (ASSETS / name).read_bytes()
