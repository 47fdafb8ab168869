"""Ledger completeness under load: 16 concurrent streams, the upstream failing 5% of requests.

Every answered request (final chunk received) has its ledger entry with the exact delivered
text; every failed one got a clear error. The 60 s / 64-stream soak is in benchmarks/gateway.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import time

import openai
import pytest

from govloop.config import Settings
from govloop.gateway import (
    ApiKeys,
    GatewayConfig,
    ServedModel,
    UpstreamPolicy,
    create_app,
    mock_upstream_app,
    serve_in_thread,
)
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.store import Store

from .conftest import approved_filing

pytestmark = [pytest.mark.db, pytest.mark.slow]

DURATION_S = 6.0
CONCURRENCY = 16


async def _worker(
    client: openai.AsyncOpenAI, deadline: float, ok: dict[str, str], failed: list[str]
) -> None:
    while time.monotonic() < deadline:
        text, pid = "", None
        try:
            stream = await client.chat.completions.create(
                model="up", messages=[{"role": "user", "content": "hello"}], stream=True
            )
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    text += chunk.choices[0].delta.content
                if chunk.model_extra and "produce_id" in chunk.model_extra:
                    pid = chunk.model_extra["produce_id"]
        except openai.APIError as exc:
            assert exc.message and ("upstream" in exc.message or "ledger" in exc.message), (
                exc.message
            )
            failed.append(exc.message)
            continue
        assert pid is not None
        ok[pid] = text


def test_no_lost_ledger_entries_with_upstream_faults(
    settings: Settings, store: Store, keys: KeyStore
) -> None:
    filing = approved_filing(store, "upstream-model")
    _, token = ApiKeys(store).create("loadtest", rate=10_000)
    with serve_in_thread(mock_upstream_app(fail_rate=0.05, seed=1)) as upstream:
        cfg = GatewayConfig(
            models=(ServedModel(name="up", filing=filing, backend=f"openai:{upstream}/v1#mock"),),
            upstream=UpstreamPolicy(retries=0),
            default_rate=10_000,
        )
        with serve_in_thread(create_app(settings, config=cfg, checkpoints=False)) as url:
            ok: dict[str, str] = {}
            failed: list[str] = []

            async def run() -> None:
                async with openai.AsyncOpenAI(
                    base_url=f"{url}/v1", api_key=token, max_retries=0, timeout=30
                ) as client:
                    deadline = time.monotonic() + DURATION_S
                    await asyncio.gather(
                        *(_worker(client, deadline, ok, failed) for _ in range(CONCURRENCY))
                    )

            asyncio.run(run())
    ledger = Ledger.open(store, keys, settings)
    assert len(ok) > 50 and failed, (len(ok), len(failed))
    for pid, text in ok.items():
        record = ledger.find_by_produce_id(pid)
        assert record is not None, f"answered request {pid} has no ledger entry"
        assert record.entry.content_sha256 == hashlib.sha256(text.encode()).hexdigest()
    report = ledger.verify()
    assert report.ok, report.problems
    assert report.tree_size >= len(ok)  # broken-off streams are recorded too (what was sent)
