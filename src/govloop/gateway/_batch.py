"""Group commit: many concurrent requests share one database transaction.

Each request awaits its own item's result; a single consumer task takes whatever is queued,
runs the blocking write (on a thread, or first on the loop: see ``try_write``), and resolves
every waiter with its result or the error.
Under load this turns N transactions into a few, without delaying a lone request. Writes that
nobody waits for (the delivery log, written behind the answer) may ``linger`` a little so that
batches grow even when the load is light.

``gather`` is for writes that are waited for: when at least two are already queued (the
service is under load), the consumer waits that long for more before writing. A commit costs
about ten entries' worth of inserts, so under load a half-millisecond wait buys larger batches
and less CPU per write, while a lone request is never delayed.

With ``try_write``, a batch is first tried on the event loop's own thread: a SQLite write that
gets the lock at once costs less than the thread hand-off (at the gateway's load, the hand-off
and the GIL traffic it causes were a third of a worker's CPU). ``try_write`` raises
:class:`~govloop.store.WouldBlock` instead of waiting, and the batch then goes to a thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

from govloop.store import WouldBlock

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    """Batch calls of ``write(items) -> results`` (one result per item, same order)."""

    def __init__(
        self,
        write: Callable[[list[T]], list[R]],
        *,
        max_batch: int = 256,
        linger: float = 0.0,
        try_write: Callable[[list[T]], list[R]] | None = None,
        gather: float = 0.0,
    ) -> None:
        self._write = write
        self._gather = gather
        self._try_write = try_write
        self._max = max_batch
        self._linger = linger
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._kick: asyncio.Future[None] | None = None  # the idle consumer waits on it
        self._task: asyncio.Task[None] | None = None
        self._busy = False

    def post(self, item: T) -> asyncio.Future[R]:
        """Queue ``item`` without waiting; the returned future resolves once it is written."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run())
        fut: asyncio.Future[R] = loop.create_future()
        self._queue.append((item, fut))
        kick = self._kick
        if kick is not None and not kick.done():
            kick.set_result(None)
        return fut

    async def submit(self, item: T) -> R:
        """Queue ``item`` and wait until it is written; raises what the write raised."""
        return await self.post(item)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._queue:
                self._kick = loop.create_future()
                await self._kick
            if self._linger > 0 and len(self._queue) < self._max:
                await asyncio.sleep(self._linger)  # let a batch gather (writes behind answers)
            else:
                await asyncio.sleep(0)  # let requests already runnable join this batch
                if self._gather > 0 and len(self._queue) >= 2:
                    await asyncio.sleep(self._gather)  # under load: a bigger, cheaper batch
            while self._queue:
                batch, self._queue = self._queue[: self._max], self._queue[self._max :]
                self._busy = True
                try:
                    items = [item for item, _ in batch]
                    results = await self._write_batch(items)
                except Exception as exc:  # handed to every waiter
                    for _, fut in batch:
                        if not fut.done():
                            fut.set_exception(exc)
                    continue
                finally:
                    self._busy = False
                for (_, fut), result in zip(batch, results, strict=True):
                    if not fut.done():
                        fut.set_result(result)

    async def _write_batch(self, items: list[T]) -> list[R]:
        if self._try_write is not None:
            try:
                return self._try_write(items)
            except WouldBlock:
                pass  # another writer holds the lock: wait for it on a thread
        return await asyncio.to_thread(self._write, items)

    async def aclose(self) -> None:
        """Wait for queued items, then stop the consumer."""
        while self._queue or self._busy:
            await asyncio.sleep(0.01)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
