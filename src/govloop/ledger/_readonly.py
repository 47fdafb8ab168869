"""Opening a ledger database read-only, for verifiers and monitors.

``Store.open`` migrates, which creates tables: run against a missing or emptied database, a
verifier would make a fresh empty ledger and report "OK: 0 entries". Here nothing is created:
a missing file, an empty file, a database without the ledger tables or without its state row is
a :class:`StoreError` naming the path (or the URL, password hidden). SQLite is opened with
``mode=ro``; PostgreSQL sessions are ``default_transaction_read_only``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from govloop.errors import ConfigError, StoreError, missing_extra
from govloop.ledger._tables import CHECKPOINTS, ENTRIES, NODES, STATE
from govloop.store import Store, db_error_reason

LEDGER_TABLES = (ENTRIES.name, NODES.name, STATE.name, CHECKPOINTS.name)
"""Tables a ledger database must have."""


def _where(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return parsed.render_as_string(hide_password=True)


def _engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"database_url {url!r} is not a SQLAlchemy URL") from exc
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database or ""
        if db in ("", ":memory:"):
            raise StoreError(f"no ledger database: {url!r} names no file")
        path = Path(db).expanduser()
        if not path.is_file():
            raise StoreError(f"no ledger database at {path}: the file does not exist")
        if path.stat().st_size == 0:
            raise StoreError(f"the ledger database {path} is empty (0 bytes): no ledger in it")
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=30)

        return sa.create_engine("sqlite://", creator=connect)
    try:
        return sa.create_engine(
            parsed,
            pool_pre_ping=True,
            connect_args={"options": "-c default_transaction_read_only=on"},
        )
    except ModuleNotFoundError as exc:
        raise missing_extra(exc.name or "psycopg", "postgres") from exc


def open_readonly(url: str) -> Store:
    """A store on ``url`` that cannot write, checked to hold a ledger (tables and state row)."""
    where = _where(url)
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            have = set(sa.inspect(conn).get_table_names())
            missing = [t for t in LEDGER_TABLES if t not in have]
            if missing:
                what = "no tables at all" if not have else f"no table {missing[0]}"
                raise StoreError(
                    f"ledger database error: {where} has {what}: not a govloop ledger "
                    "(verify never creates tables)"
                )
            if conn.execute(sa.select(STATE.c.size).where(STATE.c.id == 1)).first() is None:
                raise StoreError(f"ledger database error: {where} has no ledger_state row")
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(
            f"cannot read the ledger database {where}: {db_error_reason(exc)}"
        ) from exc
    except StoreError:
        engine.dispose()
        raise
    return Store(engine)
