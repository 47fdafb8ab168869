import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from govloop.errors import InputError, VerificationError
from govloop.keys import SigningKey
from govloop.ledger import CheckpointBody, NoteVerifier, open_note, sign_note

# golang.org/x/mod/sumdb/note note_test.go
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SKEY_B64 = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
SIGNED = (
    TEXT
    + "\n\u2014 PeterNeumann "
    + "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    + "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def _go_key() -> SigningKey:
    seed = base64.b64decode(SKEY_B64)[1:]
    return SigningKey("go", Ed25519PrivateKey.from_private_bytes(seed))


def test_signing_reproduces_go_reference_note_byte_for_byte() -> None:
    assert sign_note(TEXT, "PeterNeumann", _go_key()) == SIGNED


def test_verifier_key_round_trips_and_hash_matches_go() -> None:
    v = NoteVerifier.from_text(VKEY)
    assert v.key_hash.hex() == "c74f20a3"
    assert v.to_text() == VKEY
    assert open_note(SIGNED, [v]).body == TEXT


@pytest.mark.parametrize(
    "bad",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a3+AhpcMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_malformed_verifier_keys_are_rejected(bad: str) -> None:
    with pytest.raises(InputError, match="verifier key"):
        NoteVerifier.from_text(bad)


def test_tampered_note_and_unknown_key_fail() -> None:
    v = NoteVerifier.from_text(VKEY)
    with pytest.raises(VerificationError, match="bad signature"):
        open_note(SIGNED.replace("cryptography", "cryptographY"), [v])
    other = NoteVerifier("PeterNeumann", Ed25519PrivateKey.generate().public_key())
    with pytest.raises(VerificationError, match="not signed by any known key"):
        open_note(SIGNED, [other])
    for broken in (TEXT, SIGNED[:-1], SIGNED.replace("\u2014", "-"), SIGNED + "junk\n"):
        with pytest.raises(VerificationError, match="malformed"):
            open_note(broken, [v])


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz./-", min_size=1, max_size=30),
    st.integers(0, 2**63),
    st.binary(min_size=32, max_size=32),
)
def test_checkpoint_body_round_trip(origin: str, size: int, root: bytes) -> None:
    body = CheckpointBody(origin, size, root)
    assert CheckpointBody.from_text(body.to_text()) == body


@pytest.mark.parametrize(
    "text",
    [
        "o\n1\n",
        "o\n01\nAAAA\n",
        "o\nx\n" + "A" * 44 + "\n",
        "o\n1\nAAAA\n",
        "\n1\n" + "A" * 43 + "=\n",
        "o\n1\n" + "A" * 43 + "=",
    ],
)
def test_malformed_checkpoint_bodies_are_rejected(text: str) -> None:
    with pytest.raises(VerificationError, match="malformed checkpoint"):
        CheckpointBody.from_text(text)
