"""Proofs and checkpoints as exchanged documents, and their offline verification (no database).

JSON shapes: inclusion ``{"leaf_index", "tree_size", "leaf_hash", "inclusion_path"}``, consistency
``{"old_size", "new_size", "consistency_path"}``; hashes are lower-case hex. Checkpoints travel as
signed-note text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from govloop.errors import InputError, KeyStoreError, VerificationError
from govloop.keys import load_public_key
from govloop.ledger._merkle import leaf_hash, verify_consistency, verify_inclusion
from govloop.ledger._note import CheckpointBody, NoteVerifier, open_note, signer_names


def _hex32(value: str) -> str:
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValueError(f"{value[:70]!r} is not 64 lower-case hex digits")
    return value


class InclusionProof(BaseModel):
    """An RFC 9162 inclusion proof of one leaf in a tree of ``tree_size`` leaves."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    leaf_index: int = Field(ge=0)
    """Index of the leaf."""
    tree_size: int = Field(ge=1)
    """Size of the tree the proof is for."""
    leaf_hash: str
    """Leaf hash, hex."""
    inclusion_path: list[str]
    """Sibling hashes, deepest first, hex."""

    _v_leaf = field_validator("leaf_hash")(_hex32)

    @field_validator("inclusion_path")
    @classmethod
    def _path(cls, value: list[str]) -> list[str]:
        return [_hex32(v) for v in value]

    def to_json(self) -> dict[str, Any]:
        """The documented JSON object."""
        return self.model_dump()


class ConsistencyProof(BaseModel):
    """An RFC 9162 consistency proof between two tree sizes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    old_size: int = Field(ge=1)
    """Size of the older tree."""
    new_size: int = Field(ge=1)
    """Size of the newer tree."""
    consistency_path: list[str]
    """Proof hashes, hex."""

    @field_validator("consistency_path")
    @classmethod
    def _path(cls, value: list[str]) -> list[str]:
        return [_hex32(v) for v in value]

    def to_json(self) -> dict[str, Any]:
        """The documented JSON object."""
        return self.model_dump()


class SignedCheckpoint(BaseModel):
    """A checkpoint the ledger issued: the note text and what it says."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    origin: str
    """Log origin (first body line)."""
    tree_size: int
    """Tree size committed to."""
    root_hash: str
    """Root hash, hex."""
    note: str
    """The signed note text (what to publish)."""
    key_hash: str
    """Hash (8 hex digits) of the key that signed it."""
    created_at: str
    """When it was issued (UTC ISO-8601)."""

    def to_text(self) -> str:
        """The signed note text."""
        return self.note


def load_proof(data: str | bytes, *, source: str = "proof") -> InclusionProof | ConsistencyProof:
    """Parse a proof JSON document; :class:`InputError` names the file and field when wrong."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, ...
        raise InputError(f"{source}: not JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise InputError(f"{source}: a proof must be a JSON object")
    model: type[InclusionProof] | type[ConsistencyProof] = (
        ConsistencyProof if "consistency_path" in doc else InclusionProof
    )
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "proof"
        raise InputError(f"{source}: field {field!r}: {err['msg']}") from exc


def load_verifiers(
    text: str, *, source: str = "key", note: str | None = None, name: str | None = None
) -> list[NoteVerifier]:
    """Verifier keys from text: note verifier key lines, or one PEM / hex Ed25519 key.

    A bare public key takes the key name ``name`` or else the names on the signature lines of
    ``note``.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if lines and all(ln.count("+") >= 2 and not ln.startswith("-----") for ln in lines):
        try:
            return [NoteVerifier.from_text(ln) for ln in lines]
        except InputError as exc:
            raise InputError(f"{source}: {exc}") from exc
    try:
        key = load_public_key(text.encode(), source=source)
    except KeyStoreError as exc:
        raise InputError(str(exc)) from exc
    if name is not None:
        names = {name}
    else:
        names = {signer for signer, _ in signer_names(note)} if note else set()
    if not names:
        raise InputError(f"{source}: a bare public key needs a note to take its name from")
    return [NoteVerifier(name, key) for name in sorted(names)]


def open_checkpoint(
    note: str, verifiers: Sequence[NoteVerifier], *, source: str = "checkpoint"
) -> CheckpointBody:
    """Verify a checkpoint note's signature and parse its body."""
    try:
        opened = open_note(note, verifiers)
        return CheckpointBody.from_text(opened.body)
    except VerificationError as exc:
        raise VerificationError(f"{source}: {exc}") from exc


def verify_inclusion_proof(
    proof: InclusionProof,
    checkpoint: str,
    verifiers: Sequence[NoteVerifier],
    *,
    entry: bytes | None = None,
) -> CheckpointBody:
    """Check a signed checkpoint and an inclusion proof against it (no database needed).

    ``entry`` (the leaf bytes), when given, must hash to the proof's leaf hash.
    """
    body = open_checkpoint(checkpoint, verifiers)
    if proof.tree_size != body.tree_size:
        raise VerificationError(
            f"proof is for tree size {proof.tree_size}, checkpoint commits to {body.tree_size}"
        )
    if entry is not None and leaf_hash(entry).hex() != proof.leaf_hash:
        raise VerificationError("entry bytes do not hash to the proof's leaf_hash")
    verify_inclusion(
        bytes.fromhex(proof.leaf_hash),
        proof.leaf_index,
        proof.tree_size,
        [bytes.fromhex(h) for h in proof.inclusion_path],
        body.root_hash,
    )
    return body


def verify_consistency_proof(
    proof: ConsistencyProof,
    old_checkpoint: str,
    new_checkpoint: str,
    verifiers: Sequence[NoteVerifier],
) -> tuple[CheckpointBody, CheckpointBody]:
    """Check two signed checkpoints and a consistency proof between them."""
    old = open_checkpoint(old_checkpoint, verifiers, source="old checkpoint")
    new = open_checkpoint(new_checkpoint, verifiers, source="new checkpoint")
    if old.origin != new.origin:
        raise VerificationError(
            f"checkpoints are from different logs: {old.origin!r}, {new.origin!r}"
        )
    if (proof.old_size, proof.new_size) != (old.tree_size, new.tree_size):
        raise VerificationError(
            f"proof is for sizes {proof.old_size}->{proof.new_size}, checkpoints are "
            f"{old.tree_size}->{new.tree_size}"
        )
    verify_consistency(
        proof.old_size,
        proof.new_size,
        [bytes.fromhex(h) for h in proof.consistency_path],
        old.root_hash,
        new.root_hash,
    )
    return old, new
