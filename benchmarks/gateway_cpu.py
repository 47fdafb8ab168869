"""CPU time per governed request, in process: this tree, and an earlier revision beside it.

Run: ``python benchmarks/gateway_cpu.py [--rev REV] [--requests 2000] [--rounds 3]``.

Why beside ``benchmarks/gateway.py``: its throughput ratio divides by a direct peer that moves
10-30 % between sessions on a shared machine, and wrk, the mock upstream and the gateway share
the same cores, so a change of a few per cent in the gateway's own cost is lost in the noise.
This script measures that cost alone: one process builds the gateway app exactly as a worker
does (``app_from_env``: the production ports, full governance, the SQLite ledger with group
commit, the delivery log), starts its lifespan, and calls it as ASGI with the benchmark's chat
body at 64 requests in flight (so group commits batch as they do under load; ``--in-flight 1``
for one at a time, the c=1 latency case), against the same
mock upstream over HTTP. It reports the process's CPU time (all threads: the event loop and the
ledger writer) per request, best of three batches, which is what a worker spends per request
minus uvicorn's HTTP parsing. Uses each tree's own ``benchmarks/gateway.py`` for the set-up, so
a revision is measured with its own code.

With ``--rev``, each round measures the revision and then this tree, each in a fresh process
and home, and the medians and the ratio this/revision are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gateway_revisions import revision_worktree

ROOT = Path(__file__).resolve().parents[1]
IN_FLIGHT = 64


def _bench_module(tree: Path) -> Any:
    spec = importlib.util.spec_from_file_location("gateway_bench", tree / "benchmarks/gateway.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["gateway_bench"] = mod
    spec.loader.exec_module(mod)
    return mod


async def _measure(app: Any, body: bytes, token: str, requests: int, in_flight: int) -> float:
    headers = [
        (b"host", b"bench"),
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {token}".encode()),
        (b"content-length", str(len(body)).encode()),
    ]

    async def one() -> int:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/v1/chat/completions",
            "raw_path": b"/v1/chat/completions",
            "query_string": b"",
            "root_path": "",
            "headers": list(headers),
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        sent = False
        status: list[int] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # no disconnect while the answer is made
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await app(scope, receive, send)
        return status[0]

    async def batch(n: int) -> None:
        left = n

        async def worker() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                got = await one()
                if got != 200:
                    raise SystemExit(f"the gateway answered {got}, not 200")

        await asyncio.gather(*(worker() for _ in range(in_flight)))

    queue_in: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    queue_out: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    lifespan = asyncio.create_task(
        app(
            {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
            queue_in.get,
            queue_out.put,
        )
    )
    await queue_in.put({"type": "lifespan.startup"})
    started = await queue_out.get()
    if started["type"] != "lifespan.startup.complete":
        raise SystemExit(f"the gateway did not start: {started}")
    await batch(min(500, requests))  # warm caches, pools and the ledger
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        await batch(requests)
        best = min(best, (time.process_time() - t0) / requests * 1e6)
    await queue_in.put({"type": "lifespan.shutdown"})
    await queue_out.get()
    await lifespan
    return best


def child(tree: Path, requests: int, in_flight: int) -> None:
    """Measure ``tree`` in this process (its sources are first on the path)."""
    bench = _bench_module(tree)
    home = Path(tempfile.mkdtemp(prefix="govloop-cpu-"))
    filing, token = bench._setup(home)
    port = bench._free_port()
    upstream = bench._start_upstream(port, 0.0, 0.0)
    try:
        cfg = bench._gateway_config(home / "gateway.yaml", filing, port)
        os.environ.update(
            GOVLOOP_HOME=str(home), GOVLOOP_GATEWAY_CONFIG=str(cfg), GOVLOOP_GATEWAY_WORKERS="2"
        )
        from govloop.gateway._app import app_from_env

        app = app_from_env()
        body = json.dumps(bench.BODY).encode()
        try:
            import uvloop

            runner: Any = uvloop.run
        except ImportError:
            runner = asyncio.run
        us = runner(_measure(app, body, token, requests, in_flight))
    finally:
        bench._stop(upstream)
    print(json.dumps({"cpu_us_per_request": round(us, 1)}))


def run_tree(tree: Path, requests: int, in_flight: int) -> float:
    """One measurement of ``tree`` in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    env.pop("GOVLOOP_DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(tree)]
        + ["--requests", str(requests), "--in-flight", str(in_flight)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise SystemExit(f"{tree}: measurement failed: {run.stderr.strip()[-800:]}")
    return float(json.loads(run.stdout.strip().splitlines()[-1])["cpu_us_per_request"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rev", default="", help="git revision to measure beside this tree")
    ap.add_argument("--requests", type=int, default=2000, help="requests per timed batch")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument(
        "--in-flight", type=int, default=IN_FLIGHT, help="requests in flight (1: no batching)"
    )
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.requests < 1 or args.rounds < 1 or args.in_flight < 1:
        ap.error("--requests, --rounds and --in-flight must be at least 1")
    if args.child is not None:
        child(args.child, args.requests, args.in_flight)
        return
    with contextlib.ExitStack() as stack:
        trees: list[tuple[str, Path]] = [("this tree", ROOT)]
        if args.rev:
            trees.insert(0, (args.rev, stack.enter_context(revision_worktree(args.rev))))
        got: dict[str, list[float]] = {label: [] for label, _ in trees}
        for i in range(args.rounds):
            for label, tree in trees:
                us = run_tree(tree, args.requests, args.in_flight)
                got[label].append(us)
                print(f"round {i + 1} {label}: {us:.1f} us CPU per request", flush=True)
    medians = {label: statistics.median(v) for label, v in got.items()}
    print(f"\n| median of {args.rounds}, us CPU per governed request | " + " | ".join(medians))
    print("|---|" + "---|" * len(medians))
    where = f"in process, {args.in_flight} in flight"
    print(f"| {where} | " + " | ".join(f"{m:.1f}" for m in medians.values()))
    if args.rev:
        ratio = medians["this tree"] / medians[args.rev]
        print(f"\nthis tree / {args.rev}: {ratio:.3f} (below 1: this tree costs less per request)")


if __name__ == "__main__":
    main()
