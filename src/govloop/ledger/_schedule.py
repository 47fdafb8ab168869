"""Checkpoints on a schedule: a function a server calls periodically, and a loop around it."""

from __future__ import annotations

import asyncio
import threading

from govloop.ledger._ledger import Ledger
from govloop.ledger._proofs import SignedCheckpoint


def checkpoint_if_due(
    ledger: Ledger, *, min_interval_s: float | None = None
) -> SignedCheckpoint | None:
    """Issue a checkpoint when the tree grew and the last one is older than the interval.

    The interval defaults to ``settings.checkpoint_interval_s``. Returns the new checkpoint, or
    None when none was due (or, on PostgreSQL, another process is signing one right now: see
    :meth:`Ledger.checkpoint_if_due`).
    """
    interval = ledger.settings.checkpoint_interval_s if min_interval_s is None else min_interval_s
    return ledger.checkpoint_if_due(interval)


async def checkpoint_loop(
    ledger: Ledger, *, interval_s: float | None = None, stop: asyncio.Event | None = None
) -> None:
    """Issue due checkpoints every ``interval_s`` seconds until ``stop`` is set (for ASGI apps)."""
    interval = ledger.settings.checkpoint_interval_s if interval_s is None else interval_s
    stop = stop or asyncio.Event()
    while not stop.is_set():
        await asyncio.to_thread(checkpoint_if_due, ledger, min_interval_s=interval)
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            continue


class CheckpointTimer:
    """A daemon thread that issues due checkpoints every ``interval_s`` (for sync servers)."""

    def __init__(self, ledger: Ledger, *, interval_s: float | None = None) -> None:
        self.ledger = ledger
        self.interval = ledger.settings.checkpoint_interval_s if interval_s is None else interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ledger-checkpoints", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            checkpoint_if_due(self.ledger, min_interval_s=self.interval)
            self._stop.wait(self.interval)

    def start(self) -> CheckpointTimer:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        self._thread.join()
