"""``Ledger.verify``: recompute the tree from stored entries and check everything stored.

Checks, in order: indexes are dense from 0 and match the recorded size (a deleted or inserted
row), each entry's bytes hash to its cached leaf hash (an edited or reordered row), every cached
interior node equals the recomputed one, every stored checkpoint is signed by a known ledger key
and commits to the recomputed root, and each consecutive pair of checkpoints is consistent
(RFC 9162 consistency proof), the stored checkpoints form an unbroken chain (``_chain``: a
deleted row leaves a gap), and every checkpoint kept outside the log is consistent with the
recomputed tree (``_trust``: rollback, fork, rewritten history). The first bad leaf index is
named whenever evidence pins it.

This module does not import ``_ledger`` (a :class:`VerifiableLog` is all it needs), so the two
never import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import SQLAlchemyError

from govloop.errors import InputError, StoreError, VerificationError
from govloop.ledger import _merkle as mk
from govloop.ledger._chain import chain_link, chain_problems
from govloop.ledger._entry import LedgerEntry, as_bytes
from govloop.ledger._lookups import index_columns
from govloop.ledger._note import CheckpointBody, NoteVerifier, open_note, split_note
from govloop.ledger._proofs import SignedCheckpoint
from govloop.ledger._tables import CHECKPOINTS, ENTRIES, NODES, STATE
from govloop.ledger._trust import check_kept
from govloop.store import Store, db_error_reason

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


class VerifiableLog(Protocol):
    """What verification needs of a ledger (``Ledger`` has it; no import of it here)."""

    origin: str
    store: Store

    def verifiers(self) -> list[NoteVerifier]:
        """Every known public key of the log."""
        ...

    def checkpoints(self) -> list[SignedCheckpoint]:
        """Every stored checkpoint, by tree size then issue order."""
        ...


@dataclass(frozen=True)
class KeptCheckpoint:
    """A checkpoint someone kept outside the log, and where it came from (for messages)."""

    note: str
    """The signed note text."""
    source: str = "kept checkpoint"
    """A file name or other label."""


class VerifyReport(BaseModel):
    """Outcome of a full ledger verification."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    """True when nothing disagrees."""
    tree_size: int
    """Recorded number of entries."""
    rows: int
    """Entry rows found."""
    root_hash: str
    """Root hash recomputed from the stored entries (hex)."""
    checkpoints_checked: int
    """Stored checkpoints checked."""
    consistency_checked: int
    """Consecutive checkpoint pairs proven consistent."""
    first_bad_index: int | None
    """Lowest leaf index known to be wrong, if any."""
    problems: list[str]
    """One line per problem found, in the order checked."""
    kept_checked: int = 0
    """Kept checkpoints (``verify --checkpoint``) found consistent with the stored tree."""


def verify_ledger(
    ledger: VerifiableLog,
    verifiers: Sequence[NoteVerifier] | None = None,
    kept: Sequence[KeptCheckpoint | str] = (),
) -> VerifyReport:
    """Recompute and check the whole ledger; never writes (keys included).

    ``kept``: checkpoints kept outside the log; each must be signed by one of ``verifiers`` and
    consistent with the tree recomputed from the stored entries.
    """
    chosen = list(verifiers) if verifiers is not None else ledger.verifiers()
    outside = [k if isinstance(k, KeptCheckpoint) else KeptCheckpoint(k) for k in kept]
    try:
        with ledger.store.engine.connect() as conn:
            return _verify(ledger, conn, chosen, outside)
    except SQLAlchemyError as exc:
        raise StoreError(f"ledger database error: {db_error_reason(exc)}") from exc


def verify_against(
    ledger: VerifiableLog,
    checkpoints: Sequence[KeptCheckpoint | str],
    verifiers: Sequence[NoteVerifier] | None = None,
) -> VerifyReport:
    """:func:`verify_ledger` with kept checkpoints; :class:`VerificationError` on any problem.

    The message lists every problem, each naming the size and root that disagree.
    """
    report = verify_ledger(ledger, verifiers, checkpoints)
    if not report.ok:
        raise VerificationError("ledger verification failed: " + "; ".join(report.problems))
    return report


def _verify(
    ledger: VerifiableLog,
    conn: Connection,
    verifiers: list[NoteVerifier],
    kept: list[KeptCheckpoint],
) -> VerifyReport:
    problems: list[str] = []
    bad: list[int] = []

    def flag(msg: str, index: int | None) -> None:
        problems.append(msg)
        if index is not None:
            bad.append(index)

    size = int(conn.execute(sa.select(STATE.c.size).where(STATE.c.id == 1)).scalar() or 0)
    computed: dict[int, bytes] = {}
    rows = 0
    column_problems: list[tuple[str, int | None]] = []
    columns = [c for c in ENTRIES.c if c.name not in ("idx", "leaf")]
    for row in conn.execute(
        sa.select(ENTRIES.c.idx, ENTRIES.c.leaf, *columns).order_by(ENTRIES.c.idx)
    ):
        rows += 1
        idx, leaf = int(row.idx), as_bytes(row.leaf)
        computed[idx] = mk.leaf_hash(leaf)
        _check_columns(idx, leaf, row._mapping, lambda m, i: column_problems.append((m, i)))
    expected = 0
    for idx in sorted(computed):
        if idx >= size:
            flag(f"row at index {idx} lies beyond the recorded size {size} (inserted?)", idx)
            break
        if idx != expected:
            flag(f"index {expected} is missing (row deleted?)", expected)
            break
        expected += 1
    if expected < size and not any("missing" in p for p in problems):
        flag(f"index {expected} is missing (row deleted?)", expected)
    for message, index in column_problems[:1]:  # the first is enough to name the row
        flag(message, index)

    stored: dict[int, bytes] = {}
    for key, value in conn.execute(sa.select(NODES.c.id, NODES.c.hash).where(NODES.c.id < size)):
        stored[int(key)] = bytes(value)
    for i in range(size):
        have, want = stored.get(i), computed.get(i)
        if want is not None and have != want:
            flag(
                f"leaf {i}: entry bytes do not match the recorded leaf hash (edited or reordered)",
                i,
            )
            break

    cached = [stored.get(i) or computed.get(i) or bytes(32) for i in range(size)]
    _check_levels(conn, mk.MemoryTree(cached), flag)
    leaves = [computed.get(i) or stored.get(i) or bytes(32) for i in range(size)]
    tree = mk.MemoryTree(leaves)

    root = tree.root(size).hex() if size else mk.EMPTY_ROOT.hex()
    checked = consistent = 0
    prev: CheckpointBody | None = None
    ranges: list[int] = []
    last_good = 0
    for cp in ledger.checkpoints():
        checked += 1
        try:
            body = CheckpointBody.from_text(open_note(cp.note, verifiers).body)
        except VerificationError as exc:
            flag(f"checkpoint of size {cp.tree_size}: {exc}", None)
            continue
        if (cp.tree_size, cp.root_hash) != (body.tree_size, body.root_hash.hex()):
            flag(
                f"checkpoint row of size {cp.tree_size}: its size or root columns differ from "
                f"the signed note (size {body.tree_size})",
                None,
            )
        if body.origin != ledger.origin or body.tree_size > size:
            flag(
                f"checkpoint of size {body.tree_size} does not fit this ledger (size {size})", None
            )
            continue
        if body.tree_size and tree.root(body.tree_size) != body.root_hash:
            low = last_good
            ranges.append(low)
            flag(
                f"checkpoint of size {body.tree_size}: root differs from the stored entries "
                f"(a change among leaves {low}..{body.tree_size - 1})",
                None,
            )
            continue
        if prev is not None and prev.tree_size:
            path = mk.consistency_path(prev.tree_size, body.tree_size, tree.subtree)
            try:
                mk.verify_consistency(
                    prev.tree_size, body.tree_size, path, prev.root_hash, body.root_hash
                )
                consistent += 1
            except VerificationError as exc:
                flag(f"checkpoints {prev.tree_size} -> {body.tree_size}: {exc}", prev.tree_size)
        prev = body
        last_good = body.tree_size
    issued = _issued_bodies(conn, verifiers)
    for message in chain_problems(issued):
        flag(message, None)
    current = CheckpointBody(ledger.origin, size, bytes.fromhex(root))
    kept_ok = 0
    for k in kept:
        try:
            _check_one(k, current, tree, issued, verifiers)
            kept_ok += 1
        except VerificationError as exc:
            flag(f"{k.source}: {exc}", None)
    return VerifyReport(
        ok=not problems,
        tree_size=size,
        rows=rows,
        root_hash=root,
        checkpoints_checked=checked,
        consistency_checked=consistent,
        first_bad_index=min(bad) if bad else min(ranges, default=None),
        problems=problems,
        kept_checked=kept_ok,
    )


def _issued_bodies(conn: Connection, verifiers: list[NoteVerifier]) -> list[CheckpointBody]:
    """Bodies of the stored checkpoints in issue order (unsigned ones are flagged elsewhere)."""
    out = []
    for (note,) in conn.execute(sa.select(CHECKPOINTS.c.note).order_by(CHECKPOINTS.c.id)):
        try:
            open_note(str(note), verifiers)
            out.append(CheckpointBody.from_text(split_note(str(note))[0]))
        except VerificationError:
            continue
    return out


def _check_one(
    kept: KeptCheckpoint,
    current: CheckpointBody,
    tree: mk.MemoryTree,
    issued: list[CheckpointBody],
    verifiers: list[NoteVerifier],
) -> None:
    """One kept checkpoint: signed by a known key, consistent, and still among the stored."""
    body = CheckpointBody.from_text(open_note(kept.note, verifiers).body)
    check_kept(body, current, lambda a, b: mk.consistency_path(a, b, tree.subtree))
    link = chain_link(body)
    if link is None:
        return
    same = [b for b in issued if (lk := chain_link(b)) is not None and lk.number == link.number]
    if not same:
        raise VerificationError(
            f"checkpoint number {link.number} at size {body.tree_size} is not among the "
            "stored checkpoints (checkpoint rows deleted?)"
        )
    if all(b.to_text() != body.to_text() for b in same):
        raise VerificationError(
            f"fork: the stored checkpoint number {link.number} differs from the kept one "
            f"at size {body.tree_size}"
        )


def _check_columns(
    idx: int, leaf: bytes, row: Mapping[Any, Any], flag: Callable[[str, int | None], None]
) -> None:
    """Flag a row whose lookup columns disagree with what its leaf bytes say."""
    try:
        want = index_columns(LedgerEntry.from_bytes(leaf, where=f"leaf {idx}"))
    except InputError as exc:
        flag(f"leaf {idx}: not a ledger entry ({exc})", idx)
        return
    for name, value in want.items():
        if row[name] != value:
            flag(f"leaf {idx}: column {name} disagrees with the entry (edited?)", idx)
            return


def _check_levels(
    conn: Connection, tree: mk.MemoryTree, flag: Callable[[str, int | None], None]
) -> None:
    """Compare every cached interior node with the recomputed tree, level by level."""
    for level in range(1, len(tree.levels)):
        want = tree.levels[level]
        lo, hi = level << 40, (level << 40) + len(want)
        rows = conn.execute(
            sa.select(NODES.c.id, NODES.c.hash).where(NODES.c.id >= lo, NODES.c.id < hi)
        )
        have = {int(k) - lo: bytes(v) for k, v in rows}
        for j, h in enumerate(want):
            if have.get(j) != h:
                what = "missing" if j not in have else "disagrees with the entries"
                flag(f"cached node (level {level}, index {j}) {what}", j << level)
                return
