"""The provider's side: cosignatures its checkpoints got back from witnesses, kept and shown.

A cosignature belongs to a checkpoint *body* (it signs the body, not the log's signature line),
so rows are keyed by the SHA-256 of the body and by witness name; a newer cosignature by the same
witness of the same body replaces the older one. :func:`cosigned_note` is what ``ledger
checkpoint`` prints: the log's note with every stored cosignature line after its own signatures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from govloop.errors import StoreError
from govloop.ledger import (
    SIG_PREFIX,
    CheckpointBody,
    CosignVerifier,
    split_note,
    utc_now_iso,
    verify_cosignatures,
)
from govloop.store import Store, db_error_reason
from govloop.witness._tables import COSIGNATURES


def note_body(note: str) -> str:
    """The body of a signed note (up to and including the newline before the blank line)."""
    body, _ = split_note(note)
    return body


def _body_key(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def merge_signatures(note: str, lines: Sequence[str]) -> str:
    """``note`` with the signature ``lines`` appended, skipping lines it already carries."""
    have = set(note[note.rfind("\n\n") + 2 :].splitlines())
    extra = [ln.rstrip("\n") for ln in lines if ln.rstrip("\n") not in have]
    return note + "".join(f"{ln}\n" for ln in dict.fromkeys(extra))


def store_cosignatures(
    store: Store, note: str, lines: Sequence[str], witnesses: Sequence[CosignVerifier]
) -> list[str]:
    """Verify cosignature ``lines`` on ``note`` against ``witnesses`` and keep the good ones.

    Lines by keys not in ``witnesses`` are dropped (the spec says to ignore unknown keys); a
    line by a listed key that does not verify raises :class:`VerificationError`. Returns the
    names of the witnesses whose cosignatures were stored.
    """
    body = note_body(note)
    tree_size = CheckpointBody.from_text(body).tree_size
    candidate = f"{body}\n" + "".join(ln if ln.endswith("\n") else ln + "\n" for ln in lines)
    good = verify_cosignatures(candidate, witnesses)
    by_name = {c.name: c for c in good}
    kept: dict[str, str] = {}
    for ln in lines:
        name = ln[len(SIG_PREFIX) :].split(" ", 1)[0] if ln.startswith(SIG_PREFIX) else ""
        if name in by_name and name not in kept:
            kept[name] = ln if ln.endswith("\n") else ln + "\n"
    key = _body_key(body)
    try:
        with store.engine.begin() as conn:
            for name, line in kept.items():
                conn.execute(
                    sa.delete(COSIGNATURES).where(
                        COSIGNATURES.c.body_sha256 == key, COSIGNATURES.c.witness == name
                    )
                )
                conn.execute(
                    sa.insert(COSIGNATURES).values(
                        body_sha256=key,
                        witness=name,
                        tree_size=tree_size,
                        line=line,
                        timestamp=by_name[name].timestamp,
                        created_at=utc_now_iso(),
                    )
                )
    except SQLAlchemyError as exc:
        raise StoreError(f"storing cosignatures failed: {db_error_reason(exc)}") from exc
    return list(kept)


def stored_cosignatures(store: Store, note: str) -> list[str]:
    """The stored cosignature lines for ``note``'s body, by witness name."""
    key = _body_key(note_body(note))
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(COSIGNATURES.c.line)
                .where(COSIGNATURES.c.body_sha256 == key)
                .order_by(COSIGNATURES.c.witness)
            ).all()
    except SQLAlchemyError as exc:
        raise StoreError(f"reading cosignatures failed: {db_error_reason(exc)}") from exc
    return [str(r[0]) for r in rows]


def cosigned_note(store: Store, note: str) -> str:
    """``note`` with every cosignature stored for it appended (what to publish)."""
    return merge_signatures(note, stored_cosignatures(store, note))
