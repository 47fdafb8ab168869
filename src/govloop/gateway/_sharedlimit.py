"""Per-key token buckets in the database, shared by every worker and every gateway process.

Chosen with ``rate_limits: database`` in the gateway config (the default, ``worker``, keeps
buckets in each worker and splits a key's rate between the workers of one process; several
gateway processes on one database then each allow the full rate). Here one row per key and
bucket kind (``gateway_rate_buckets``) is locked, refilled and written back in one short
transaction per request, so a key gets its rate once however many gateways serve it.

Time is the database's clock on PostgreSQL (``clock_timestamp()``), so hosts whose clocks
differ still agree on refills; SQLite (one host) uses this host's clock. The
``x-ratelimit-*`` headers report the state this process last saw, which is at most one request
old. Every call blocks on the database: the governor runs them in a thread.
"""

from __future__ import annotations

import time
from typing import Literal

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from govloop.errors import StoreError
from govloop.gateway._ratelimit import Kind, SharedBuckets, TokenBucket
from govloop.store import Store, db_error_reason


class SharedRateLimiter(SharedBuckets):
    """The :class:`~govloop.gateway._ratelimit.RateLimiter` interface over database rows."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._sqlite = store.engine.dialect.name == "sqlite"
        self._mark = "?" if store.engine.dialect.paramstyle == "qmark" else "%s"

    def _update(
        self, key: str, kind: Kind, rate: float, burst: float, action: Literal["take", "wait"]
    ) -> float:
        """Lock ``key``'s bucket, refill it at ``rate`` (capacity ``burst``), act, write back."""
        m = self._mark
        try:
            with self.store.engine.connect() as conn, conn.begin():
                now = self._lock(conn)
                conn.exec_driver_sql(
                    "INSERT INTO gateway_rate_buckets (key_id, kind, tokens, stamp) "
                    f"VALUES ({m}, {m}, {m}, {m}) ON CONFLICT DO NOTHING",
                    (key, kind, burst, now),
                )
                lock = "" if self._sqlite else " FOR UPDATE"
                tokens, stamp = conn.exec_driver_sql(
                    "SELECT tokens, stamp FROM gateway_rate_buckets "
                    f"WHERE key_id = {m} AND kind = {m}{lock}",
                    (key, kind),
                ).one()
                bucket = TokenBucket(rate=rate, burst=burst, tokens=0.0, stamp=float(stamp))
                bucket.tokens = min(float(tokens), burst)  # a lowered rate caps what was saved
                wait = bucket.take(now) if action == "take" else bucket.wait(now)
                conn.exec_driver_sql(
                    f"UPDATE gateway_rate_buckets SET tokens = {m}, stamp = {m} "
                    f"WHERE key_id = {m} AND kind = {m}",
                    (bucket.tokens, bucket.stamp, key, kind),
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"shared rate limit unavailable: {db_error_reason(exc)}") from exc
        self._remember(key, kind, rate, burst, bucket.tokens)
        return wait

    def _lock(self, conn: Connection) -> float:
        """Start the write (SQLite takes its write lock now); the clock to refill by."""
        if self._sqlite:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return time.time()
        now = conn.exec_driver_sql("SELECT extract(epoch FROM clock_timestamp())").scalar_one()
        return float(now)

    def spend_tokens(self, key: str, amount: int) -> None:
        """Charge an answer's usage to ``key``'s shared token bucket (may overdraw it)."""
        if amount <= 0:
            return
        m = self._mark
        try:
            with self.store.engine.connect() as conn, conn.begin():
                conn.exec_driver_sql(
                    f"UPDATE gateway_rate_buckets SET tokens = tokens - {m} "
                    f"WHERE key_id = {m} AND kind = 'tokens'",
                    (float(amount), key),
                )
        except SQLAlchemyError as exc:
            raise StoreError(f"shared rate limit unavailable: {db_error_reason(exc)}") from exc
        self._spent(key, float(amount))
