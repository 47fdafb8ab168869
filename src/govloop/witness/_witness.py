"""A tlog witness: verify a log's checkpoint, check it extends the last one seen, cosign it.

The witness keeps one row per log it watches (origin, trusted log keys, the size and root of the
latest checkpoint it cosigned). :meth:`Witness.add_checkpoint` applies c2sp.org/tlog-witness in
the spec's order, raising the library error whose HTTP status the spec names
(:func:`govloop.problems.problem_for` maps them):

- malformed body, old size larger than the checkpoint's: :class:`InputError` (400);
- unknown origin: :class:`NotFoundError` (404);
- no trusted key's signature verifies: :class:`AccessError` (403);
- old size is not the size last cosigned: :class:`SizeConflict` (409, body is that size);
- same size, different root (a fork): :class:`StateError` (409);
- consistency proof does not verify (a fork, or a rewritten history): :class:`VerificationError`
  (422).

The size check and the update run in one transaction that holds a lock on the log's row, so two
concurrent submissions can never roll the stored size back; nothing is written unless every
check passed, and the cosignature is only returned once the new state is committed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from govloop.errors import (
    AccessError,
    InputError,
    NotFoundError,
    StateError,
    StoreError,
    VerificationError,
)
from govloop.keys import KeyStore, SigningKey
from govloop.ledger import (
    CheckpointBody,
    CosignVerifier,
    NoteVerifier,
    check_key_name,
    cosign,
    open_note,
    utc_now_iso,
    verify_consistency,
)
from govloop.store import Store, db_error_reason
from govloop.witness._request import MAX_TREE_SIZE, parse_add_checkpoint
from govloop.witness._tables import IDENTITY, LOGS

KEY_PURPOSE = "witness"
"""Key store purpose of the witness's cosigning key."""


class SizeConflict(StateError):
    """The client's old size is not the size the witness last cosigned (HTTP 409)."""

    def __init__(self, origin: str, size: int, claimed: int) -> None:
        super().__init__(
            f"{origin}: the witness last cosigned size {size}, the request says old size {claimed}"
        )
        self.size = size
        """The size of the latest checkpoint cosigned for this origin."""


@dataclass(frozen=True)
class LogState:
    """What a witness knows about one log."""

    origin: str
    """The log's origin line."""
    keys: tuple[str, ...]
    """Trusted note verifier keys (text)."""
    size: int
    """Size of the latest cosigned checkpoint (0 if none)."""
    root_hash: bytes | None
    """Its root hash."""
    note: str | None
    """The latest cosigned checkpoint note as submitted."""
    updated_at: str
    """When the row last changed (UTC ISO-8601)."""

    def verifiers(self) -> list[NoteVerifier]:
        """The trusted keys as note verifiers."""
        return [NoteVerifier.from_text(k) for k in self.keys]


def _state(row: sa.Row[tuple[object, ...]]) -> LogState:
    m = row._mapping
    root = m["root_hash"]
    return LogState(
        origin=str(m["origin"]),
        keys=tuple(k for k in str(m["keys"]).split("\n") if k),
        size=int(m["size"]),
        root_hash=None if root is None else bytes(root),
        note=None if m["note"] is None else str(m["note"]),
        updated_at=str(m["updated_at"]),
    )


class Witness:
    """A witness over the logs configured in ``store``, cosigning with the key store's key."""

    def __init__(
        self, store: Store, keys: KeyStore, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.keys = keys
        self.clock = clock
        self._sqlite = store.engine.dialect.name == "sqlite"

    # -- plumbing -----------------------------------------------------------------------------
    def _read(self, fn: Callable[[Connection], object]) -> object:
        try:
            with self.store.engine.connect() as conn:
                return fn(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"witness database error: {db_error_reason(exc)}") from exc

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction; on SQLite it takes the write lock before reading."""
        try:
            with self.store.engine.connect() as conn, conn.begin():
                if self._sqlite:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"witness database error: {db_error_reason(exc)}") from exc

    # -- identity -----------------------------------------------------------------------------
    def init(self, name: str) -> CosignVerifier:
        """Name the witness and make its cosigning key (kept if already made)."""
        check_key_name(name)
        with self._write() as conn:
            row = conn.execute(sa.select(IDENTITY.c.name).where(IDENTITY.c.id == 1)).first()
            if row is not None and row[0] != name:
                raise StateError(f"this witness is already named {row[0]!r}")
            if row is None:
                conn.execute(sa.insert(IDENTITY).values(id=1, name=name, created_at=utc_now_iso()))
        return CosignVerifier(name, self.keys.active(KEY_PURPOSE).public_key)

    def name(self) -> str:
        """The witness's key name; :class:`StateError` before ``init``."""
        row = self._read(
            lambda c: c.execute(sa.select(IDENTITY.c.name).where(IDENTITY.c.id == 1)).first()
        )
        if row is None:
            raise StateError("the witness is not set up; run 'govloop ledger witness init'")
        return str(row[0])  # type: ignore[index]

    def _key(self) -> SigningKey:
        return self.keys.active(KEY_PURPOSE, create=False)

    def verifier(self) -> CosignVerifier:
        """The witness's public key as cosignature verifier text (what a policy lists)."""
        return CosignVerifier(self.name(), self._key().public_key)

    # -- logs ---------------------------------------------------------------------------------
    def add_log(self, verifiers: Sequence[NoteVerifier]) -> LogState:
        """Watch a log (its origin is the keys' name); keys are added to a known log's."""
        origins = {v.name for v in verifiers}
        if len(origins) != 1:
            raise InputError(f"log keys must all name one origin, got {sorted(origins) or 'none'}")
        origin = origins.pop()
        texts = [v.to_text() for v in verifiers]
        with self._write() as conn:
            row = conn.execute(sa.select(LOGS).where(LOGS.c.origin == origin)).first()
            now = utc_now_iso()
            if row is None:
                conn.execute(
                    sa.insert(LOGS).values(
                        origin=origin, keys="\n".join(texts), size=0, updated_at=now
                    )
                )
            else:
                old = _state(row).keys
                merged = list(old) + [t for t in texts if t not in old]
                conn.execute(
                    sa.update(LOGS)
                    .where(LOGS.c.origin == origin)
                    .values(keys="\n".join(merged), updated_at=now)
                )
        return self.log(origin)

    def logs(self) -> list[LogState]:
        """Every watched log, by origin."""
        rows = self._read(lambda c: c.execute(sa.select(LOGS).order_by(LOGS.c.origin)).all())
        return [_state(r) for r in rows]  # type: ignore[attr-defined]

    def log(self, origin: str) -> LogState:
        """One watched log; :class:`NotFoundError` if the witness does not know it."""
        row = self._read(
            lambda c: c.execute(sa.select(LOGS).where(LOGS.c.origin == origin)).first()
        )
        if row is None:
            raise NotFoundError(f"this witness does not watch a log with origin {origin!r}")
        return _state(row)  # type: ignore[arg-type]

    # -- add-checkpoint -----------------------------------------------------------------------
    def add_checkpoint(self, data: bytes) -> str:
        """Check an ``add-checkpoint`` body and return the cosignature line(s) for it."""
        req = parse_add_checkpoint(data)
        note_body = req.note[: req.note.rfind("\n\n") + 1]
        try:
            body = CheckpointBody.from_text(note_body)
        except VerificationError as exc:
            raise InputError(str(exc)) from exc
        if body.tree_size > MAX_TREE_SIZE:
            raise InputError(f"checkpoint size {body.tree_size} is larger than 2**63 - 1")
        state = self.log(body.origin)
        try:
            open_note(req.note, state.verifiers())
        except VerificationError as exc:
            raise AccessError(f"{body.origin}: {exc}") from exc
        if req.old_size > body.tree_size:
            raise InputError(
                f"old size {req.old_size} is larger than the checkpoint size {body.tree_size}"
            )
        if req.old_size == 0 and req.proof:
            raise InputError("the consistency proof must be empty when the old size is 0")
        name, key = self.name(), self._key()
        with self._write() as conn:
            locked = sa.select(LOGS).where(LOGS.c.origin == body.origin)
            row = conn.execute(locked if self._sqlite else locked.with_for_update()).first()
            if row is None:
                raise NotFoundError(
                    f"this witness does not watch a log with origin {body.origin!r}"
                )
            current = _state(row)
            self._check_extends(current, req.old_size, req.proof, body)
            conn.execute(
                sa.update(LOGS)
                .where(LOGS.c.origin == body.origin)
                .values(
                    size=body.tree_size,
                    root_hash=body.root_hash,
                    note=req.note,
                    updated_at=utc_now_iso(),
                )
            )
        return cosign(note_body, name, key, int(self.clock()))

    @staticmethod
    def _check_extends(
        current: LogState, old_size: int, proof: tuple[bytes, ...], body: CheckpointBody
    ) -> None:
        """Refuse anything that is not ``current`` or a consistent extension of it."""
        if old_size != current.size:
            raise SizeConflict(body.origin, current.size, old_size)
        if old_size == 0:
            return
        if current.root_hash is None:
            raise StoreError(f"{body.origin}: stored size {old_size} has no root hash")
        if old_size == body.tree_size:
            if body.root_hash != current.root_hash:
                raise StateError(
                    f"{body.origin}: fork at size {old_size}: root hash differs from the "
                    "checkpoint this witness cosigned"
                )
            if proof:
                raise InputError("the consistency proof must be empty for equal sizes")
            return
        try:
            verify_consistency(old_size, body.tree_size, proof, current.root_hash, body.root_hash)
        except VerificationError as exc:
            raise VerificationError(
                f"{body.origin}: size {body.tree_size} is not consistent with size {old_size} "
                f"that this witness cosigned: {exc}"
            ) from exc
