"""What a damaged data directory does to the CLI: a clear one-line error, never a crash.

Covers a truncated or overwritten ``govloop.db``, a table gone missing, and a key store whose
files are garbage, folders or unwritable; plus two real ``govloop`` processes end to end.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from govloop.cli.main import build_app

ASSETS = Path(__file__).parents[1] / "assets" / "filings" / "realistic"


def run(cli: CliRunner, *args: str) -> Result:
    result = cli.invoke(build_app(), list(args))
    assert "internal error" not in result.output, result.output
    assert "Traceback" not in result.output, result.output
    return result


def one_error_line(result: Result, *names: str) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1, result.output
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


@pytest.fixture
def sqlite_home(
    cli: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Path:
    """A home with one filing and one ledger entry in a SQLite file (damage needs a file).

    Always SQLite, also when the suite reruns on PostgreSQL: these tests damage the file.
    """
    monkeypatch.setenv("GOVLOOP_DATABASE_URL", f"sqlite:///{home / 'govloop.db'}")
    assert run(cli, "model", "register", str(ASSETS / "cn-public-chatbot.yaml")).exit_code == 0
    content = tmp_path / "c.txt"
    content.write_text("内容\n", encoding="utf-8")
    assert run(cli, "ledger", "append", str(content)).exit_code == 0
    return home


@pytest.mark.parametrize("damage", ["truncate", "garbage", "header-only"])
@pytest.mark.parametrize("args", [("model", "list"), ("ledger", "verify"), ("trace", "-")])
def test_damaged_database_is_one_clear_line(
    cli: CliRunner, sqlite_home: Path, damage: str, args: tuple[str, ...]
) -> None:
    db = sqlite_home / "govloop.db"
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    if damage == "truncate":
        with db.open("r+b") as fh:
            fh.truncate(4096)
    elif damage == "garbage":
        db.write_bytes(bytes(range(256)) * 64)
    else:
        db.write_bytes(b"SQLite format 3\x00")
    line = one_error_line(run(cli, *args), "govloop.db")
    assert "[SQL:" not in line and "sqlalche.me" not in line


@pytest.mark.parametrize(
    ("table", "args"),
    [("ledger_checkpoints", ("ledger", "verify")), ("registry_filings", ("model", "list"))],
)
def test_missing_table_is_one_clear_line(
    cli: CliRunner, sqlite_home: Path, table: str, args: tuple[str, ...]
) -> None:
    with sqlite3.connect(sqlite_home / "govloop.db") as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(f"DROP TABLE {table}")
    line = one_error_line(run(cli, *args), "database error", table)
    assert "[SQL:" not in line and "sqlalche.me" not in line


# -- key store ---------------------------------------------------------------------------------
@pytest.fixture
def key_dir(cli: CliRunner, settings: object, home: Path) -> Path:
    del settings
    assert run(cli, "keys", "rotate", "ledger").exit_code == 0
    return home / "keys" / "ledger"


@pytest.mark.parametrize(
    ("damage", "names"),
    [
        ("active-binary", ("ACTIVE",)),
        ("active-traversal", ("ACTIVE", "not a key id")),
        ("active-empty", ("ACTIVE",)),
        ("pem-garbage", (".pem", "not a readable private key")),
        ("pem-folder", (".pem", "cannot read")),
    ],
)
def test_damaged_key_store_is_one_clear_line(
    cli: CliRunner, key_dir: Path, damage: str, names: tuple[str, ...]
) -> None:
    active = key_dir / "ACTIVE"
    pem = next(key_dir.glob("*.pem"))
    if damage == "active-binary":
        active.write_bytes(b"\xff\xfe\x00")
    elif damage == "active-traversal":
        active.write_text("../../../etc/x", encoding="ascii")
    elif damage == "active-empty":
        active.write_bytes(b"")
    elif damage == "pem-garbage":
        pem.write_bytes(pem.read_bytes()[:40])
    else:
        pem.unlink()
        pem.mkdir()
    one_error_line(run(cli, "ledger", "checkpoint"), *names)


def test_unwritable_key_store_is_a_clear_error(cli: CliRunner, key_dir: Path) -> None:
    """A lock file that cannot be opened (here: a folder in its place) is not a crash."""
    lock = key_dir.parent / ".lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()
    before = sorted(p.name for p in key_dir.iterdir())
    one_error_line(run(cli, "keys", "rotate", "ledger"), "keys")
    assert sorted(p.name for p in key_dir.iterdir()) == before


def test_secret_that_is_a_folder_is_a_clear_error(
    cli: CliRunner, home: Path, tmp_path: Path
) -> None:
    from govloop.errors import KeyStoreError
    from govloop.keys import KeyStore

    store = KeyStore.open(home / "keys")
    (home / "keys" / "secrets" / "requester.bin").mkdir(parents=True)
    with pytest.raises(KeyStoreError, match="requester.bin"):
        store.secret("requester")


# -- real processes ----------------------------------------------------------------------------
def _govloop(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from govloop.cli.main import run; run()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"GOVLOOP_HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        check=False,
    )


def test_real_process_bad_file_then_intact_ledger(tmp_path: Path) -> None:
    """End to end in a fresh process: one stderr line, exit 1, and the ledger still verifies."""
    home = tmp_path / "home"
    content = tmp_path / "内容.txt"
    content.write_text("生成的内容\n", encoding="utf-8")
    assert _govloop(home, "ledger", "append", str(content)).returncode == 0
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    bad = _govloop(home, "model", "register", str(deep))
    assert bad.returncode == 1, bad.stderr
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("error: "), bad.stderr
    assert "deep.json" in bad.stderr
    ok = _govloop(home, "ledger", "verify")
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 1 entries"), ok.stdout + ok.stderr


# -- tampered ledger tables --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sql", "args", "message"),
    [
        ("UPDATE ledger_nodes SET hash = X'00'", ("ledger", "proof", "0"), "node cache"),
        ("UPDATE ledger_nodes SET hash = X'00'", ("trace", "{old}"), "node cache"),
        ("UPDATE ledger_state SET size = -3", ("ledger", "checkpoint"), "ledger_state size"),
        ("UPDATE ledger_state SET size = -3", ("ledger", "append", "{content}"), "ledger_state"),
        ("DELETE FROM ledger_state", ("ledger", "checkpoint"), "ledger_state row is missing"),
    ],
)
def test_tampered_ledger_tables_give_clear_errors_and_sign_nothing(
    cli: CliRunner, sqlite_home: Path, tmp_path: Path, sql: str, args: tuple[str, ...], message: str
) -> None:
    content = tmp_path / "new.txt"
    content.write_text("新内容\n", encoding="utf-8")
    db = sqlite_home / "govloop.db"
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT count(*) FROM ledger_checkpoints").fetchone()
        conn.execute(sql)
    argv = [a.format(content=content, old=tmp_path / "c.txt") for a in args]
    one_error_line(run(cli, *argv), message)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM ledger_checkpoints").fetchone() == before
    verify = run(cli, "ledger", "verify")
    assert verify.exit_code == 1, verify.output
