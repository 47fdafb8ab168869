"""cosignature/v1 lines: signing, verifying, key text, and what must not verify."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from govloop.errors import InputError, VerificationError
from govloop.keys import SigningKey, public_raw
from govloop.ledger import CheckpointBody, NoteVerifier, open_note, sign_note
from govloop.witness import (
    CosignVerifier,
    cosign,
    cosign_key_id,
    cosigned_message,
    merge_signatures,
    verify_cosignatures,
)

BODY = CheckpointBody("example.com/log", 5, bytes(range(32))).to_text()


def _key() -> SigningKey:
    return SigningKey("k", Ed25519PrivateKey.generate())


def test_round_trip_and_wire_layout() -> None:
    log, wit = _key(), _key()
    note = sign_note(BODY, "example.com/log", log)
    line = cosign(BODY, "witness.example/w1", wit, 1_679_315_147)
    blob = base64.b64decode(line.split(" ")[2])
    expect_id = hashlib.sha256(b"witness.example/w1\n\x04" + public_raw(wit.public_key)).digest()
    assert blob[:4] == expect_id[:4] == cosign_key_id("witness.example/w1", wit.public_key)
    assert int.from_bytes(blob[4:12], "big") == 1_679_315_147 and len(blob) == 76
    wit.public_key.verify(blob[12:], b"cosignature/v1\ntime 1679315147\n" + BODY.encode())
    verifier = CosignVerifier("witness.example/w1", wit.public_key)
    cosigned = merge_signatures(note, [line])
    got = verify_cosignatures(cosigned, [verifier])
    assert [(c.name, c.timestamp) for c in got] == [("witness.example/w1", 1_679_315_147)]
    # the log's own signature still verifies with the cosignature appended
    opened = open_note(cosigned, [NoteVerifier("example.com/log", log.public_key)])
    assert opened.body == BODY


def test_tampered_body_or_signature_does_not_verify() -> None:
    wit = _key()
    verifier = CosignVerifier("w", wit.public_key)
    line = cosign(BODY, "w", wit, 10)
    other = CheckpointBody("example.com/log", 6, bytes(range(32))).to_text()
    with pytest.raises(VerificationError, match="bad cosignature"):
        verify_cosignatures(f"{other}\n{line}", [verifier])
    blob = bytearray(base64.b64decode(line.split(" ")[2]))
    blob[11] ^= 1  # another timestamp: the signature no longer covers it
    bad = f"— w {base64.b64encode(bytes(blob)).decode()}\n"
    with pytest.raises(VerificationError):
        verify_cosignatures(f"{BODY}\n{bad}", [verifier])


def test_unknown_keys_are_ignored_and_log_key_is_not_a_cosigner() -> None:
    log, wit = _key(), _key()
    note = sign_note(BODY, "w", log)  # a note key (0x01) with the witness's name
    assert verify_cosignatures(note, [CosignVerifier("w", wit.public_key)]) == []
    # the same Ed25519 key as a note key and as a cosigner key gets different key IDs
    assert cosign_key_id("w", log.public_key) != NoteVerifier("w", log.public_key).key_hash


def test_verifier_key_text_round_trip_and_errors() -> None:
    v = CosignVerifier("witness.example/w1", _key().public_key)
    text = v.to_text()
    assert CosignVerifier.from_text(text) == v
    name, kid, blob = text.split("+", 2)
    with pytest.raises(InputError, match="key ID"):
        CosignVerifier.from_text(f"{name}+00000000+{blob}")
    note_key = NoteVerifier(name, v.public_key).to_text()
    with pytest.raises(InputError, match="cosignature/v1"):
        CosignVerifier.from_text(note_key)
    with pytest.raises(InputError):
        CosignVerifier.from_text("no-plus-signs")
    assert kid == v.key_id.hex()


def test_timestamp_bounds() -> None:
    with pytest.raises(InputError):
        cosigned_message(BODY, -1)
    with pytest.raises(InputError):
        cosigned_message(BODY, 2**63)
    assert cosigned_message(BODY, 0).startswith(b"cosignature/v1\ntime 0\n")
