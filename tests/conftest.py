"""Shared fixtures: an isolated data directory, settings, a store and a CLI runner.

The database is SQLite in a temporary directory unless ``GOVLOOP_TEST_DATABASE_URL`` names a
PostgreSQL server; then each test that asks for ``store`` gets a fresh database of its own on it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from govloop.config import Settings
from govloop.keys import KeyStore
from govloop.store import Store

PG_URL = os.environ.get("GOVLOOP_TEST_DATABASE_URL", "")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory; the environment points govloop at it."""
    h = tmp_path / "govloop-home"
    h.mkdir()
    for key in list(os.environ):
        if key.startswith("GOVLOOP_") and key != "GOVLOOP_TEST_DATABASE_URL":
            monkeypatch.delenv(key)
    monkeypatch.setenv("GOVLOOP_HOME", str(h))
    return h


@pytest.fixture
def db_url(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database URL for one test: SQLite in ``home``, or a fresh PostgreSQL database."""
    if not PG_URL:
        url = f"sqlite:///{home / 'govloop.db'}"
        monkeypatch.setenv("GOVLOOP_DATABASE_URL", url)
        yield url
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("GOVLOOP_DATABASE_URL", url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def settings(home: Path, db_url: str) -> Settings:
    """Settings for a test: its own home and database."""
    return Settings(home=home, database_url=db_url)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """An open, migrated store."""
    s = Store.open(settings.db_url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def keys(settings: Settings) -> KeyStore:
    """The test's key store."""
    return KeyStore.open(settings.keys_dir)


@pytest.fixture
def cli(settings: Settings) -> CliRunner:
    """A Typer CLI runner; the environment already points at the test's home and database."""
    del settings
    return CliRunner()


class PgCopies:
    """Copies of a seeded PostgreSQL database, so expensive seeding runs once per module.

    ``keep(url)`` snapshots a test's database as a template (closing its other sessions first,
    which PostgreSQL requires of a template); ``clone(template, url)`` replaces a later test's
    empty database with a copy of it. Templates are dropped at the end of the session.
    """

    def __init__(self) -> None:
        self.templates: list[str] = []

    @staticmethod
    def _admin() -> Any:
        from sqlalchemy import create_engine

        return create_engine(PG_URL, isolation_level="AUTOCOMMIT")

    def keep(self, url: str) -> str:
        """A template copy of the database at ``url``; returns the template's name."""
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        source = make_url(url).database
        name = f"tpl_{uuid.uuid4().hex[:16]}"
        admin = self._admin()
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid()"
                ),
                {"db": source},
            )
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        admin.dispose()
        self.templates.append(name)
        return name

    @staticmethod
    def clone(template: str, url: str) -> None:
        """Make the database at ``url`` a fresh copy of ``template``."""
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        target = make_url(url).database
        admin = PgCopies._admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{target}" TEMPLATE "{template}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_copies() -> Iterator[PgCopies]:
    """Session-wide :class:`PgCopies`; drops its templates afterwards."""
    copies = PgCopies()
    yield copies
    if copies.templates:
        from sqlalchemy import text

        admin = PgCopies._admin()
        with admin.connect() as conn:
            for name in copies.templates:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
