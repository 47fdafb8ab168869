"""A per-worker TTL cache with single flight: one database read per key and expiry.

Without single flight, every request that arrives while an entry is stale reads the database
(64 concurrent requests, 64 identical queries). The expiry is counted from when the read
*started*, so a cached answer is never older than ``ttl`` plus nothing: a state change is seen
within ``ttl`` of being committed, whatever the query took. A caller does not join a read that
started more than ``ttl`` ago (a slow query) but starts a fresh one, so the bound holds for
joined reads too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    """Values of ``load(key)`` (run in a thread), trusted for ``ttl`` seconds."""

    def __init__(self, load: Callable[[K], V], *, ttl: float, max_entries: int = 10000) -> None:
        self._load = load
        self._ttl = ttl
        self._max = max_entries
        self._values: dict[K, tuple[float, V]] = {}
        self._inflight: dict[K, tuple[float, asyncio.Task[V]]] = {}

    async def get(self, key: K) -> V:
        """The cached value, or a fresh one (concurrent callers share one load)."""
        hit = self._values.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        now = time.monotonic()
        found = self._inflight.get(key)
        if found is None or found[0] + self._ttl < now:
            task = asyncio.get_running_loop().create_task(self._fetch(key, now))
            self._inflight[key] = (now, task)
        else:
            task = found[1]
        return await asyncio.shield(task)

    async def _fetch(self, key: K, started: float) -> V:
        try:
            value = await asyncio.to_thread(self._load, key)
        finally:
            current = self._inflight.get(key)
            if current is not None and current[0] == started:
                self._inflight.pop(key, None)
        if len(self._values) >= self._max:
            self._values.clear()
        old = self._values.get(key)
        if old is None or old[0] <= started + self._ttl:  # a slower, older read never wins
            self._values[key] = (started + self._ttl, value)
        return value

    def invalidate(self, key: K) -> None:
        """Forget ``key`` (the next get reads again)."""
        self._values.pop(key, None)
