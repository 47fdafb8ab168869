"""Checking a log against checkpoints someone kept: rollback, fork and rewritten history.

A log's own checkpoints prove nothing against the party that holds both the database and the
signing key: they can restore an old copy, or rewrite a leaf, rebuild the node cache and sign a
fresh checkpoint. What they cannot undo is a checkpoint somebody else kept. Every check here
compares one *kept* checkpoint with the log's *current* tree:

- the current tree is smaller than the kept one: a rollback;
- same size, another root: a fork;
- larger, but the RFC 9162 consistency proof from the kept size fails: history was rewritten;
- both carry a chain line (``_chain``) and the current number is lower: checkpoint rows were
  deleted and reissued; the same number with another body: a fork.

``verify --checkpoint`` and ``ledger monitor`` both use :func:`check_kept`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from govloop.errors import VerificationError
from govloop.ledger import _merkle as mk
from govloop.ledger._chain import chain_link
from govloop.ledger._note import CheckpointBody

ProofFn = Callable[[int, int], list[bytes]]
"""``(old size, new size) -> consistency path`` from the log being checked."""


def describe(body: CheckpointBody) -> str:
    """``size N (root <base64>)``: how messages name a tree."""
    return f"size {body.tree_size} (root {base64.b64encode(body.root_hash).decode()})"


def check_kept(kept: CheckpointBody, current: CheckpointBody, proof: ProofFn) -> None:
    """Raise :class:`VerificationError` unless ``current`` extends ``kept``.

    ``current`` is the log's tree as it stands now (a checkpoint it serves, or the tree
    recomputed from its entries); ``proof`` builds consistency paths in that tree.
    """
    if kept.origin != current.origin:
        raise VerificationError(
            f"the kept checkpoint is for log {kept.origin!r}, this log is {current.origin!r}"
        )
    if current.tree_size < kept.tree_size:
        raise VerificationError(
            f"rollback: the log is now at {describe(current)}, smaller than the kept "
            f"checkpoint at {describe(kept)}"
        )
    if current.tree_size == kept.tree_size:
        if current.root_hash != kept.root_hash:
            raise VerificationError(
                f"fork: at size {kept.tree_size} the log has root "
                f"{base64.b64encode(current.root_hash).decode()}, the kept checkpoint says "
                f"{base64.b64encode(kept.root_hash).decode()}"
            )
    elif kept.tree_size == 0:
        if kept.root_hash != mk.EMPTY_ROOT:
            raise VerificationError("the kept checkpoint of size 0 has a non-empty root")
    else:
        _check_consistency(kept, current, proof)
    _check_numbers(kept, current)


def _check_consistency(kept: CheckpointBody, current: CheckpointBody, proof: ProofFn) -> None:
    try:
        path = proof(kept.tree_size, current.tree_size)
        mk.verify_consistency(
            kept.tree_size, current.tree_size, path, kept.root_hash, current.root_hash
        )
    except VerificationError as exc:
        raise VerificationError(
            f"history rewritten: the log at {describe(current)} is not consistent with the "
            f"kept checkpoint at {describe(kept)} ({exc})"
        ) from exc


def _check_numbers(kept: CheckpointBody, current: CheckpointBody) -> None:
    old, new = chain_link(kept), chain_link(current)
    if old is None or new is None:
        return
    if new.number < old.number:
        raise VerificationError(
            f"checkpoint numbering went back: the log's latest is number {new.number} at "
            f"{describe(current)}, a kept one is number {old.number} at {describe(kept)} "
            "(checkpoint rows deleted and reissued?)"
        )
    if new.number == old.number and current.to_text() != kept.to_text():
        raise VerificationError(
            f"fork: two different checkpoints numbered {new.number}, at {describe(current)} "
            f"and the kept one at {describe(kept)}"
        )
