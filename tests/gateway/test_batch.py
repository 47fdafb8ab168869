"""Group commit: loop-first writes with a thread fallback, batching, errors to every waiter."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.gateway._batch import GroupCommit
from govloop.keys import KeyStore
from govloop.ledger import Ledger, LedgerEntry, text_fingerprint
from govloop.store import Store, WouldBlock


class Writer:
    def __init__(self, *, busy: bool = False, fail: bool = False) -> None:
        self.busy, self.fail = busy, fail
        self.inline: list[list[int]] = []
        self.threaded: list[list[int]] = []
        self.threads: set[int] = set()

    def try_write(self, items: list[int]) -> list[int]:
        if self.busy:
            raise WouldBlock("locked elsewhere")
        if self.fail:
            raise RuntimeError("disk full")
        self.inline.append(items)
        return [i * 10 for i in items]

    def write(self, items: list[int]) -> list[int]:
        self.threads.add(threading.get_ident())
        self.threaded.append(items)
        return [i * 10 for i in items]


async def test_writes_run_on_the_loop_when_the_database_is_free() -> None:
    w = Writer()
    gc: GroupCommit[int, int] = GroupCommit(w.write, try_write=w.try_write)
    assert await asyncio.gather(*(gc.submit(i) for i in range(20))) == [i * 10 for i in range(20)]
    assert w.threaded == [] and sum(len(b) for b in w.inline) == 20
    assert len(w.inline) < 20  # concurrent submits shared transactions
    await gc.aclose()


async def test_a_locked_database_sends_the_batch_to_a_thread() -> None:
    w = Writer(busy=True)
    gc: GroupCommit[int, int] = GroupCommit(w.write, try_write=w.try_write)
    assert await asyncio.gather(*(gc.submit(i) for i in range(5))) == [0, 10, 20, 30, 40]
    assert w.inline == [] and sum(len(b) for b in w.threaded) == 5
    assert threading.get_ident() not in w.threads
    await gc.aclose()


async def test_an_error_reaches_every_waiter_of_the_batch_and_the_next_batch_works() -> None:
    w = Writer(fail=True)
    gc: GroupCommit[int, int] = GroupCommit(w.write, try_write=w.try_write)
    results = await asyncio.gather(*(gc.submit(i) for i in range(4)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    w.fail = False
    assert await gc.submit(7) == 70
    await gc.aclose()


async def test_gather_waits_only_under_load() -> None:
    w = Writer()
    gc: GroupCommit[int, int] = GroupCommit(w.write, try_write=w.try_write, gather=30.0)
    # a lone write is never held back, however long the gather window
    assert await asyncio.wait_for(gc.submit(1), timeout=5) == 10
    await gc.aclose()


def _entry(i: int) -> LedgerEntry:
    text = f"answer {i} of the gateway"
    return LedgerEntry(
        produce_id=f"G{i:08d}",
        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
        media_type="text",
        model="demo",
        provider_code=DEMO_PROVIDER_CODE,
        fingerprint=text_fingerprint(text),
    )


def test_nowait_append_refuses_a_locked_sqlite_ledger_and_writes_nothing(
    store: Store, keys: KeyStore, settings: Settings
) -> None:
    # SQLite only (not marked db): the lock is SQLite's; PostgreSQL appends go to a thread
    assert settings.db_url.startswith("sqlite:///")
    ledger = Ledger.open(store, keys, settings)
    entry = _entry
    ledger.append(entry(0))
    other = sqlite3.connect(Path(settings.db_url.removeprefix("sqlite:///")), timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another worker holds the write lock
    try:
        with pytest.raises(WouldBlock):
            ledger.append_many([entry(1)], nowait=True)
        assert ledger.size() == 1
        done = threading.Event()

        def blocking_append() -> None:
            ledger.append_many([entry(1)])  # waits for the lock, as the thread fallback does
            done.set()

        t = threading.Thread(target=blocking_append)
        t.start()
        assert not done.wait(0.3)  # still waiting for the other writer
    finally:
        other.rollback()
        other.close()
    t.join(10)
    assert done.is_set() and ledger.size() == 2 and ledger.verify().ok
