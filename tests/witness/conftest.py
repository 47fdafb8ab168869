"""Witness test fixtures: a provider's ledger, witnesses over it, and request helpers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from govloop.config import Settings
from govloop.keys import KeyStore
from govloop.ledger import Ledger, record_output
from govloop.store import Store
from govloop.witness import Witness, format_add_checkpoint
from govloop.witness._tables import LOGS


def append(ledger: Ledger, count: int, tag: str = "out") -> None:
    """Record ``count`` small text outputs."""
    start = ledger.size()
    for i in range(start, start + count):
        record_output(
            ledger,
            f"{tag} {i} 生成内容".encode(),
            media_type="text",
            model="m",
            provider_code=ledger.settings.provider_code,
        )


def request_for(ledger: Ledger, old: int, note: str | None = None) -> bytes:
    """An add-checkpoint body for the ledger's newest checkpoint with a proof from ``old``."""
    cp = ledger.checkpoint()
    proof: list[bytes] = []
    if 0 < old < cp.tree_size:
        proof = [
            bytes.fromhex(h) for h in ledger.consistency_proof(old, cp.tree_size).consistency_path
        ]
    return format_add_checkpoint(old, proof, note if note is not None else cp.note)


def witness_rows(store: Store) -> list[tuple[object, ...]]:
    """Everything the witness stores about logs (to compare before and after a refusal)."""
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(LOGS).order_by(LOGS.c.origin))]


@dataclass
class Setup:
    """A provider ledger and a witness watching it (both in the test's database)."""

    ledger: Ledger
    witness: Witness
    store: Store


@pytest.fixture
def setup(store: Store, keys: KeyStore, settings: Settings, tmp_path: Path) -> Setup:
    """The provider's ledger and one witness (its own key store) in the same database."""
    ledger = Ledger.open(store, keys, settings)
    witness = Witness(store, KeyStore.open(tmp_path / "witness-keys"), clock=lambda: 1_700_000_000)
    witness.init("witness.test/w1")
    witness.add_log([ledger.verifier()])
    return Setup(ledger, witness, store)


@pytest.fixture
def second_witness(tmp_path: Path) -> Iterator[Witness]:
    """Another witness with its own SQLite database and key."""
    s = Store.open(f"sqlite:///{tmp_path / 'w2.db'}")
    try:
        w = Witness(s, KeyStore.open(tmp_path / "w2-keys"))
        w.init("witness.test/w2")
        yield w
    finally:
        s.close()
