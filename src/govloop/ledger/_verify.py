"""``Ledger.verify``: recompute the tree from stored entries and check everything stored.

Checks, in order: indexes are dense from 0 and match the recorded size (a deleted or inserted
row), each entry's bytes hash to its cached leaf hash (an edited or reordered row), every cached
interior node equals the recomputed one, every stored checkpoint is signed by a known ledger key
and commits to the recomputed root, and each consecutive pair of checkpoints is consistent
(RFC 9162 consistency proof). The first bad leaf index is named whenever evidence pins it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict

from govloop.errors import InputError, VerificationError
from govloop.ledger import _merkle as mk
from govloop.ledger._entry import LedgerEntry, as_bytes
from govloop.ledger._note import CheckpointBody, NoteVerifier, open_note
from govloop.ledger._tables import ENTRIES, NODES, STATE

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from govloop.ledger._ledger import Ledger


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


def verify_ledger(ledger: Ledger, verifiers: Sequence[NoteVerifier] | None = None) -> VerifyReport:
    """Recompute and check the whole ledger; never writes (keys included)."""
    chosen = list(verifiers) if verifiers is not None else ledger.verifiers()
    return ledger._read(lambda conn: _verify(ledger, conn, chosen))


def _verify(ledger: Ledger, conn: Connection, verifiers: list[NoteVerifier]) -> VerifyReport:
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
    return VerifyReport(
        ok=not problems,
        tree_size=size,
        rows=rows,
        root_hash=root,
        checkpoints_checked=checked,
        consistency_checked=consistent,
        first_bad_index=min(bad) if bad else min(ranges, default=None),
        problems=problems,
    )


def _check_columns(
    idx: int, leaf: bytes, row: Mapping[Any, Any], flag: Callable[[str, int | None], None]
) -> None:
    """Flag a row whose lookup columns disagree with what its leaf bytes say."""
    from govloop.ledger._ledger import index_columns

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
