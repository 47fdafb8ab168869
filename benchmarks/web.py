"""Web benchmark: public verify and registry search through the REST API vs the library calls.

Run: ``python benchmarks/web.py`` (defaults: 100,000 filings, 1,000,000 ledger entries) or
smaller with ``--filings`` and ``--entries``. The fill writes filings straight into the registry
tables (one classified document copied under new names; registering each would classify each)
and ledger entries with ``Ledger.append_many``; the fill times are printed. Each measurement
runs the same call both ways, interleaved: the library function the route calls
(:func:`govloop.web.api.filings.search_page`, :func:`govloop.web.api.verify.verify_content`) and the
HTTP request through the whole app in process (httpx ``ASGITransport``: routing, middleware,
authentication, CSRF, limits, JSON), so the ratio is what the web face costs on top.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.ledger import LedgerEntry, record_output
from govloop.store import Store
from govloop.web import Services, create_app
from govloop.web.api.filings import search_page
from govloop.web.api.verify import verify_content

BATCH = 1000


def fill_filings(store: Store, n: int) -> None:
    from govloop.classify import classify
    from govloop.registry import example_filings, load_filing
    from govloop.registry._tables import FilingRow

    doc = load_filing(next(p for p in example_filings() if p.name == "demo-chat.yaml"))
    profile = classify(doc).model_dump(mode="json")
    base = doc.model_dump(mode="json")
    now = dt.datetime.now(dt.UTC)
    table = FilingRow.__table__
    for start in range(0, n, 5000):
        rows = []
        for i in range(start, min(n, start + 5000)):
            name = f"svc-{i:07d}"
            rows.append(
                {
                    "id": f"B{i:025d}",
                    "model_name": name,
                    "provider_code": DEMO_PROVIDER_CODE,
                    "provider_name": f"provider {i % 997}",
                    "state": "approved",
                    "filing_number": f"GL-2026-{i:07d}",
                    "regulator_filing_number": None,
                    "current_version": "1.0",
                    "serving_version": "1.0",
                    "document": {**base, "model_name": name},
                    "risk_profile": profile,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        with store.engine.begin() as conn:
            conn.execute(sa.insert(table), rows)


def make_entries(start: int, n: int, rng: random.Random) -> list[LedgerEntry]:
    return [
        LedgerEntry(
            produce_id=f"B{i:012d}",
            content_sha256=hashlib.sha256(i.to_bytes(8, "big")).hexdigest(),
            media_type="text",
            fingerprint="".join(f"{rng.getrandbits(32):08x}" for _ in range(16)),
            model="demo",
            provider_code=DEMO_PROVIDER_CODE,
            created_at="2026-01-01T12:00:00.000Z",
        )
        for i in range(start, start + n)
    ]


def fill_ledger(services: Services, n: int) -> bytes:
    """``n`` entries; the last is a real labeled text, returned for verify."""
    from govloop.label import label_bytes

    rng = random.Random(7)
    for b in range(0, n - 1, BATCH):
        services.ledger.append_many(make_entries(b, min(BATCH, n - 1 - b), rng))
    text = ("春天的城市里，花开满街，人们在公园里散步，孩子们放着风筝。" * 4).encode("utf-8")
    labeled, outcome = label_bytes(
        text,
        filename="a.txt",
        producer_code=DEMO_PROVIDER_CODE,
        signer=services.keys.active("label"),
    )
    record_output(
        services.ledger,
        labeled,
        media_type="text",
        model="demo",
        provider_code=DEMO_PROVIDER_CODE,
        label=outcome.label,
    )
    services.ledger.checkpoint()
    return labeled


async def compare(name: str, direct: Any, via_http: Any, rounds: int) -> tuple[float, float]:
    d, h = [], []
    await via_http()  # warm up both paths (caches, first-use imports)
    await asyncio.to_thread(direct)
    for _ in range(rounds):
        t0 = time.perf_counter()
        await asyncio.to_thread(direct)
        d.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        await via_http()
        h.append(time.perf_counter() - t0)
    md, mh = statistics.median(d), statistics.median(h)
    print(
        f"{name:<24} library {1 / md:9.1f}/s   HTTP {1 / mh:9.1f}/s   "
        f"ratio HTTP/library throughput = {md / mh:.3f}"
    )
    return md, mh


async def run(args: argparse.Namespace) -> None:
    home = Path(tempfile.mkdtemp(prefix="govloop-webbench-"))
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'bench.db'}")
    store = Store.open(settings.db_url)
    t0 = time.perf_counter()
    fill_filings(store, args.filings)
    print(f"filled {args.filings} filings in {time.perf_counter() - t0:.1f} s")
    app = create_app(settings, store=store)
    services: Services = app.state.services
    t0 = time.perf_counter()
    labeled = fill_ledger(services, args.entries)
    print(f"filled {services.ledger.size()} ledger entries in {time.perf_counter() - t0:.1f} s")
    needle = f"svc-{args.filings // 2:07d}"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as client:

        async def http_search() -> None:
            r = await client.get("/api/v1/filings", params={"q": needle, "limit": 10})
            assert r.status_code == 200 and r.json()["total"] == 1, r.text

        def lib_search() -> None:
            assert search_page(services, limit=10, q=needle)[0] == 1

        async def http_verify() -> None:
            r = await client.post(
                "/api/v1/verify", files={"file": ("a.txt", labeled, "text/plain")}
            )
            assert r.status_code == 200 and r.json()["found"], r.text

        def lib_verify() -> None:
            assert verify_content(services, labeled, "a.txt")["found"]

        print(
            f"{args.filings} filings, {services.ledger.size()} ledger entries, median of "
            f"{args.rounds} rounds each:"
        )
        await compare("registry search (q)", lib_search, http_search, args.rounds)
        await compare("verify (labeled text)", lib_verify, http_verify, args.rounds)
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filings", type=int, default=100_000)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=20)
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
