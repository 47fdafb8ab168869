"""The database driver's own cursor, for the few statements on a request's hot path.

At one request in flight the gateway's ledger append runs about ten small statements; through
``Connection.exec_driver_sql`` each cost ~17 us on SQLite, of which the driver's own work was
~6 us: SQLAlchemy's execution context, result set-up and events were the rest. The driver
cursor runs the same SQL on the same pooled connection and transaction, so ``conn.begin()``,
commit and rollback behave as before; its errors are raised as SQLAlchemy's own exception
classes (``IntegrityError``, ``OperationalError``, ...), so callers keep one way of handling
them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError


@contextmanager
def driver_cursor(conn: Connection) -> Iterator[Any]:
    """A DB-API cursor on ``conn``'s connection, closed after the block.

    SQL run on it uses the driver's parameter style (SQLite ``?``, psycopg ``%s``) and is not
    compiled, logged or evented by SQLAlchemy. A driver error inside the block is re-raised as
    the matching :class:`sqlalchemy.exc.DBAPIError` subclass, the driver's error as ``orig``.
    """
    dbapi = conn.dialect.loaded_dbapi
    cur = conn.connection.cursor()
    try:
        yield cur
    except dbapi.Error as exc:
        raise DBAPIError.instance(None, None, exc, dbapi.Error, dialect=conn.dialect) from exc
    finally:
        cur.close()
