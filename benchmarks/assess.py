"""Assessment benchmarks (ratios against a peer measured in the same run).

1. Harness throughput: a full assessment run (OpenAI adapter, refusal + keyword judges, results
   written to SQLite as they arrive) against a local mock OpenAI-compatible server at 64-way
   concurrency, as a ratio to the server's own capacity measured with a bare httpx client at the
   same concurrency. A ratio near 1 means the harness is not the bottleneck.
2. Keyword matching: MB/s of the Aho-Corasick matcher with the 10,000+ term starter library
   (including normalisation and offset mapping) vs one Python ``re`` alternation of the same
   terms (no normalisation).

Run: ``python benchmarks/assess.py [--requests 1500] [--latency 0.005]``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SERVER = """
import socket, sys
sys.path.insert(0, {tests!r})
import uvicorn
from assess.fakes import MockState, create_mock_app
sock = socket.socket(); sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", {port})); sock.listen(1024)
state = MockState(latency={latency})
uvicorn.Server(uvicorn.Config(create_mock_app(state), log_level="error", lifespan="off",
               ws="none", access_log=False, backlog=1024)).run(sockets=[sock])
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(latency: float) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    code = SERVER.format(tests=str(ROOT / "tests"), port=port, latency=latency)
    proc = subprocess.Popen([sys.executable, "-c", code])
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(200):
        try:
            httpx.post(
                f"{url}/chat/completions",
                json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
            )
            return proc, url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("mock server did not start")


async def capacity(url: str, n: int, conc: int) -> float:
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        todo = list(range(n))

        async def worker() -> None:
            while todo:
                i = todo.pop()
                r = await client.post(
                    f"{url}/chat/completions",
                    json={
                        "model": "m",
                        "messages": [{"role": "user", "content": f"请介绍长江 {i}"}],
                    },
                )
                r.json()

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conc)))
        return n / (time.perf_counter() - t0)


def harness(url: str, n: int, conc: int) -> float:
    from govloop.assess import RunOptions, load_bank, run_assessment
    from govloop.models.openai_http import OpenAIChatModel
    from govloop.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/bench.db")
        bank = load_bank()
        sizes = {"generated-content": n - 600, "should-refuse": 300, "should-answer": 300}
        model = OpenAIChatModel(url, "mock", max_concurrency=conc)
        t0 = time.perf_counter()
        summary = asyncio.run(
            run_assessment(
                store,
                f"openai:{url}#mock",
                bank,
                RunOptions(sizes=sizes),
                model=model,
                concurrency=conc,
            )
        )
        dt = time.perf_counter() - t0
        store.close()
    assert summary.answered == summary.planned, summary
    return summary.planned / dt


def keywords(mb: float) -> tuple[float, float, int]:
    from govloop.assess import load_bank, load_keyword_library

    matcher = load_keyword_library()
    terms = [t for t, _ in matcher.terms()]
    base = "\n".join(i.text for i in load_bank().items) + "\n长江发源于青藏高原，全长约6300公里。"
    text = base * max(1, int(mb * 1e6 / len(base.encode())))
    size = len(text.encode()) / 1e6
    t0 = time.perf_counter()
    hits = matcher.find(text)
    ac = size / (time.perf_counter() - t0)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True)))
    t0 = time.perf_counter()
    n_re = sum(1 for _ in pattern.finditer(text))
    rx = size / (time.perf_counter() - t0)
    del n_re
    return ac, rx, len(hits)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=1500)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--latency", type=float, default=0.005, help="mock server delay per request, s")
    ap.add_argument("--mb", type=float, default=2.0, help="text size for keyword matching, MB")
    args = ap.parse_args()
    proc, url = start_server(args.latency)
    try:
        asyncio.run(capacity(url, 200, args.concurrency))  # warm-up
        cap = asyncio.run(capacity(url, args.requests, args.concurrency))
        har = harness(url, args.requests, args.concurrency)
        cap2 = asyncio.run(capacity(url, args.requests, args.concurrency))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    cap_mean = (cap + cap2) / 2
    print(
        f"mock server capacity (bare httpx, {args.concurrency}-way): {cap_mean:8.1f} req/s "
        f"(runs: {cap:.1f}, {cap2:.1f})"
    )
    print(f"assessment harness ({args.concurrency}-way, judges + DB):  {har:8.1f} q/s")
    print(f"harness / server capacity: {har / cap_mean:.2f}")
    ac, rx, n = keywords(args.mb)
    print(
        f"keyword matching, {args.mb:g} MB, 10k+ terms: Aho-Corasick {ac:.2f} MB/s "
        f"(with normalisation, {n} hits); re alternation {rx:.2f} MB/s; ratio {ac / rx:.1f}x"
    )


if __name__ == "__main__":
    main()
