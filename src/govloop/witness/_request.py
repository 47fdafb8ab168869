r"""The tlog-witness ``add-checkpoint`` request body: parse and produce it.

Body (c2sp.org/tlog-witness)::

    old <size>\n                  decimal, no leading zeroes ("0" for none)
    <base64 hash>\n               0 to 63 consistency proof lines
    \n
    <signed checkpoint note>

The body comes from anyone on the network, so the parser bounds everything before looking:
the whole body (:data:`MAX_BODY_BYTES`), the proof (:data:`MAX_PROOF_LINES`) and the size
field; every refusal is an :class:`~govloop.errors.InputError` (HTTP 400).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from govloop.errors import InputError, VerificationError
from govloop.ledger import split_note

MAX_BODY_BYTES = 64 * 1024
"""Largest request body read: a checkpoint with 100 signatures and a full proof is ~20 KiB."""
MAX_PROOF_LINES = 63
"""Most consistency proof lines the spec lets a client send."""
MAX_TREE_SIZE = 2**63 - 1
"""Largest tree size accepted (a signed 64-bit integer, as the Go reference uses)."""


def parse_size(text: str, what: str) -> int:
    """A tree size in the spec's form: ASCII decimal, no leading zeroes, below 2**63."""
    if (
        not text
        or not text.isascii()
        or not text.isdigit()
        or (len(text) > 1 and text[0] == "0")
        or len(text) > 19
    ):
        raise InputError(f"{what} {text[:40]!r} is not a tree size (decimal, no leading zeroes)")
    value = int(text)
    if value > MAX_TREE_SIZE:
        raise InputError(f"{what} {text!r} is larger than 2**63 - 1")
    return value


@dataclass(frozen=True)
class AddCheckpoint:
    """A parsed ``add-checkpoint`` request."""

    old_size: int
    """The size of the checkpoint the client believes the witness last cosigned."""
    proof: tuple[bytes, ...]
    """Consistency proof from ``old_size`` to the checkpoint's size (32-byte hashes)."""
    note: str
    """The signed checkpoint note (not yet verified)."""

    def to_bytes(self) -> bytes:
        """The request body."""
        return format_add_checkpoint(self.old_size, self.proof, self.note)


def format_add_checkpoint(
    old_size: int, proof: tuple[bytes, ...] | list[bytes], note: str
) -> bytes:
    """The ``add-checkpoint`` body for a checkpoint ``note`` and a proof from ``old_size``."""
    if not 0 <= old_size <= MAX_TREE_SIZE:
        raise InputError(f"old size {old_size} is out of range")
    if len(proof) > MAX_PROOF_LINES:
        raise InputError(f"a consistency proof of {len(proof)} hashes is longer than 63")
    lines = [f"old {old_size}\n"] + [base64.b64encode(h).decode() + "\n" for h in proof]
    return ("".join(lines) + "\n" + note).encode("utf-8")


def parse_add_checkpoint(data: bytes) -> AddCheckpoint:
    """Parse an ``add-checkpoint`` body; :class:`InputError` says what is malformed."""
    if len(data) > MAX_BODY_BYTES:
        raise InputError(f"request body of {len(data)} bytes is larger than {MAX_BODY_BYTES}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("request body is not UTF-8 text") from exc
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise InputError("request body has no empty line before the checkpoint")
    lines = head.split("\n")
    first = lines[0]
    if not first.startswith("old "):
        raise InputError(f"first line {first[:40]!r} must be 'old <size>'")
    old_size = parse_size(first[4:], "old size")
    proof_lines = lines[1:]
    if len(proof_lines) > MAX_PROOF_LINES:
        raise InputError(
            f"consistency proof has {len(proof_lines)} lines; at most {MAX_PROOF_LINES} allowed"
        )
    proof: list[bytes] = []
    for i, line in enumerate(proof_lines):
        try:
            digest = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InputError(f"consistency proof line {i + 1} is not base64") from exc
        if len(digest) != 32:
            raise InputError(f"consistency proof line {i + 1} holds {len(digest)} bytes, not 32")
        proof.append(digest)
    try:
        split_note(note)
    except VerificationError as exc:
        raise InputError(f"checkpoint: {exc}") from exc
    return AddCheckpoint(old_size, tuple(proof), note)
