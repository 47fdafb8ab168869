"""Attacks by someone holding the provider's database and signing key, and what catches them.

Each attack leaves a ledger whose own checkpoints verify (plain ``ledger verify`` may say OK);
a checkpoint kept outside the log (``verify --checkpoint``) and the monitor's state catch it,
naming the size that disagrees. Runs on SQLite and PostgreSQL (``db``): the snapshot and
restore are done table by table, as a file copy would on SQLite.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from govloop.cli.main import build_app
from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.errors import VerificationError
from govloop.keys import KeyStore
from govloop.ledger import (
    Ledger,
    LedgerEntry,
    NoteVerifier,
    monitor_once,
    text_fingerprint,
    verify_against,
)
from govloop.ledger._tables import CHECKPOINTS, ENTRIES, NODES, SKETCH, SKETCH_TAIL, STATE
from govloop.store import Store

TABLES = (ENTRIES, NODES, SKETCH, SKETCH_TAIL, STATE, CHECKPOINTS)


def entry(i: int, tag: str = "P") -> LedgerEntry:
    text = f"第 {i} 条输出 output number {i} of the demo model"
    return LedgerEntry(
        produce_id=f"{tag}{i:010d}",
        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
        media_type="text",
        model="demo",
        provider_code=DEMO_PROVIDER_CODE,
        fingerprint=text_fingerprint(text),
        created_at="2026-01-01T00:00:00.000Z",
    )


def snapshot(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every ledger row (what ``cp govloop.db saved.db`` keeps)."""
    with store.engine.connect() as conn:
        return {t.name: [dict(r._mapping) for r in conn.execute(sa.select(t))] for t in TABLES}


def restore(store: Store, saved: dict[str, list[dict[str, Any]]]) -> None:
    """Put the saved rows back, replacing the current ones (``cp saved.db govloop.db``)."""
    with store.engine.begin() as conn:
        for t in TABLES:
            conn.execute(sa.delete(t))
            if saved[t.name]:
                conn.execute(sa.insert(t), saved[t.name])


def wipe(store: Store) -> None:
    """An empty ledger (state size 0), as a fresh install has."""
    with store.engine.begin() as conn:
        for t in TABLES:
            conn.execute(sa.delete(t))
        conn.execute(sa.insert(STATE).values(id=1, size=0))


@pytest.fixture
def ledger(store: Store, keys: KeyStore, settings: Settings) -> Ledger:
    return Ledger.open(store, keys, settings)


@pytest.fixture
def kept(ledger: Ledger, tmp_path: Path) -> dict[str, Path]:
    """A log of 3 entries; the platform kept its checkpoints and its public key."""
    files: dict[str, Path] = {}
    for i in range(3):
        ledger.append(entry(i))
        cp = ledger.checkpoint()
        files[f"cp{i + 1}"] = tmp_path / f"cp{i + 1}.txt"
        files[f"cp{i + 1}"].write_text(cp.note, encoding="utf-8")
    files["key"] = tmp_path / "ledger.pub"
    files["key"].write_text(ledger.verifier().to_text() + "\n", encoding="utf-8")
    files["state"] = tmp_path / "monitor" / "state.json"
    return files


def run(*args: str) -> Result:
    result = CliRunner().invoke(build_app(), list(args))
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result


def verify(files: dict[str, Path], *which: str) -> Result:
    args = ["ledger", "verify", "--key", str(files["key"])]
    for name in which:
        args += ["--checkpoint", str(files[name])]
    return run(*args)


def monitor(files: dict[str, Path], *extra: str) -> Result:
    return run(
        "ledger", "monitor", "--state", str(files["state"]), "--key", str(files["key"]), *extra
    )


def kept_size(files: dict[str, Path]) -> int:
    logs = json.loads(files["state"].read_text(encoding="utf-8"))["logs"]
    (record,) = logs.values()
    return int(record["tree_size"])


@pytest.mark.db
def test_untouched_log_passes_and_the_monitor_follows_it(
    ledger: Ledger, kept: dict[str, Path]
) -> None:
    ok = verify(kept, "cp1", "cp2", "cp3")
    assert ok.exit_code == 0 and "3 kept checkpoints" in ok.output, ok.output
    first = monitor(kept)
    assert first.exit_code == 0 and "first checkpoint kept, size 3" in first.output, first.output
    ledger.append_many([entry(3), entry(4)])
    ledger.checkpoint()
    grown = monitor(kept)
    assert grown.exit_code == 0 and "size 3 -> 5, consistent" in grown.output, grown.output
    assert kept_size(kept) == 5
    assert monitor(kept).exit_code == 0 and "unchanged at size 5" in monitor(kept).output


@pytest.mark.db
def test_rollback_to_an_older_copy(ledger: Ledger, store: Store, kept: dict[str, Path]) -> None:
    saved = snapshot(store)
    assert monitor(kept).exit_code == 0
    ledger.append(entry(3))
    cp4 = ledger.checkpoint()
    kept["cp4"] = kept["cp3"].with_name("cp4.txt")
    kept["cp4"].write_text(cp4.note, encoding="utf-8")
    assert monitor(kept).exit_code == 0 and kept_size(kept) == 4
    restore(store, saved)  # the operator puts the older copy back
    assert verify(kept).exit_code == 0  # its own checkpoints still verify
    bad = verify(kept, "cp4")
    assert bad.exit_code == 1 and "rollback" in bad.output, bad.output
    assert "now at size 3" in bad.output and "kept checkpoint at size 4" in bad.output
    alert = monitor(kept)
    assert alert.exit_code == 1 and "kept size 4, new size 3" in alert.output, alert.output
    assert "rollback" in alert.output and kept_size(kept) == 4  # the state did not move
    with pytest.raises(VerificationError, match="rollback"):
        verify_against(ledger, [cp4.note], [ledger.verifier()])


@pytest.mark.db
def test_fork_same_size_other_root(ledger: Ledger, store: Store, kept: dict[str, Path]) -> None:
    saved = snapshot(store)
    ledger.append(entry(3))
    kept["cp4"] = kept["cp3"].with_name("cp4.txt")
    kept["cp4"].write_text(ledger.checkpoint().note, encoding="utf-8")
    assert monitor(kept).exit_code == 0
    restore(store, saved)
    ledger.append(entry(3, tag="Q"))  # another fourth entry in its place
    ledger.checkpoint()
    assert verify(kept).exit_code == 0
    bad = verify(kept, "cp4")
    assert bad.exit_code == 1 and "fork: at size 4" in bad.output, bad.output
    alert = monitor(kept)
    assert alert.exit_code == 1 and "kept size 4, new size 4" in alert.output, alert.output
    assert "fork" in alert.output


@pytest.mark.db
def test_rewritten_history_with_rebuilt_nodes_and_new_checkpoint(
    ledger: Ledger, store: Store, kept: dict[str, Path]
) -> None:
    """Edit leaf 1, rebuild the node cache, delete the checkpoints, sign afresh: self-consistent."""
    assert monitor(kept).exit_code == 0
    wipe(store)
    ledger.append_many([entry(0), entry(1, tag="EDITED"), entry(2), entry(3)])
    ledger.checkpoint()
    own = verify(kept)
    assert own.exit_code == 0, own.output  # on its own the rewritten log looks fine
    bad = verify(kept, "cp2")
    assert bad.exit_code == 1 and "history rewritten" in bad.output, bad.output
    assert "kept checkpoint at size 2" in bad.output
    # leaf 0 is untouched, but checkpoint number 1 was signed again over other leaves
    again = verify(kept, "cp1")
    assert again.exit_code == 1 and "checkpoint number 1 differs" in again.output, again.output
    alert = monitor(kept)
    assert alert.exit_code == 1 and "kept size 3, new size 4" in alert.output, alert.output
    assert "history rewritten" in alert.output


@pytest.mark.db
def test_deleted_checkpoint_rows(ledger: Ledger, store: Store, kept: dict[str, Path]) -> None:
    assert monitor(kept).exit_code == 0
    with store.engine.begin() as conn:
        conn.execute(sa.delete(CHECKPOINTS).where(CHECKPOINTS.c.tree_size == 2))
    gap = verify(kept)
    assert gap.exit_code == 1 and "checkpoint number 2 missing" in gap.output, gap.output
    assert "not among the stored checkpoints" in verify(kept, "cp2").output
    # every row deleted and a new checkpoint signed: the chain restarts at number 1
    with store.engine.begin() as conn:
        conn.execute(sa.delete(CHECKPOINTS))
    ledger.checkpoint()
    assert verify(kept).exit_code == 0
    bad = verify(kept, "cp3")
    assert bad.exit_code == 1 and "number 3 at size 3" in bad.output, bad.output
    alert = monitor(kept)
    assert alert.exit_code == 1 and "kept size 3, new size 3" in alert.output, alert.output
    assert "numbering went back" in alert.output


@pytest.mark.db
def test_empty_ledger_is_an_error(store: Store, kept: dict[str, Path]) -> None:
    assert monitor(kept).exit_code == 0
    wipe(store)
    plain = verify(kept)
    assert plain.exit_code == 1 and "empty" in plain.output and "OK" not in plain.output
    against = verify(kept, "cp3")
    assert against.exit_code == 1 and "empty" in against.output, against.output
    alert = monitor(kept)
    assert alert.exit_code == 1 and "kept size 3" in alert.output, alert.output
    assert kept_size(kept) == 3


@pytest.mark.db
def test_verify_and_monitor_open_the_database_read_only(
    store: Store, kept: dict[str, Path], db_url: str
) -> None:
    before = snapshot(store)
    assert verify(kept, "cp3").exit_code == 0
    assert monitor(kept).exit_code == 0
    assert snapshot(store) == before
    if db_url.startswith("sqlite"):
        return
    # PostgreSQL: a database without tables stays without tables
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"{url.database}_bare"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    bare = url.set(database=name).render_as_string(hide_password=False)
    try:
        res = run("ledger", "monitor", "--state", str(kept["state"]), "--key", str(kept["key"]),
                  "--log", bare)  # fmt: skip
        assert res.exit_code == 1 and "no tables at all" in res.output, res.output
        engine = sa.create_engine(bare)
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_missing_empty_and_schemaless_sqlite_files(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing is created or changed; each is an error naming the file."""
    db = tmp_path / "elsewhere" / "govloop.db"
    monkeypatch.setenv("GOVLOOP_DATABASE_URL", f"sqlite:///{db}")
    kept = tmp_path / "kept.txt"
    kept.write_text("example.org/log\n3\n" + "A" * 43 + "=\n\n", encoding="utf-8")
    missing = run("ledger", "verify", "--checkpoint", str(kept))
    assert missing.exit_code == 1 and "does not exist" in missing.output
    assert str(db) in missing.output and not db.parent.exists()
    db.parent.mkdir()
    db.write_bytes(b"")
    empty = run("ledger", "verify")
    assert empty.exit_code == 1 and "empty (0 bytes)" in empty.output
    assert db.read_bytes() == b""
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE unrelated (x)")
    data = db.read_bytes()
    schemaless = run("ledger", "verify")
    assert schemaless.exit_code == 1 and "no table ledger_entries" in schemaless.output
    assert db.read_bytes() == data
    del home


@pytest.mark.db
def test_missing_database_alerts_the_monitor(kept: dict[str, Path], tmp_path: Path) -> None:
    assert monitor(kept).exit_code == 0
    gone = f"sqlite:///{tmp_path / 'gone' / 'govloop.db'}"
    state = kept["state"].read_bytes()
    alert = monitor(kept, "--log", gone)
    assert alert.exit_code == 1 and "does not exist" in alert.output, alert.output
    assert not (tmp_path / "gone").exists() and kept["state"].read_bytes() == state


@pytest.mark.db
def test_monitor_state_inside_the_home_is_refused(kept: dict[str, Path], home: Path) -> None:
    res = run("ledger", "monitor", "--state", str(home / "s.json"), "--key", str(kept["key"]),
              "--log", str(home))  # fmt: skip
    assert res.exit_code == 1 and "inside the log's home" in res.output, res.output
    assert not (home / "s.json").exists()


@pytest.mark.db
def test_monitor_interval_rounds_and_a_pluggable_source(
    ledger: Ledger, kept: dict[str, Path]
) -> None:
    res = monitor(kept, "--interval", "0.1", "--count", "2", "--json")
    assert res.exit_code == 0, res.output
    assert kept_size(kept) == 3

    class Forked:
        """A source (say, a tiles mirror) that serves a checkpoint over other leaves."""

        def __init__(self, note: str) -> None:
            self.note = note

        def latest_checkpoint(self) -> bytes:
            return self.note.encode()

        def consistency_proof(self, old: int, new: int) -> list[bytes]:
            return [bytes(32)] * 3

    ledger.append(entry(9, tag="X"))
    forked = Forked(ledger.checkpoint().note)
    name = next(iter(json.loads(kept["state"].read_text())["logs"]))
    (outcome,) = monitor_once({name: forked}, [ledger.verifier()], kept["state"])
    assert not outcome.ok and (outcome.kept_size, outcome.new_size) == (3, 4)
    assert "history rewritten" in outcome.message and kept_size(kept) == 3


@pytest.mark.db
def test_chain_line_follows_the_spec_and_old_checkpoints_still_verify(
    ledger: Ledger, store: Store, keys: KeyStore
) -> None:
    from govloop.ledger import CheckpointBody, sign_note
    from govloop.ledger._merkle import leaf_hash

    first = entry(0)
    ledger.append(first)
    # a checkpoint issued before chains existed: three lines, nothing after the root
    old_body = CheckpointBody(ledger.origin, 1, leaf_hash(first.canonical_bytes()))
    old_note = sign_note(old_body.to_text(), ledger.origin, ledger.signing_key())
    with store.engine.begin() as conn:
        conn.execute(
            sa.insert(CHECKPOINTS).values(
                tree_size=1,
                root_hash=old_body.root_hash,
                note=old_note,
                key_hash=ledger.verifier().key_hash.hex(),
                created_at="2026-01-01T00:00:00.000Z",
            )
        )
    ledger.append(entry(1))
    note = ledger.checkpoint().note
    lines = note.split("\n")
    assert lines[0] == ledger.origin and lines[1] == "2" and len(lines[2]) == 44
    assert lines[3].startswith("govloop-chain/v1 2 ")  # numbered after the old one
    report = ledger.verify(kept=[old_note, note])
    assert report.ok and report.kept_checked == 2, report.problems
    # a verifier key from elsewhere does not verify the log's checkpoints
    other = NoteVerifier(ledger.origin, KeyStore.open(store_dir(keys)).active("x").public_key)
    assert not ledger.verify([other], kept=[note]).ok


def store_dir(keys: KeyStore) -> Path:
    return keys.root.parent / "other-keys"


@pytest.mark.db
def test_bad_kept_checkpoint_files_are_one_error_line(
    kept: dict[str, Path], tmp_path: Path
) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe" * 10)
    res = run("ledger", "verify", "--checkpoint", str(binary))
    assert res.exit_code == 1 and "binary.txt: checkpoint is not UTF-8" in res.output
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"a" * ((1 << 20) + 1))
    assert "over 1048576 bytes" in run("ledger", "verify", "--checkpoint", str(huge)).output
    forged = tmp_path / "forged.txt"
    forged.write_text(kept["cp3"].read_text().replace("\n3\n", "\n9\n"), encoding="utf-8")
    res = run("ledger", "verify", "--key", str(kept["key"]), "--checkpoint", str(forged))
    assert res.exit_code == 1 and "forged.txt: bad signature" in res.output, res.output
