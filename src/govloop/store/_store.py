"""Opening the database: engine, sessions and migrations.

Each package that owns tables keeps an Alembic branch of its own in
``govloop/<package>/migrations`` (``branch_labels=("<package>",)``, its own base revision), so
packages evolve their schema independently and ``upgrade heads`` brings all of them up to date.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from govloop.errors import ConfigError, StoreError, missing_extra

#: Packages that own an Alembic branch, in no particular order.
MIGRATION_PACKAGES = (
    "registry",
    "ledger",
    "assess",
    "label",
    "gateway",
    "accounts",
    "feedback",
    "witness",
)

_upgrade_lock = threading.Lock()

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite connection waits for another writer's lock before failing."""
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


def _version_locations() -> list[str]:
    root = Path(str(resources.files("govloop")))
    return [
        str(root / p / "migrations")
        for p in MIGRATION_PACKAGES
        if (root / p / "migrations").is_dir()
    ]


def alembic_config(url: str) -> Config:
    """An Alembic config for ``url`` covering every package's migration branch."""
    cfg = Config()
    cfg.set_main_option(
        "script_location", str(Path(str(resources.files("govloop"))) / "store" / "alembic")
    )
    cfg.set_main_option("version_locations", " ".join(_version_locations()))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.close()


def _private_sqlite_file(path: Path) -> None:
    """Create the database's folder 0700 and the file 0600 before SQLite does (#14).

    The database holds API-key hashes, requester names and delivery logs; SQLite gives its
    ``-wal`` and ``-shm`` files the mode of the main file, so they are private too. Existing
    folders and files keep the mode their owner chose.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


@contextmanager
def _first_run_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations between processes: a file lock beside a SQLite file (#14).

    Without it, processes opening a fresh home at once all ran the first migration and all but
    one failed with ``table ... already exists``. PostgreSQL takes a transaction advisory lock
    in :meth:`Store.migrate` instead.
    """
    db = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not db or db == ":memory:":
        yield
        return
    import fcntl

    lock = Path(db).expanduser().with_name(Path(db).name + ".migrate-lock")
    fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


#: Key of the PostgreSQL advisory lock that serialises migrations ("govloop" in ASCII).
_PG_MIGRATE_LOCK = 0x676F766C6F6F70


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite files get WAL mode and a busy timeout."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"database_url {url!r} is not a SQLAlchemy URL") from exc
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:":
            try:
                _private_sqlite_file(Path(db).expanduser())
            except OSError as exc:
                raise StoreError(f"cannot open database {url!r}: {exc.strerror}") from exc
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    elif parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except ModuleNotFoundError as exc:
        raise missing_extra(exc.name or "psycopg", "postgres") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class WouldBlock(StoreError):
    """A no-wait write found the database locked by another writer (nothing was written)."""


@contextmanager
def sqlite_nowait(conn: Connection) -> Iterator[None]:
    """Within the block, a SQLite lock held elsewhere raises :class:`WouldBlock` at once.

    An event loop may then write on its own thread when the database is free (no thread
    hand-off), and hand the write to a thread that waits only when it is not.
    """
    raw = conn.connection.dbapi_connection  # the sqlite3 connection: a PRAGMA needs no more
    assert raw is not None
    raw.execute("PRAGMA busy_timeout=0")
    try:
        yield
    except OperationalError as exc:
        code = getattr(exc.orig, "sqlite_errorcode", None)
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in str(exc.orig):
            raise WouldBlock("the database is locked by another writer") from exc
        raise
    finally:
        raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def db_error_reason(exc: BaseException) -> str:
    """One line saying why a database call failed (the driver's message, without the SQL)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Store:
    """The project database: an engine, a session factory and an up-to-date schema."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        """Connect to ``url`` and bring the schema up to date (``alembic upgrade heads``)."""
        engine = make_engine(url)
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    def migrate(self) -> None:
        """Apply every pending migration of every package branch."""
        cfg = alembic_config(self.engine.url.render_as_string(hide_password=False))
        try:
            with _upgrade_lock, _first_run_lock(self.engine), self.engine.begin() as conn:
                if self.engine.url.get_backend_name() == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATE_LOCK})")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "heads")
        except OperationalError as exc:
            raise StoreError(f"cannot open database {self.engine.url!r}: {exc.orig}") from exc
        except SQLAlchemyError as exc:
            raise StoreError(
                f"migrating {self.engine.url!r} failed: {db_error_reason(exc)}"
            ) from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise StoreError(f"database error: {db_error_reason(exc)}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()
