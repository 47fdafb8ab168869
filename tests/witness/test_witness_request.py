"""The add-checkpoint body parser: spec examples, bounds, and fuzzing with Hypothesis."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from govloop.errors import InputError
from govloop.keys import SigningKey
from govloop.ledger import CheckpointBody, sign_note
from govloop.witness import (
    MAX_BODY_BYTES,
    MAX_PROOF_LINES,
    AddCheckpoint,
    format_add_checkpoint,
    parse_add_checkpoint,
)

NOTE = sign_note(
    CheckpointBody("example.com/log", 20852163, bytes(range(32))).to_text(),
    "example.com/log",
    SigningKey("k", Ed25519PrivateKey.generate()),
)
HASH = base64.b64encode(bytes(32)).decode()


def test_well_formed_body_parses() -> None:
    body = f"old 20852014\n{HASH}\n{HASH}\n\n{NOTE}".encode()
    req = parse_add_checkpoint(body)
    assert req == AddCheckpoint(20852014, (bytes(32), bytes(32)), NOTE)
    assert req.to_bytes() == body
    assert parse_add_checkpoint(f"old 0\n\n{NOTE}".encode()).proof == ()


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"", "no empty line"),
        (b"old 1\n", "no empty line"),
        (f"new 1\n\n{NOTE}".encode(), "must be 'old"),
        (f"old 01\n\n{NOTE}".encode(), "no leading zeroes"),
        (f"old -1\n\n{NOTE}".encode(), "tree size"),
        (f"old 1 \n\n{NOTE}".encode(), "tree size"),
        (f"old {2**63}\n\n{NOTE}".encode(), "2\\*\\*63"),
        (f"old 1\nnot base64!\n\n{NOTE}".encode(), "not base64"),
        (f"old 1\n{base64.b64encode(bytes(31)).decode()}\n\n{NOTE}".encode(), "not 32"),
        (b"old 1\n\nexample.com/log\n1\n", "checkpoint"),
        (b"old 1\n\n\xff\xfe\n", "UTF-8"),
    ],
)
def test_malformed_bodies_are_input_errors(body: bytes, match: str) -> None:
    with pytest.raises(InputError, match=match):
        parse_add_checkpoint(body)


def test_bounds() -> None:
    too_long = "old 1\n" + f"{HASH}\n" * (MAX_PROOF_LINES + 1) + f"\n{NOTE}"
    with pytest.raises(InputError, match="at most 63"):
        parse_add_checkpoint(too_long.encode())
    ok = "old 1\n" + f"{HASH}\n" * MAX_PROOF_LINES + f"\n{NOTE}"
    assert len(parse_add_checkpoint(ok.encode()).proof) == MAX_PROOF_LINES
    with pytest.raises(InputError, match="larger than"):
        parse_add_checkpoint(b"old 1\n\n" + b"x" * MAX_BODY_BYTES)
    with pytest.raises(InputError):
        format_add_checkpoint(1, [bytes(32)] * 64, NOTE)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_random_bytes_only_input_errors(data: bytes) -> None:
    try:
        req = parse_add_checkpoint(data)
    except InputError:
        return
    assert req.to_bytes() == data  # whatever parses is exactly what was sent


_line = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FFF), min_size=0, max_size=30
)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**63 - 1),
    st.lists(st.binary(min_size=32, max_size=32), max_size=MAX_PROOF_LINES),
    st.lists(_line, min_size=1, max_size=5),
    st.integers(0, 3),
)
def test_fuzz_structured_bodies(old: int, proof: list[bytes], lines: list[str], cut: int) -> None:
    note = "".join(f"{ln}\n" for ln in lines) + "\n— k " + HASH + "\n"
    body = format_add_checkpoint(old, proof, note)
    mutated = body[: len(body) - cut] if cut else body
    if cut:  # a truncated note no longer ends in a newline
        with pytest.raises(InputError):
            parse_add_checkpoint(mutated)
        return
    req = parse_add_checkpoint(mutated)
    assert (req.old_size, list(req.proof), req.note) == (old, proof, note)
