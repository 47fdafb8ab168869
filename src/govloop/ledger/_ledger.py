"""The ledger: an append-only RFC 9162 log of generated outputs in the project database.

Appends run in one transaction that first locks the state row (SQLite ``BEGIN IMMEDIATE``,
PostgreSQL ``SELECT ... FOR UPDATE``), so indexes stay dense and unique with several writers,
and leaves, cached nodes, sketch keys and the new size commit together or not at all.

Durability on SQLite follows ``Settings.ledger_sync``. With ``normal`` (the default) an append is
committed to the write-ahead log before it is acknowledged, so it survives a crash of the process
(kill -9, tested); a power cut may lose the newest appends, never corrupt older ones. With
``full`` every append is fsynced as well. Checkpoints are always fsynced (``synchronous=FULL``),
and since the WAL is written in order, a signed checkpoint implies that every entry it covers is
on disk: a checkpoint can never promise an entry that a power cut then takes back.
Checkpoints are signed under the same lock from committed leaves only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from govloop.config import Settings
from govloop.errors import InputError, NotFoundError, StoreError, VerificationError
from govloop.keys import KeyStore, SigningKey
from govloop.ledger import _merkle as mk
from govloop.ledger._chain import ChainLink, next_link
from govloop.ledger._entry import (
    AppendResult,
    LedgerEntry,
    LedgerRecord,
    as_bytes,
    pseudonymize,
    utc_now_iso,
)
from govloop.ledger._fingerprint import band_keys, is_near_match, probe_keys, similarity
from govloop.ledger._lookups import index_columns
from govloop.ledger._note import (
    CheckpointBody,
    NoteVerifier,
    check_key_name,
    sign_note,
    split_note,
)
from govloop.ledger._proofs import ConsistencyProof, InclusionProof, SignedCheckpoint
from govloop.ledger._tables import (
    CHECKPOINTS,
    ENTRIES,
    NODES,
    SKETCH,
    SKETCH_TAIL,
    STATE,
    node_key,
)
from govloop.ledger._verify import KeptCheckpoint, VerifyReport, verify_ledger
from govloop.store import Store, WouldBlock, db_error_reason, driver_cursor, sqlite_nowait

KEY_PURPOSE = "ledger"
"""Key store purpose of checkpoint signing keys."""
REQUESTER_SECRET = "ledger-requester"
"""Key store secret used for requester pseudonyms."""
_CHUNK = 500
SKETCH_MERGE_AT = 8192
"""Entries the sketch tail may hold before an append merges it into the sketch index."""
T = TypeVar("T")
CHECKPOINT_LOCK_ID = 0x676F766C6F6F70
"""PostgreSQL advisory lock key held while a checkpoint is signed ("govloop" in ASCII)."""


class _SignerBusy(Exception):
    """Another process holds the checkpoint advisory lock (a scheduled checkpoint skips)."""


def _age_s(cp: SignedCheckpoint) -> float:
    issued = datetime.fromisoformat(cp.created_at.replace("Z", "+00:00"))
    return (datetime.now(UTC) - issued).total_seconds()


def _first_int(cur: Any) -> int | None:
    """The first column of the cursor's next row as an int; None for no row or SQL NULL."""
    row = cur.fetchone()
    return None if row is None or row[0] is None else int(row[0])


class Ledger:
    """A tamper-evident log of generated outputs with signed checkpoints."""

    def __init__(self, store: Store, keys: KeyStore, settings: Settings) -> None:
        self.store = store
        self.keys = keys
        self.settings = settings
        self.origin = check_key_name(settings.ledger_origin)
        self._sqlite = store.engine.dialect.name == "sqlite"
        self._inserts: dict[str, str] = {}
        self._mark = "?" if store.engine.dialect.paramstyle == "qmark" else "%s"
        """The driver's positional parameter marker (SQLite ``?``, psycopg ``%s``)."""
        self.sketch_merge_at = SKETCH_MERGE_AT
        """Tail size (entries) at which an append merges the sketch tail (see merge_sketch)."""

    @classmethod
    def open(cls, store: Store, keys: KeyStore, settings: Settings) -> Ledger:
        """Open the ledger kept in ``store``, signing with ``keys`` (purpose ``"ledger"``)."""
        return cls(store, keys, settings)

    # -- keys ---------------------------------------------------------------------------------
    def signing_key(self) -> SigningKey:
        """The active checkpoint signing key (made on first use)."""
        return self.keys.active(KEY_PURPOSE)

    def verifier(self) -> NoteVerifier:
        """The active key as a note verifier (``key export`` prints its text)."""
        return NoteVerifier(self.origin, self.signing_key().public_key)

    def verifiers(self) -> list[NoteVerifier]:
        """Every ledger key in the key store, retired ones included (old checkpoints verify).

        Never makes a key: a store without ledger keys has nothing to verify with (a regulator
        verifying someone else's ledger passes the provider's public keys instead).
        """
        return [NoteVerifier(self.origin, k.public_key) for k in self.keys.all(KEY_PURPOSE)]

    def rotate_key(self) -> NoteVerifier:
        """Make a new signing key active; old keys stay for verification."""
        return NoteVerifier(self.origin, self.keys.rotate(KEY_PURPOSE).public_key)

    def pseudonym(self, identity: str) -> str:
        """Keyed pseudonym of a requester identity (the identity itself is never stored)."""
        return pseudonymize(self.keys.secret(REQUESTER_SECRET), identity)

    # -- database plumbing --------------------------------------------------------------------
    def _read(self, fn: Callable[[Connection], T]) -> T:
        try:
            with self.store.engine.connect() as conn:
                return fn(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"ledger database error: {db_error_reason(exc)}") from exc

    @contextmanager
    def _locked(
        self, *, fsync: bool, nowait: bool = False, signer: str | None = None
    ) -> Iterator[tuple[Connection, int]]:
        """A write transaction holding the ledger lock, with the committed size.

        ``signer`` (PostgreSQL): also take the checkpoint advisory lock first, ``"wait"`` for
        it or ``"try"`` (raise :class:`_SignerBusy` when another process holds it).
        """
        with self.store.engine.connect() as conn:
            # Every pooled SQLite connection starts at synchronous=NORMAL (store/_store.py); only
            # an fsyncing transaction switches to FULL, and switches back before reuse.
            full = self._sqlite and fsync
            if full:
                conn.exec_driver_sql("PRAGMA synchronous=FULL")
                conn.commit()
            try:
                with self._transaction(conn, nowait=nowait, signer=signer) as size:
                    yield conn, size
            finally:
                if full:
                    conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
                    conn.commit()

    @contextmanager
    def _transaction(
        self, conn: Connection, *, nowait: bool = False, signer: str | None = None
    ) -> Iterator[int]:
        """Begin a locked write transaction on ``conn`` and yield the committed size.

        ``nowait`` (SQLite): raise :class:`WouldBlock` instead of waiting for another writer.
        ``signer``: see :meth:`_locked` (SQLite's write lock already admits one signer).
        """
        with conn.begin():
            size = self._lock_state(conn, nowait=nowait, signer=signer)
            if size is None:
                raise StoreError("ledger_state row is missing; the database is damaged")
            if size < 0:  # never sign a checkpoint over an impossible size
                raise StoreError(
                    f"ledger_state size is {size}; the database is damaged "
                    "(run 'govloop ledger verify')"
                )
            yield size

    def _lock_state(self, conn: Connection, *, nowait: bool, signer: str | None) -> int | None:
        """Take the write lock (and the signer's advisory lock) and read the committed size.

        Driver-level statements: this runs once per append, on the gateway's hot path.
        """
        if self._sqlite:
            with sqlite_nowait(conn) if nowait else nullcontext(), driver_cursor(conn) as cur:
                cur.execute("BEGIN IMMEDIATE")
                cur.execute("SELECT size FROM ledger_state WHERE id = 1")
                return _first_int(cur)
        with driver_cursor(conn) as cur:
            # The advisory lock comes before the row lock, in every transaction that takes
            # both, so two signers never wait on each other in opposite orders.
            if signer == "wait":
                cur.execute(f"SELECT pg_advisory_xact_lock({CHECKPOINT_LOCK_ID})")
            elif signer == "try":
                cur.execute(f"SELECT pg_try_advisory_xact_lock({CHECKPOINT_LOCK_ID})")
                got = cur.fetchone()
                if not (got and got[0]):
                    raise _SignerBusy
            cur.execute("SELECT size FROM ledger_state WHERE id = 1 FOR UPDATE")
            return _first_int(cur)

    def _insert_sql(self, table: sa.Table) -> str:
        """``INSERT`` of every column of ``table`` in the driver's parameter style (cached).

        Appends run these with plain tuples: per-row parameter processing in SQLAlchemy cost
        more than SQLite's own insert work on the gateway's hot path.
        """
        sql = self._inserts.get(table.name)
        if sql is None:
            dialect = self.store.engine.dialect
            quote = dialect.identifier_preparer.quote
            cols = ", ".join(quote(c.name) for c in table.columns)
            marks = ", ".join([self._mark] * len(table.columns))
            sql = self._inserts[table.name] = (
                f"INSERT INTO {quote(table.name)} ({cols}) VALUES ({marks})"
            )
        return sql

    def _nodes(self, cur: Any, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """Cached subtree hashes by (level, index), read on the driver cursor ``cur``."""
        pairs = sorted(set(wanted))
        by_key = {node_key(lv, ix): (lv, ix) for lv, ix in pairs}
        out: dict[tuple[int, int], bytes] = {}
        keys = list(by_key)
        for i in range(0, len(keys), _CHUNK):
            chunk = keys[i : i + _CHUNK]
            # driver-level SQL: compiling an IN of varying length cost more than the read
            marks = ", ".join([self._mark] * len(chunk))
            cur.execute(f"SELECT id, hash FROM ledger_nodes WHERE id IN ({marks})", tuple(chunk))
            for key, value in cur.fetchall():
                if len(value) != 32:
                    lv, ix = by_key[int(key)]
                    raise StoreError(
                        f"node cache holds a {len(value)}-byte hash at (level, index) "
                        f"({lv}, {ix}); run 'govloop ledger verify'"
                    )
                out[by_key[int(key)]] = bytes(value)
        missing = [p for p in pairs if p not in out]
        if missing:
            raise StoreError(
                f"node cache lacks subtree (level, index) {missing[0]}; run 'govloop ledger verify'"
            )
        return out

    def _with_subtrees(self, conn: Connection, fn: Callable[[mk.Subtree], T]) -> T:
        """Run a proof function twice: once to learn the ranges it needs, once for real."""
        ranges: list[tuple[int, int]] = []

        def record(start: int, end: int) -> bytes:
            ranges.append((start, end))
            return bytes(32)

        fn(record)
        with driver_cursor(conn) as cur:
            nodes = self._nodes(cur, (p for a, b in ranges for p in mk.perfect_pieces(a, b)))
        return fn(lambda a, b: mk.fold_pieces([nodes[p] for p in mk.perfect_pieces(a, b)]))

    # -- writes -------------------------------------------------------------------------------
    def append(self, entry: LedgerEntry) -> AppendResult:
        """Record one entry; returns once it is committed."""
        return self.append_many([entry])[0]

    def append_many(
        self, entries: Sequence[LedgerEntry], *, nowait: bool = False
    ) -> list[AppendResult]:
        """Record entries in one transaction (all or none), at consecutive indexes.

        ``nowait`` is for callers on an event loop: rather than wait for another writer's
        lock, or for an fsync (``ledger_sync=full``), or for a network database, or for a due
        merge of the sketch tail, raise :class:`~govloop.store.WouldBlock` having written
        nothing, so the caller can retry from a thread. A SQLite append that gets the lock at
        once takes well under a millisecond, less than handing it to a thread costs.

        Near-match keys go to the sketch tail (in entry order, so an append dirties a page or
        two instead of one random index page per key); once the tail holds
        ``sketch_merge_at`` entries, the append that finds it so merges it into the index in
        the same transaction (:meth:`merge_sketch`).
        """
        if not entries:
            return []
        fsync = self.settings.ledger_sync == "full"
        if nowait and (fsync or not self._sqlite):
            raise WouldBlock("this append would wait (fsync or network database)")
        dup = [p for p, c in Counter(e.produce_id for e in entries).items() if c > 1]
        if dup:
            raise InputError(f"ProduceID {dup[0]!r} appears twice in one batch")
        leaves = [e.canonical_bytes() for e in entries]
        hashes = [mk.leaf_hash(b) for b in leaves]
        columns = [index_columns(e) for e in entries]
        sketches = [band_keys(e.fingerprint) for e in entries]
        order = [c.name for c in ENTRIES.columns]
        try:
            with (
                self._locked(fsync=fsync, nowait=nowait) as (conn, size),
                driver_cursor(conn) as cur,
            ):
                merge = self._tail_entries(cur, size) + len(entries) >= self.sketch_merge_at
                if merge and nowait:
                    raise WouldBlock("the sketch tail is due for a merge: append from a thread")
                existing = self._nodes(cur, mk.frontier_needed(size, size + len(entries)))
                nodes = mk.extend_nodes(size, hashes, existing)
                cur.executemany(
                    self._insert_sql(ENTRIES),
                    [
                        tuple({**cols, "idx": size + i, "leaf": leaf}[c] for c in order)
                        for i, (cols, leaf) in enumerate(zip(columns, leaves, strict=True))
                    ],
                )
                cur.executemany(
                    self._insert_sql(NODES), [(node_key(lv, ix), h) for lv, ix, h in nodes]
                )
                tail = [(size + i, k) for i, keys in enumerate(sketches) for k in keys]
                if tail:
                    cur.executemany(self._insert_sql(SKETCH_TAIL), tail)
                if merge:
                    self._merge_tail(cur)
                cur.execute(
                    f"UPDATE ledger_state SET size = {self._mark} WHERE id = 1",
                    (size + len(entries),),
                )
        except IntegrityError as exc:
            raise InputError(
                "an entry's ProduceID is already recorded in the ledger (ProduceIDs are unique)"
            ) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"ledger append failed: {db_error_reason(exc)}") from exc
        return [
            AppendResult(size + i, e.produce_id, h.hex())
            for i, (e, h) in enumerate(zip(entries, hashes, strict=True))
        ]

    @staticmethod
    def _tail_entries(cur: Any, size: int) -> int:
        """How many entries the sketch tail spans (an upper bound; one indexed read)."""
        cur.execute("SELECT min(idx) FROM ledger_sketch_tail")
        first = _first_int(cur)
        return 0 if first is None else size - first

    @staticmethod
    def _merge_tail(cur: Any) -> int:
        """Move the whole sketch tail into the index, in key order, in one statement each.

        One ``INSERT ... SELECT ... ORDER BY key`` touches each index page at most once and runs
        in the database engine without the Python interpreter between rows.
        """
        cur.execute(
            "INSERT INTO ledger_sketch (key, idx) "
            "SELECT key, idx FROM ledger_sketch_tail ORDER BY key, idx"
        )
        moved = cur.rowcount
        cur.execute("DELETE FROM ledger_sketch_tail")
        return max(int(moved or 0), 0)  # -1 where a driver does not count

    def merge_sketch(self) -> int:
        """Merge the sketch tail into the sketch index now; returns the keys moved.

        Appends do this by themselves when the tail is due; lookups read both tables, so a
        merge changes no answer, only how fast appends and lookups are.
        """
        try:
            with self._locked(fsync=False) as (conn, _), driver_cursor(conn) as cur:
                return self._merge_tail(cur)
        except SQLAlchemyError as exc:
            raise StoreError(f"sketch merge failed: {db_error_reason(exc)}") from exc

    def checkpoint(self) -> SignedCheckpoint:
        """Sign and store a checkpoint of the committed tree (reused if nothing changed).

        On PostgreSQL the signer holds the checkpoint advisory lock
        (``pg_advisory_xact_lock``), so with several gateway processes on one database one
        process signs at a time.
        """
        cp = self._sign(due_after_s=None)
        assert cp is not None  # without an interval a checkpoint is always signed or reused
        return cp

    def checkpoint_if_due(self, min_interval_s: float) -> SignedCheckpoint | None:
        """Sign a checkpoint if the tree grew and the last one is ``min_interval_s`` old.

        For servers on a schedule. On PostgreSQL a process that finds the checkpoint advisory
        lock taken skips (None) instead of queueing behind another gateway's signer, and the
        due check is made again under the lock, so a checkpoint another process has just
        signed is not followed by a second one within the interval.
        """
        try:
            return self._sign(due_after_s=min_interval_s)
        except _SignerBusy:
            return None

    def _sign(self, *, due_after_s: float | None) -> SignedCheckpoint | None:
        key = self.signing_key()
        signer = "wait" if due_after_s is None else "try"
        try:
            with self._locked(fsync=True, signer=signer) as (conn, size):
                latest = self._latest(conn)
                if due_after_s is not None and latest is not None:
                    if latest.tree_size == size or _age_s(latest) < due_after_s:
                        return None
                khash = NoteVerifier(self.origin, key.public_key).key_hash.hex()
                if latest is not None and latest.tree_size == size and latest.key_hash == khash:
                    return latest
                root = self._with_subtrees(conn, lambda st: st(0, size)) if size else mk.EMPTY_ROOT
                link = self._next_link(conn)
                body = CheckpointBody(self.origin, size, root, (link.to_line(),)).to_text()
                cp = SignedCheckpoint(
                    origin=self.origin,
                    tree_size=size,
                    root_hash=root.hex(),
                    note=sign_note(body, self.origin, key),
                    key_hash=khash,
                    created_at=utc_now_iso(),
                )
                conn.execute(
                    sa.insert(CHECKPOINTS).values(
                        tree_size=size,
                        root_hash=root,
                        note=cp.note,
                        key_hash=khash,
                        created_at=cp.created_at,
                    )
                )
                return cp
        except SQLAlchemyError as exc:
            raise StoreError(f"issuing a checkpoint failed: {db_error_reason(exc)}") from exc

    @staticmethod
    def _next_link(conn: Connection) -> ChainLink:
        """The chain line of the next checkpoint: after the last one issued (see ``_chain``)."""
        last = conn.execute(
            sa.select(CHECKPOINTS.c.note).order_by(CHECKPOINTS.c.id.desc()).limit(1)
        ).scalar()

        def stored() -> int:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(CHECKPOINTS)).scalar_one()
            )

        try:
            previous = None if last is None else CheckpointBody.from_text(split_note(last)[0])
        except VerificationError as exc:
            raise StoreError(
                f"the last stored checkpoint is malformed ({exc}); run 'govloop ledger verify'"
            ) from exc
        return next_link(previous, stored)

    # -- reads --------------------------------------------------------------------------------
    def size(self) -> int:
        """Committed number of entries."""
        value = self._read(
            lambda c: c.execute(sa.select(STATE.c.size).where(STATE.c.id == 1)).scalar()
        )
        return int(value or 0)

    @staticmethod
    def _cp_from_row(row: sa.Row[tuple[object, ...]]) -> SignedCheckpoint:
        m = row._mapping
        return SignedCheckpoint(
            origin=CheckpointBody.from_text(str(m["note"]).split("\n\n")[0] + "\n").origin,
            tree_size=int(m["tree_size"]),
            root_hash=bytes(m["root_hash"]).hex(),
            note=str(m["note"]),
            key_hash=str(m["key_hash"]),
            created_at=str(m["created_at"]),
        )

    def _latest(self, conn: Connection) -> SignedCheckpoint | None:
        row = conn.execute(
            sa.select(CHECKPOINTS)
            .order_by(CHECKPOINTS.c.tree_size.desc(), CHECKPOINTS.c.id.desc())
            .limit(1)
        ).first()
        return None if row is None else self._cp_from_row(row)

    def latest_checkpoint(self) -> SignedCheckpoint | None:
        """The stored checkpoint with the largest tree size, if any."""
        return self._read(self._latest)

    def checkpoints(self) -> list[SignedCheckpoint]:
        """Every stored checkpoint, by tree size then issue order."""
        rows = self._read(
            lambda c: c.execute(
                sa.select(CHECKPOINTS).order_by(CHECKPOINTS.c.tree_size, CHECKPOINTS.c.id)
            ).all()
        )
        return [self._cp_from_row(r) for r in rows]

    def checkpoint_covering(self, index: int) -> SignedCheckpoint:
        """The latest checkpoint that includes leaf ``index``; a new one is issued if none does."""
        latest = self.latest_checkpoint()
        if latest is not None and latest.tree_size > index:
            return latest
        cp = self.checkpoint()
        if cp.tree_size <= index:
            raise NotFoundError(f"no ledger entry at index {index} (size {cp.tree_size})")
        return cp

    def root(self, tree_size: int | None = None) -> bytes:
        """Root hash of the first ``tree_size`` entries (default: all committed)."""
        n = self.size() if tree_size is None else tree_size
        self._check_size(n)
        if n == 0:
            return mk.EMPTY_ROOT
        return self._read(lambda c: self._with_subtrees(c, lambda st: st(0, n)))

    def _check_size(self, n: int) -> int:
        size = self.size()
        if not 0 <= n <= size:
            raise InputError(f"tree size {n} is not between 0 and the ledger size {size}")
        return size

    def inclusion_proof(self, index: int, tree_size: int | None = None) -> InclusionProof:
        """Inclusion proof of entry ``index`` in the tree of ``tree_size`` (default: all)."""
        n = self.size() if tree_size is None else tree_size
        self._check_size(n)
        if not 0 <= index < n:
            raise InputError(f"leaf index {index} is not below tree size {n}")

        def build(c: Connection) -> InclusionProof:
            path = self._with_subtrees(c, lambda st: mk.inclusion_path(index, n, st))
            with driver_cursor(c) as cur:
                leaf = self._nodes(cur, [(0, index)])[(0, index)]
            return InclusionProof(
                leaf_index=index,
                tree_size=n,
                leaf_hash=leaf.hex(),
                inclusion_path=[h.hex() for h in path],
            )

        return self._read(build)

    def consistency_proof(self, old_size: int, new_size: int) -> ConsistencyProof:
        """Consistency proof between two tree sizes (``0 < old <= new <= size``)."""
        self._check_size(new_size)
        if not 0 < old_size <= new_size:
            raise InputError(f"need 0 < OLD <= NEW, got {old_size} and {new_size}")
        path = self._read(
            lambda c: self._with_subtrees(c, lambda st: mk.consistency_path(old_size, new_size, st))
        )
        return ConsistencyProof(
            old_size=old_size, new_size=new_size, consistency_path=[h.hex() for h in path]
        )

    # -- lookups (all through indexes) ----------------------------------------------------------
    def _records(self, where: sa.ColumnElement[bool], limit: int = 50) -> list[LedgerRecord]:
        rows = self._read(
            lambda c: c.execute(
                sa.select(ENTRIES.c.idx, ENTRIES.c.leaf)
                .where(where)
                .order_by(ENTRIES.c.idx)
                .limit(limit)
            ).all()
        )
        return [
            LedgerRecord(
                int(i),
                LedgerEntry.from_bytes(as_bytes(leaf), where=f"ledger entry {i}"),
                as_bytes(leaf),
            )
            for i, leaf in rows
        ]

    def get(self, index: int) -> LedgerRecord:
        """The entry at ``index``."""
        found = self._records(ENTRIES.c.idx == index, 1)
        if not found:
            raise NotFoundError(f"no ledger entry at index {index}")
        return found[0]

    def find_by_produce_id(self, produce_id: str) -> LedgerRecord | None:
        """The entry with this ProduceID, if recorded."""
        found = self._records(ENTRIES.c.produce_id == produce_id, 1)
        return found[0] if found else None

    def find_by_sha256(self, digest_hex: str) -> list[LedgerRecord]:
        """Entries whose content has this SHA-256 (hex)."""
        return self._records(ENTRIES.c.content_sha256 == digest_hex.lower())

    def find_by_watermark(self, payload_hex: str) -> list[LedgerRecord]:
        """Entries recorded with exactly this watermark payload (hex)."""
        return self._records(ENTRIES.c.wm_payload == payload_hex.lower())

    def find_by_tag(self, tag: int, bits: int = 32) -> list[LedgerRecord]:
        """Entries whose ``produce_tag(produce_id, bits)`` equals ``tag`` (watermark payloads)."""
        if bits >= 32:
            return self._records(ENTRIES.c.tag32 == tag >> (bits - 32))
        lo = tag << (32 - bits)
        return self._records(ENTRIES.c.tag32.between(lo, lo + (1 << (32 - bits)) - 1))

    def find_similar(
        self, fingerprint: str, limit: int = 10
    ) -> list[tuple[LedgerRecord, float, dict[str, object]]]:
        """Near matches of a fingerprint via its band keys: ``(record, similarity, details)``."""
        keys = probe_keys(fingerprint)
        if not keys:
            return []

        def hits(c: Connection) -> Counter[int]:
            votes: Counter[int] = Counter()
            for table in (SKETCH, SKETCH_TAIL):  # the index, and recent entries not merged yet
                for i in range(0, len(keys), _CHUNK):
                    rows = c.execute(
                        sa.select(table.c.idx).where(table.c.key.in_(keys[i : i + _CHUNK]))
                    )
                    votes.update(int(r[0]) for r in rows)
            return votes

        top = [i for i, _ in self._read(hits).most_common(200)]
        out = []
        for i in range(0, len(top), _CHUNK):
            for rec in self._records(ENTRIES.c.idx.in_(top[i : i + _CHUNK]), _CHUNK):
                fp = rec.entry.fingerprint
                if fp and is_near_match(fingerprint, fp):
                    score, detail = similarity(fingerprint, fp)
                    out.append((rec, score, detail))
        out.sort(key=lambda t: (-t[1], t[0].index))
        return out[:limit]

    def verify(
        self,
        verifiers: Sequence[NoteVerifier] | None = None,
        kept: Sequence[KeptCheckpoint | str] = (),
    ) -> VerifyReport:
        """Recompute the tree from storage and check it against every stored checkpoint.

        Checkpoint signatures are checked with ``verifiers`` (public keys only, for example the
        provider's exported note keys) or, by default, with the key store's ledger keys.
        ``kept`` checkpoints (kept outside the log) must be consistent with the stored tree.
        """
        return verify_ledger(self, verifiers, kept)
