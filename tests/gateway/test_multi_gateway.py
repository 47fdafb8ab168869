"""Several gateway processes on one database (issue 16, "Several gateways").

Two ``govloop gateway serve`` processes share the test's database (its own PostgreSQL database
when GOVLOOP_TEST_DATABASE_URL is set, else a SQLite file) and the home's keys. 64 concurrent
streamed chats go to both; the filing is suspended in the middle. Afterwards every delivered
output is in the ledger with the bytes the client received, the indexes are dense and unique,
checkpoints signed by both processes verify, and nothing started a second after the
suspension was served by either process.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import openai
import pytest
import sqlalchemy as sa

from govloop.config import Settings
from govloop.gateway import ApiKeys, free_port
from govloop.gateway._cache import TTLCache
from govloop.gateway._sharedlimit import SharedRateLimiter
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.registry import Registry
from govloop.store import Store

from .conftest import approved_filing

pytestmark = pytest.mark.db

STREAMS = 64
SUSPENSION_BOUND_S = 1.0
"""What the issue promises: a suspension stops serving everywhere within one second."""


@contextmanager
def gateway_process(home: Path, db_url: str, name: str) -> Iterator[str]:
    """``govloop gateway serve`` in its own process group; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "GOVLOOP_HOME": str(home),
        "GOVLOOP_DATABASE_URL": db_url,
        "GOVLOOP_CHECKPOINT_INTERVAL_S": "0.3",  # both processes race to sign checkpoints
    }
    log_path = home / f"{name}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "govloop"), "gateway", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert proc.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, f"gateway {name} did not start"
                time.sleep(0.2)
            yield url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)


@dataclass
class Outcome:
    """What one streamed request came to, as the client saw it."""

    server: int
    started: float
    produce_id: str | None = None
    text: str = ""
    refused: str | None = None


async def one_stream(
    url: str, token: str, server: int, delay: float, t0: float, done: list[Outcome] | None = None
) -> Outcome:
    await asyncio.sleep(delay)
    out = Outcome(server, time.monotonic() - t0)
    client = openai.AsyncOpenAI(base_url=f"{url}/v1", api_key=token, max_retries=0, timeout=120)
    try:
        stream = await client.chat.completions.create(
            model="demo",
            messages=[{"role": "user", "content": f"Tell me about the sea, number {delay:.3f}."}],
            max_tokens=24,
            stream=True,
        )
        parts = []
        async for chunk in stream:
            if chunk.choices:
                parts.append(chunk.choices[0].delta.content or "")
            pid = (chunk.model_extra or {}).get("produce_id")
            if pid:
                out.produce_id = pid
        out.text = "".join(parts)
    except openai.PermissionDeniedError as exc:
        out.refused = str(exc)
    finally:
        await client.close()
    if done is not None and out.produce_id:
        done.append(out)
    return out


async def run_streams(
    urls: list[str], token: str, registry: Registry, filing: str
) -> tuple[list[Outcome], float]:
    """64 streams spread over ~3 s across both servers, suspended once both have delivered.

    The suspension waits for 4 delivered streams from each server (not for a fixed time), so
    on a loaded machine it still falls in the middle of the run.
    """
    t0 = time.monotonic()
    warm = await asyncio.gather(*(one_stream(u, token, s, 0.0, t0) for s, u in enumerate(urls)))
    t0 = time.monotonic()
    done: list[Outcome] = []
    tasks = [
        asyncio.create_task(one_stream(urls[i % 2], token, i % 2, i * 3.0 / STREAMS, t0, done))
        for i in range(STREAMS)
    ]
    while min(sum(o.server == s for o in done) for s in (0, 1)) < 4:
        assert time.monotonic() - t0 < 120, "the gateways delivered too few streams"
        await asyncio.sleep(0.02)
    await asyncio.to_thread(
        registry.transition, filing, "suspended", actor="test", reason="incident mid-run"
    )
    suspended_at = time.monotonic() - t0  # the transition has committed
    outcomes = await asyncio.gather(*tasks)
    # Also ask both servers again, once the bound has passed whatever the run took.
    await asyncio.sleep(max(0.0, suspended_at + SUSPENSION_BOUND_S - (time.monotonic() - t0)))
    late = await asyncio.gather(
        *(one_stream(u, token, s, 0.0, t0) for s, u in enumerate(urls) for _ in range(4))
    )
    return [*warm, *outcomes, *late], suspended_at


def shared_limit_answers(urls: list[str], token: str) -> list[int]:
    """Status codes of 6 quick requests alternating between the gateways."""
    codes = []
    for i in range(6):
        r = httpx.post(
            f"{urls[i % 2]}/v1/completions",
            headers={"Authorization": f"Bearer {token}"},
            json={"model": "demo", "prompt": "hi", "max_tokens": 1},
            timeout=60,
        )
        codes.append(r.status_code)
    return codes


async def test_servable_cache_never_joins_a_read_older_than_its_ttl() -> None:
    """The suspension bound holds when a registry read is slow: a stale read is not joined."""
    release = threading.Event()
    first = "servable (read before the suspension)"
    answers = itertools.chain([first], itertools.repeat("suspended"))

    def load(key: str) -> str:
        value = next(answers)
        if value.startswith("servable"):
            release.wait(10)  # the slow read
        return value

    cache: TTLCache[str, str] = TTLCache(load, ttl=0.05)
    slow = asyncio.ensure_future(cache.get("F-1"))
    await asyncio.sleep(0.15)  # longer than the ttl: the slow read is too old to trust
    assert await cache.get("F-1") == "suspended"
    release.set()
    assert (await slow).startswith("servable")
    assert await cache.get("F-1") == "suspended"  # the older read did not overwrite the newer


def test_shared_buckets_hold_across_limiters(store: Store) -> None:
    """Two limiters on one database (two gateways) draw from one bucket per key."""
    a, b = SharedRateLimiter(store), SharedRateLimiter(store)
    assert a.take("key_1", 0.5) == 0.0  # burst 1: the one request
    wait = b.take("key_1", 0.5)
    assert 0 < wait <= 2.0, wait  # the other limiter finds the bucket empty
    assert b.take("key_2", 0.5) == 0.0  # another key has its own bucket
    assert a.headers("key_1")["x-ratelimit-limit-requests"] == "1"
    assert a.token_wait("key_1", 100) == 0.0
    b.spend_tokens("key_1", 150)  # overdraws the shared token bucket
    assert a.token_wait("key_1", 100) > 25  # 50 tokens of debt refill at 100/min


def test_two_gateways_share_one_ledger_and_a_suspension(
    home: Path, db_url: str, store: Store, settings: Settings, keys: KeyStore
) -> None:
    filing = approved_filing(store, "demo")
    _, token = ApiKeys(store).create("alice", rate=10_000)
    _, slow_token = ApiKeys(store).create("bob", rate=0.2)  # one request per 5 s, in all
    (home / "gateway.yaml").write_text(
        f"models:\n  - {{name: demo, filing: {filing}, backend: demo}}\n"
        "default_rate: 10000\nrate_limits: database\n",
        encoding="utf-8",
    )
    ledger = Ledger.open(store, keys, settings)
    ledger.signing_key()  # made up front, as an operator provisions keys before a deployment
    with ExitStack() as stack:
        urls = [stack.enter_context(gateway_process(home, db_url, f"gw{i}")) for i in range(2)]
        outcomes, suspended_at = asyncio.run(run_streams(urls, token, Registry(store), filing))
        limited = shared_limit_answers(urls, slow_token)
        time.sleep(0.7)  # let both processes sign a checkpoint of the final tree

    delivered = [o for o in outcomes if o.produce_id]
    refused = [o for o in outcomes if o.refused]
    assert len(delivered) + len(refused) == len(outcomes), "every request is served or refused"
    assert {o.server for o in delivered} == {0, 1}, "both gateways served before the suspension"
    assert {o.server for o in refused} == {0, 1}, "both gateways refused after it"
    assert all("suspended" in (o.refused or "") for o in refused)
    late = [o for o in outcomes if o.started > suspended_at + SUSPENSION_BOUND_S]
    assert len(late) >= 8 and all(o.refused for o in late), "served after the bound"

    # One log: dense, unique indexes; every delivered output in it with the bytes delivered.
    with store.engine.connect() as conn:
        idx = [r[0] for r in conn.execute(sa.text("SELECT idx FROM ledger_entries ORDER BY idx"))]
    assert idx == list(range(ledger.size())) and len(idx) == len(delivered)
    for o in delivered:
        assert o.produce_id is not None
        rec = ledger.find_by_produce_id(o.produce_id)
        assert rec is not None, f"delivered {o.produce_id} is not in the ledger"
        assert rec.entry.content_sha256 == hashlib.sha256(o.text.encode()).hexdigest()
    report = ledger.verify()
    assert report.ok, report.problems
    assert report.rows == len(delivered)
    # bob's one request per 5 s holds across both gateways: 1 got past the limit (and met
    # the suspension), the other 5, on either gateway, were refused by the shared bucket.
    assert sorted(limited) == [403, 429, 429, 429, 429, 429], limited

    cps = ledger.checkpoints()
    assert cps and cps[-1].tree_size == len(delivered), "a checkpoint covers the final tree"
