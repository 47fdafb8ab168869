"""The project database: SQLAlchemy 2 engine, sessions and per-package Alembic migrations."""

from govloop.store._base import Base
from govloop.store._driver import driver_cursor
from govloop.store._store import (
    Store,
    WouldBlock,
    alembic_config,
    db_error_reason,
    make_engine,
    sqlite_nowait,
)

__all__ = [
    "Base",
    "Store",
    "WouldBlock",
    "alembic_config",
    "db_error_reason",
    "driver_cursor",
    "make_engine",
    "sqlite_nowait",
]
