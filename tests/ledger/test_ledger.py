import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.errors import InputError, VerificationError
from govloop.keys import KeyStore
from govloop.ledger import (
    Ledger,
    LedgerEntry,
    MemoryTree,
    checkpoint_if_due,
    leaf_hash,
    load_proof,
    pseudonymize,
    text_fingerprint,
    verify_consistency_proof,
    verify_inclusion_proof,
)
from govloop.store import Store


def entry(i: int, tag: str = "P") -> LedgerEntry:
    text = f"output number {i} from the demo model with some words"
    return LedgerEntry(
        produce_id=f"{tag}{i:010d}",
        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
        media_type="text",
        model="demo",
        provider_code=DEMO_PROVIDER_CODE,
        fingerprint=text_fingerprint(text),
        created_at="2025-09-01T12:00:00.000Z",
    )


@pytest.fixture
def ledger(store: Store, keys: KeyStore, settings: Settings) -> Ledger:
    return Ledger.open(store, keys, settings)


def test_canonical_bytes_are_stable_and_round_trip() -> None:
    e = entry(1)
    data = e.canonical_bytes()
    assert data == LedgerEntry.from_bytes(data).canonical_bytes()
    assert data.startswith(b'{"content_sha256":')
    assert b" " not in data.split(b'"fingerprint"')[0]


def test_entry_rejects_raw_requester_and_bad_digest() -> None:
    with pytest.raises(ValueError, match="pseudonym"):
        entry(1).model_copy(update={}).model_validate(
            {**entry(1).model_dump(), "requester": "alice@example.com"}
        )
    with pytest.raises(ValueError, match="hex"):
        LedgerEntry.model_validate({**entry(1).model_dump(), "content_sha256": "xyz"})


def test_pseudonym_is_keyed_and_stable() -> None:
    a = pseudonymize(b"k" * 32, "alice")
    assert a == pseudonymize(b"k" * 32, "alice") != pseudonymize(b"j" * 32, "alice")
    assert "alice" not in a and len(a) == 64


@pytest.mark.db
def test_append_checkpoint_and_proofs_verify(ledger: Ledger) -> None:
    results = ledger.append_many([entry(i) for i in range(37)])
    assert [r.index for r in results] == list(range(37))
    cp = ledger.checkpoint()
    assert cp.tree_size == 37 and cp.note.startswith("govloop.local/ledger\n37\n")
    leaves = [leaf_hash(entry(i).canonical_bytes()) for i in range(37)]
    assert cp.root_hash == MemoryTree(leaves).root().hex()
    assert ledger.checkpoint() == cp  # nothing changed: reused
    for i in (0, 17, 36):
        proof = ledger.inclusion_proof(i)
        assert proof.leaf_hash == leaves[i].hex()
        verify_inclusion_proof(proof, cp.note, ledger.verifiers(), entry=ledger.get(i).leaf)
    ledger.append_many([entry(i) for i in range(37, 50)])
    cp2 = ledger.checkpoint()
    verify_consistency_proof(
        ledger.consistency_proof(37, 50), cp.note, cp2.note, ledger.verifiers()
    )
    old = ledger.inclusion_proof(3, 37)
    verify_inclusion_proof(old, cp.note, ledger.verifiers())
    with pytest.raises(VerificationError, match="tree size"):
        verify_inclusion_proof(old, cp2.note, ledger.verifiers())
    report = ledger.verify()
    assert report.ok and report.checkpoints_checked == 2 and report.consistency_checked == 1


@pytest.mark.db
def test_lookups_use_each_index(ledger: Ledger) -> None:
    e = entry(5).model_copy(
        update={"watermark": {"scheme": "kgw", "payload": "abcd", "bits": 16, "key_id": 1}}
    )
    ledger.append_many([entry(1), e])
    assert ledger.find_by_produce_id(e.produce_id).index == 1
    assert [r.index for r in ledger.find_by_sha256(e.content_sha256)] == [1]
    assert [r.index for r in ledger.find_by_watermark("ABCD")] == [1]
    from govloop.ids import produce_tag

    assert 1 in [r.index for r in ledger.find_by_tag(produce_tag(e.produce_id, 20), 20)]
    assert ledger.find_similar(e.fingerprint or "")[0][0].index == 1


@pytest.mark.db
def test_duplicate_produce_id_is_refused_and_nothing_is_written(ledger: Ledger) -> None:
    ledger.append(entry(1))
    with pytest.raises(InputError, match="already recorded"):
        ledger.append_many([entry(2), entry(1)])
    with pytest.raises(InputError, match="twice"):
        ledger.append_many([entry(3), entry(3)])
    assert ledger.size() == 1 and ledger.verify().ok


@pytest.mark.db
def test_rotation_keeps_old_checkpoints_verifiable(ledger: Ledger) -> None:
    ledger.append(entry(1))
    cp1 = ledger.checkpoint()
    old_key = ledger.verifier()
    new_key = ledger.rotate_key()
    assert new_key.key_hash != old_key.key_hash
    ledger.append(entry(2))
    cp2 = ledger.checkpoint()
    assert cp2.key_hash == new_key.key_hash.hex()
    verify_inclusion_proof(ledger.inclusion_proof(0, 1), cp1.note, ledger.verifiers())
    with pytest.raises(VerificationError, match="not signed by any known key"):
        verify_inclusion_proof(ledger.inclusion_proof(0, 1), cp1.note, [new_key])
    assert ledger.verify().ok


@pytest.mark.db
def test_checkpoint_if_due(ledger: Ledger) -> None:
    assert checkpoint_if_due(ledger, min_interval_s=3600) is not None  # first one
    assert checkpoint_if_due(ledger, min_interval_s=0) is None  # nothing new
    ledger.append(entry(1))
    assert checkpoint_if_due(ledger, min_interval_s=3600) is None  # too soon
    assert checkpoint_if_due(ledger, min_interval_s=0).tree_size == 1


@pytest.mark.db
def test_scheduled_checkpoint_skips_while_another_process_signs(
    ledger: Ledger, store: Store
) -> None:
    """On PostgreSQL one process signs at a time: a scheduled signer finding the lock skips."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("the checkpoint advisory lock is PostgreSQL's (SQLite has one writer)")
    from govloop.ledger._ledger import CHECKPOINT_LOCK_ID

    ledger.append(entry(1))
    with store.engine.connect() as other, other.begin():  # "another gateway" holds the lock
        other.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CHECKPOINT_LOCK_ID})")
        assert ledger.checkpoint_if_due(0) is None
        assert ledger.checkpoints() == []
    cp = ledger.checkpoint_if_due(0)  # lock released: now it signs
    assert cp is not None and cp.tree_size == 1
    assert ledger.checkpoint_if_due(3600) is None  # just signed: not due again


@pytest.mark.db
def test_concurrent_writers_keep_indexes_dense(
    ledger: Ledger, store: Store, keys, settings
) -> None:
    def worker(tag: str) -> None:
        other = Ledger.open(Store.open(settings.db_url, migrate=False), keys, settings)
        for b in range(5):
            other.append_many([entry(b * 10 + i, tag) for i in range(10)])
            if b == 2:
                other.checkpoint()
        other.store.close()

    ledger.signing_key()  # made once up front: KeyStore's first-use creation is not race-free
    threads = [threading.Thread(target=worker, args=(t,)) for t in "ABC"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ledger.size() == 150
    report = ledger.verify()
    assert report.ok, report.problems
    assert report.rows == 150


def test_malformed_proof_documents_name_the_field() -> None:
    with pytest.raises(InputError, match="p.json: not JSON"):
        load_proof("{", source="p.json")
    with pytest.raises(InputError, match="inclusion_path.*zz"):
        load_proof(
            '{"leaf_index":0,"tree_size":1,"leaf_hash":"' + "0" * 64 + '","inclusion_path":["zz"]}'
        )
    with pytest.raises(InputError, match="leaf_index"):
        load_proof(
            '{"leaf_index":-1,"tree_size":1,"leaf_hash":"' + "0" * 64 + '","inclusion_path":[]}'
        )


# ---- tampering with the SQLite file directly ---------------------------------------------------
def _db_path(settings: Settings) -> Path:
    assert settings.db_url.startswith("sqlite:///")
    return Path(settings.db_url.removeprefix("sqlite:///"))


@pytest.fixture
def filled(ledger: Ledger, settings: Settings) -> Path:
    # These tests edit the SQLite file behind the ledger's back, so they are not marked ``db``
    # and do not run in the PostgreSQL pass; verify() itself reads rows the same way on both.
    assert settings.db_url.startswith("sqlite")
    ledger.append_many([entry(i) for i in range(20)])
    ledger.checkpoint()
    ledger.append_many([entry(i) for i in range(20, 32)])
    ledger.checkpoint()
    assert ledger.verify().ok
    return _db_path(settings)


def _sql(path: Path, *stmts: str) -> None:
    con = sqlite3.connect(path)
    with con:
        for s in stmts:
            con.execute(s)
    con.close()


def test_tamper_edit_is_found_with_its_index(ledger: Ledger, filled: Path) -> None:
    _sql(filled, "UPDATE ledger_entries SET leaf = replace(leaf, 'demo', 'DEMO') WHERE idx = 13")
    report = ledger.verify()
    assert not report.ok and report.first_bad_index == 13
    assert "leaf 13" in report.problems[0]


def test_tamper_edit_with_rehashed_cache_is_found_by_checkpoints(
    ledger: Ledger, filled: Path
) -> None:
    edited = entry(13).model_copy(update={"model": "other"}).canonical_bytes()
    con = sqlite3.connect(filled)
    with con:
        con.execute("UPDATE ledger_entries SET leaf = ? WHERE idx = 13", (edited,))
        con.execute("UPDATE ledger_nodes SET hash = ? WHERE id = 13", (leaf_hash(edited),))
    con.close()
    report = ledger.verify()
    assert not report.ok and report.first_bad_index is not None and report.first_bad_index <= 13
    assert any("checkpoint of size 20" in p for p in report.problems)


def test_tamper_delete_is_found(ledger: Ledger, filled: Path) -> None:
    _sql(filled, "DELETE FROM ledger_entries WHERE idx = 7")
    report = ledger.verify()
    assert not report.ok and report.first_bad_index == 7 and "missing" in report.problems[0]


def test_tamper_insert_is_found(ledger: Ledger, filled: Path) -> None:
    forged = entry(999).canonical_bytes()
    _sql(
        filled,
        "UPDATE ledger_entries SET idx = idx + 1000 WHERE idx >= 5",
        "UPDATE ledger_entries SET idx = idx - 999 WHERE idx >= 1005",
    )
    con = sqlite3.connect(filled)
    with con:
        con.execute(
            "INSERT INTO ledger_entries VALUES (5, 'X1', ?, 0, NULL, 'text', '', ?)",
            ("0" * 64, forged),
        )
    con.close()
    report = ledger.verify()
    assert not report.ok and report.first_bad_index == 5


def test_tamper_insert_at_end_is_found(ledger: Ledger, filled: Path) -> None:
    _sql(
        filled,
        "INSERT INTO ledger_entries SELECT 32, 'X2', content_sha256, tag32, wm_payload, "
        "media_type, created_at, leaf FROM ledger_entries WHERE idx = 3",
    )
    report = ledger.verify()
    assert not report.ok and report.first_bad_index == 32 and "beyond" in report.problems[0]


def test_tamper_reorder_is_found(ledger: Ledger, filled: Path) -> None:
    _sql(
        filled,
        "UPDATE ledger_entries SET idx = -1 WHERE idx = 9",
        "UPDATE ledger_entries SET idx = 9 WHERE idx = 22",
        "UPDATE ledger_entries SET idx = 22 WHERE idx = -1",
    )
    report = ledger.verify()
    assert not report.ok and report.first_bad_index == 9


def test_tamper_checkpoint_signature_is_found(ledger: Ledger, filled: Path) -> None:
    _sql(
        filled,
        "UPDATE ledger_checkpoints SET note = replace(note, '\n20\n', '\n21\n') "
        "WHERE tree_size = 20",
    )
    report = ledger.verify()
    assert not report.ok and any("bad signature" in p for p in report.problems)


def test_checkpoint_fsyncs_then_restores_normal_sync(ledger: Ledger, settings: Settings) -> None:
    ledger.append_many([entry(i) for i in range(3)])
    ledger.checkpoint()
    for _ in range(3):  # every pooled connection is back at NORMAL (1) for cheap appends
        with ledger.store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    assert ledger.verify().ok


def test_tamper_lookup_column_is_found(ledger: Ledger, filled: Path) -> None:
    _sql(filled, "UPDATE ledger_entries SET content_sha256 = '" + "a" * 64 + "' WHERE idx = 4")
    report = ledger.verify()
    assert not report.ok and report.first_bad_index == 4
    assert "column content_sha256" in report.problems[0]


def test_tamper_checkpoint_columns_are_found(ledger: Ledger, filled: Path) -> None:
    _sql(filled, "UPDATE ledger_checkpoints SET tree_size = 19 WHERE tree_size = 20")
    report = ledger.verify()
    assert not report.ok
    assert any("differ from the signed note" in p for p in report.problems)


@pytest.mark.db
def test_near_matches_found_in_the_sketch_tail_and_after_its_merge(ledger: Ledger) -> None:
    import sqlalchemy as sa

    from govloop.store import WouldBlock

    def counts() -> tuple[int, int]:
        with ledger.store.engine.connect() as c:
            tail = c.execute(sa.text("SELECT count(*) FROM ledger_sketch_tail")).scalar()
            index = c.execute(sa.text("SELECT count(*) FROM ledger_sketch")).scalar()
        return int(tail or 0), int(index or 0)

    ledger.sketch_merge_at = 10
    ledger.append_many([entry(i) for i in range(6)])
    tail, index = counts()
    assert index == 0 and tail == 6 * 8  # eight band keys per text entry, all in the tail
    edited = text_fingerprint("output number 3 from the demo model with some words!")
    assert ledger.find_similar(edited)[0][0].index == 3  # found while still in the tail
    # an append from an event loop never merges: it hands the batch to a thread instead
    with pytest.raises(WouldBlock):
        ledger.append_many([entry(i) for i in range(6, 10)], nowait=True)
    assert ledger.size() == 6 and counts() == (tail, index)  # nothing written
    ledger.append_many([entry(i) for i in range(6, 10)])  # due: merged in the same transaction
    assert counts() == (0, 10 * 8)
    assert ledger.find_similar(edited)[0][0].index == 3
    assert ledger.find_similar(entry(8).fingerprint or "")[0][0].index == 8
    ledger.append_many([entry(10)])
    assert counts() == (8, 80) and ledger.merge_sketch() == 8 and counts() == (0, 88)
    assert ledger.find_similar(entry(10).fingerprint or "")[0][0].index == 10
    assert ledger.verify().ok
