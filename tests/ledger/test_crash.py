"""Crash safety (kill -9 in the middle of batched appends) and writers in separate processes."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from govloop.config import Settings
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.store import Store

CHILD = textwrap.dedent(
    """
    import hashlib, sys
    from govloop.config import DEMO_PROVIDER_CODE, Settings
    from govloop.keys import KeyStore
    from govloop.ledger import Ledger, LedgerEntry
    from govloop.store import Store

    home, url, tag, batches = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    s = Settings(home=home, database_url=url)
    led = Ledger.open(Store.open(url, migrate=False), KeyStore.open(s.keys_dir), s)
    n = 0
    for b in range(batches):
        es = []
        for i in range(40):
            n += 1
            es.append(LedgerEntry(produce_id=f"{tag}{n:08d}", media_type="text", model="m",
                content_sha256=hashlib.sha256(f"{tag}{n}".encode()).hexdigest(),
                provider_code=DEMO_PROVIDER_CODE))
        res = led.append_many(es)
        print("ACK", res[-1].produce_id, res[-1].index, flush=True)
        if b % 3 == 2:
            led.checkpoint()
    """
)


def _spawn(settings: Settings, tag: str, batches: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(settings.home), settings.db_url, tag, str(batches)],
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.db
@pytest.mark.slow
def test_kill_9_during_batched_appends_loses_nothing_acknowledged(
    store: Store, keys: KeyStore, settings: Settings
) -> None:
    ledger = Ledger.open(store, keys, settings)
    ledger.signing_key()
    child = _spawn(settings, "K", 100000)
    acked: list[str] = []
    assert child.stdout is not None
    for line in child.stdout:
        acked.append(line.split()[1])
        if len(acked) >= 12:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait()
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    report = ledger.verify()
    assert report.ok, report.problems
    assert report.tree_size % 40 == 0 and report.tree_size >= 40 * len(acked)
    for pid in acked:
        assert ledger.find_by_produce_id(pid) is not None
    cp = ledger.checkpoint()  # a checkpoint after the crash agrees with the stored leaves
    assert cp.tree_size == report.tree_size and ledger.verify().ok


@pytest.mark.db
@pytest.mark.slow
def test_two_writer_processes_keep_indexes_dense(
    store: Store, keys: KeyStore, settings: Settings
) -> None:
    ledger = Ledger.open(store, keys, settings)
    ledger.signing_key()
    children = [_spawn(settings, tag, 6) for tag in "AB"]
    for c in children:
        c.communicate(timeout=120)
        assert c.returncode == 0
    report = ledger.verify()
    assert report.ok, report.problems
    assert report.tree_size == report.rows == 2 * 6 * 40
