"""Gateway overhead: added latency and throughput vs calling the mock upstream directly.

Starts a local mock OpenAI upstream (raw ASGI app on uvicorn, one process) and the governed
gateway (``govloop gateway serve --workers N``, full governance: API key, rate limit, filing
state, keyword filter on prompt and output, explicit label, Ed25519-signed implicit label, ledger
append with group commit, delivery log), then drives both with the same load generator, ``wrk``
(apt-get install wrk), with the same request body, at 1 and at 64 open connections:

    python benchmarks/gateway.py                       # 2 gateway workers, 5 s per run
    python benchmarks/gateway.py --workers 1           # one worker process
    python benchmarks/gateway.py --model-latency-ms 0  # skip the second (50 ms) table
    python benchmarks/gateway.py --soak                # plus 64 streams for 60 s, 5% faults
    python benchmarks/gateway.py --two-instances       # only: 2 gateways on one database
    python benchmarks/gateway.py --two-instances --database-url postgresql+psycopg://...

What the numbers mean:

* ``direct c=N``: wrk -> mock upstream, N connections (the peer);
* ``gateway c=N``: wrk -> gateway -> mock upstream (same body, same N, non-streamed);
* ``added latency``: gateway p50 (p99) minus direct p50 (p99) at the same N;
* ``throughput ratio``: gateway req/s / direct req/s at 64 connections;
* ``litellm c=N`` (when LiteLLM's proxy is installed, or given with ``--litellm PATH``): the same
  load through LiteLLM's proxy to the same mock, with the same number of workers. It does no
  governance (no filters, labels or ledger), so it shows what a plain Python proxy costs here.

The headline table uses a mock that answers at once (zero model latency), so the ratio measures
the gateway's cost against a do-nothing server on the same cores. A second table repeats the runs
with the mock waiting ``--model-latency-ms`` (default 50) before it answers, clearly labelled,
which is closer to what a model costs; it does not replace the headline.

``--two-instances`` (issue 16, several gateways; needs no wrk) runs 64 concurrent streamed chats
for ``--two-duration`` seconds against one ``gateway serve --workers 2`` and then against two
``gateway serve --workers 1`` processes on the same database (SQLite in a temporary home, or
``--database-url``, e.g. the PostgreSQL of ``scripts/pg-start``; each run gets a fresh
database) with ``rate_limits: database``, the load split between them as a load balancer would.
It prints streams/s and per-stream p50/p99 for both, and checks that the shared ledger verifies,
is dense, and holds every delivered output.

Floors (issue 7): throughput >= 0.15 of direct at 64 connections; p50 added latency <= 3 ms at
one connection, both on the headline (zero-latency) table. LiteLLM's proxy is compared side by
side only when it is installed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
FILING = ROOT / "tests" / "assets" / "filings" / "realistic" / "cn-public-chatbot.yaml"
BODY = {"model": "up", "messages": [{"role": "user", "content": "Say something about the sea."}]}


def _free_port() -> int:
    from govloop.gateway import free_port

    return free_port()


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def _setup(home: Path, database_url: str | None = None) -> tuple[str, str]:
    from govloop.classify import filing_classifier
    from govloop.config import Settings
    from govloop.gateway import ApiKeys
    from govloop.registry import Registry
    from govloop.store import Store

    settings = Settings(home=home, database_url=database_url)
    store = Store.open(settings.db_url)
    doc = yaml.safe_load(FILING.read_text(encoding="utf-8"))
    doc["model_name"] = "bench-upstream"
    reg = Registry(store, classifier=filing_classifier())
    f = reg.register(doc, actor="bench")
    reg.transition(f.id, "submitted", actor="bench", reason="bench")
    reg.transition(f.id, "assessing", actor="bench", reason="bench")
    reg.attach_assessment(
        f.id, run_id="bench", report_sha256="0" * 64, passed=True, reasons=[], actor="bench"
    )
    reg.transition(f.id, "approved", actor="bench", reason="bench")
    _, token = ApiKeys(store).create("bench", rate=1e9)
    store.close()
    return f.id, token


def _start_upstream(port: int, fail_rate: float, delay_s: float = 0.0) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn; from govloop.gateway import mock_upstream_app; "
        f"uvicorn.run(mock_upstream_app(fail_rate={fail_rate}, seed=1, delay_s={delay_s}), "
        "host='127.0.0.1', "
        f"port={port}, "
        "log_level='warning', access_log=False)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    _wait(f"http://127.0.0.1:{port}/")
    return proc


def _start_gateway(
    home: Path, port: int, workers: int, cfg: Path, database_url: str | None = None
) -> subprocess.Popen[bytes]:
    exe = str(Path(sys.executable).parent / "govloop")
    env = {**os.environ, "GOVLOOP_HOME": str(home)}
    env.pop("GOVLOOP_DATABASE_URL", None)
    if database_url:
        env["GOVLOOP_DATABASE_URL"] = database_url
    proc = subprocess.Popen(
        [
            exe,
            "gateway",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--config",
            str(cfg),
        ],
        env=env,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _wait(f"http://127.0.0.1:{port}/healthz")
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    import signal

    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(30)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"cannot read wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(url: str, *, token: str, conns: int, duration: float) -> dict[str, float]:
    """Run wrk POSTing the chat body; p50/p99 (ms), requests/s and non-2xx count."""
    script = Path(tempfile.mkdtemp()) / "post.lua"
    body = json.dumps(BODY).replace("\\", "\\\\").replace('"', '\\"')
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    )
    threads = 1 if conns == 1 else 2
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{conns}",
            f"-d{max(1, round(duration))}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    dist = out[out.index("Latency Distribution") :]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", dist).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", dist).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"p50": p50, "p99": p99, "rps": rps, "non2xx": float(bad.group(1)) if bad else 0.0}


def _rss_kb(pid: int) -> int:
    total = 0
    pids = [pid]
    try:
        kids = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
        pids += [int(k) for k in kids]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


async def _soak(
    url: str, token: str, *, streams: int, duration: float, gw_pid: int
) -> dict[str, object]:
    import openai

    ok: dict[str, str] = {}
    failed: list[str] = []
    rss: list[int] = []

    async def worker(client: openai.AsyncOpenAI, deadline: float) -> None:
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
                failed.append(exc.message)
                continue
            if pid:
                ok[pid] = text

    async def sampler(deadline: float) -> None:
        while time.monotonic() < deadline:
            rss.append(_rss_kb(gw_pid))
            await asyncio.sleep(max(1.0, duration / 12))

    async with openai.AsyncOpenAI(
        base_url=f"{url}/v1", api_key=token, max_retries=0, timeout=60
    ) as client:
        deadline = time.monotonic() + duration
        await asyncio.gather(sampler(deadline), *(worker(client, deadline) for _ in range(streams)))
    return {"ok": ok, "failed": failed, "rss": rss}


def _gateway_config(path: Path, filing: str, up_port: int, **extra: object) -> Path:
    backend = f"openai:http://127.0.0.1:{up_port}/v1#mock"
    doc = {"models": [{"name": "up", "filing": filing, "backend": backend}], "default_rate": 1e9}
    path.write_text(yaml.safe_dump({**doc, **extra}))
    return path


def _start_litellm(
    exe: str, home: Path, up_port: int, workers: int
) -> tuple[subprocess.Popen[bytes], int, str]:
    """LiteLLM's proxy serving model ``up`` from the same mock upstream; (process, port, key)."""
    port, key = _free_port(), "sk-" + os.urandom(24).hex()
    cfg = home / "litellm.yaml"
    cfg.write_text(
        yaml.safe_dump(
            {
                "model_list": [
                    {
                        "model_name": "up",
                        "litellm_params": {
                            "model": "openai/mock",
                            "api_base": f"http://127.0.0.1:{up_port}/v1",
                            "api_key": "sk-mock",
                        },
                    }
                ],
                "litellm_settings": {"telemetry": False},
            }
        )
    )
    env = {
        **os.environ,
        "LITELLM_MASTER_KEY": key,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no download of the price map at start
        "LITELLM_LOG": "ERROR",
    }
    args = [exe, "--config", str(cfg), "--host", "127.0.0.1", "--port", str(port)]
    args += ["--num_workers", str(workers)]
    proc = subprocess.Popen(
        args,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _wait(f"http://127.0.0.1:{port}/health/liveliness", timeout=180)
    return proc, port, key


def _table(
    home: Path, filing: str, token: str, args: argparse.Namespace, delay_s: float
) -> dict[str, dict[str, float]]:
    """Direct, gateway (and LiteLLM) runs at 1 and 64 connections; the mock waits delay_s."""
    up_port, gw_port = _free_port(), _free_port()
    upstream = _start_upstream(up_port, 0.0, delay_s)
    cfg = _gateway_config(home / f"gateway-{int(delay_s * 1000)}ms.yaml", filing, up_port)
    gateway = _start_gateway(home, gw_port, args.workers, cfg)
    results: dict[str, dict[str, float]] = {}
    try:
        direct_url = f"http://127.0.0.1:{up_port}/v1/chat/completions"
        gw_url = f"http://127.0.0.1:{gw_port}/v1/chat/completions"
        for _ in range(20):  # warm up every worker's caches and connections
            httpx.post(
                gw_url, json=BODY, headers={"Authorization": f"Bearer {token}"}, timeout=30
            ).raise_for_status()
        for conns in (1, 64):
            results[f"direct c={conns}"] = wrk(
                direct_url, token=token, conns=conns, duration=args.duration
            )
            results[f"gateway c={conns}"] = wrk(
                gw_url, token=token, conns=conns, duration=args.duration
            )
        _stop(gateway)
        if args.litellm:
            proc, port, key = _start_litellm(args.litellm, home, up_port, args.workers)
            try:
                url = f"http://127.0.0.1:{port}/v1/chat/completions"
                for _ in range(20):
                    httpx.post(
                        url, json=BODY, headers={"Authorization": f"Bearer {key}"}, timeout=30
                    ).raise_for_status()
                for conns in (1, 64):
                    results[f"litellm c={conns}"] = wrk(
                        url, token=key, conns=conns, duration=args.duration
                    )
            finally:
                _stop(proc)
    finally:
        if gateway.poll() is None:
            _stop(gateway)
        _stop(upstream)
    return results


def _print_table(results: dict[str, dict[str, float]], *, headline: bool) -> None:
    print("| run | p50 ms | p99 ms | req/s | non-2xx |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['p50']:.2f} | {r['p99']:.2f} | {r['rps']:.0f} | {r['non2xx']:.0f} |")
    added1 = results["gateway c=1"]["p50"] - results["direct c=1"]["p50"]
    added99 = results["gateway c=1"]["p99"] - results["direct c=1"]["p99"]
    added64 = results["gateway c=64"]["p50"] - results["direct c=64"]["p50"]
    ratio = results["gateway c=64"]["rps"] / results["direct c=64"]["rps"]
    floor1 = f" (floor p50 <= 3 ms: {'PASS' if added1 <= 3 else 'FAIL'})" if headline else ""
    floor2 = f" (floor >= 0.15: {'PASS' if ratio >= 0.15 else 'FAIL'})" if headline else ""
    print(f"added latency c=1: p50 {added1:.2f} ms, p99 {added99:.2f} ms{floor1}")
    print(f"added latency c=64: p50 {added64:.2f} ms")
    print(f"throughput ratio gateway/direct at c=64: {ratio:.3f}{floor2}")
    if "litellm c=64" in results:
        lite = results["litellm c=64"]["rps"]
        lite1 = results["litellm c=1"]["p50"] - results["direct c=1"]["p50"]
        print(
            f"LiteLLM proxy (no governance: no filters, labels or ledger): added p50 at c=1 "
            f"{lite1:.2f} ms, throughput ratio litellm/direct at c=64 "
            f"{lite / results['direct c=64']['rps']:.3f}; gateway/litellm "
            f"{results['gateway c=64']['rps'] / lite:.2f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    ap.add_argument("--workers", type=int, default=2, help="gateway worker processes")
    ap.add_argument(
        "--model-latency-ms",
        type=float,
        default=50.0,
        help="second table: the mock waits this long per request (0: no second table)",
    )
    ap.add_argument(
        "--litellm",
        default=os.environ.get("LITELLM_BIN") or shutil.which("litellm"),
        help="LiteLLM proxy executable to compare side by side (default: litellm on PATH)",
    )
    ap.add_argument("--soak", action="store_true", help="also run the 64-stream fault soak")
    ap.add_argument("--soak-duration", type=float, default=60.0)
    ap.add_argument("--soak-streams", type=int, default=64)
    ap.add_argument(
        "--two-instances", action="store_true", help="only the two-gateways-on-one-database run"
    )
    ap.add_argument("--two-duration", type=float, default=10.0, help="seconds per run")
    ap.add_argument("--database-url", default=None, help="PostgreSQL server for --two-instances")
    args = ap.parse_args()
    if args.two_instances:
        _two_instances(args)
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    from govloop.config import Settings

    home = Path(tempfile.mkdtemp(prefix="govloop-bench-"))
    filing, token = _setup(home)
    headline = _table(home, filing, token, args, 0.0)
    print(
        f"# govloop gateway benchmark: {args.workers} gateway worker(s), mock upstream 1 process, "
        f"wrk {args.duration:g} s per run"
    )
    print(
        f"cpu cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}; "
        f"ledger: SQLite, ledger_sync={Settings(home=home).ledger_sync}; LiteLLM proxy: "
        + (f"{args.litellm}, same workers" if args.litellm else "not installed, not compared")
    )
    print("\n## headline: mock upstream answers at once (zero model latency)")
    _print_table(headline, headline=True)
    if args.model_latency_ms > 0:
        delayed = _table(home, filing, token, args, args.model_latency_ms / 1000)
        print(
            f"\n## second table, NOT the floors: mock upstream waits {args.model_latency_ms:g} ms "
            "per request (a stand-in for model latency)"
        )
        _print_table(delayed, headline=False)
    if args.soak:
        _soak_run(args, home, filing, token)


def _soak_run(args: argparse.Namespace, home: Path, filing: str, token: str) -> None:
    from govloop.config import Settings
    from govloop.keys import KeyStore
    from govloop.ledger import Ledger
    from govloop.store import Store

    up_port, gw_port = _free_port(), _free_port()
    upstream = _start_upstream(up_port, 0.05)
    cfg = _gateway_config(home / "gateway-soak.yaml", filing, up_port, upstream={"retries": 0})
    gateway = _start_gateway(home, gw_port, args.workers, cfg)
    try:
        res = asyncio.run(
            _soak(
                f"http://127.0.0.1:{gw_port}",
                token,
                streams=args.soak_streams,
                duration=args.soak_duration,
                gw_pid=gateway.pid,
            )
        )
    finally:
        _stop(gateway)
        _stop(upstream)
    settings = Settings(home=home)
    store = Store.open(settings.db_url)
    ledger = Ledger.open(store, KeyStore.open(settings.keys_dir), settings)
    ok: dict[str, str] = res["ok"]  # type: ignore[assignment]
    failed: list[str] = res["failed"]  # type: ignore[assignment]
    rss: list[int] = res["rss"]  # type: ignore[assignment]
    lost = [pid for pid in ok if ledger.find_by_produce_id(pid) is None]
    unclear = [m for m in failed if "upstream" not in m and "ledger" not in m]
    report = ledger.verify()
    store.close()
    print(
        f"\n## soak: {args.soak_streams} streams for {args.soak_duration:g} s, upstream failing 5%"
    )
    print(
        f"answered {len(ok)}, failed with an error {len(failed)} ({len(unclear)} unclear), "
        f"lost ledger entries {len(lost)}"
    )
    print(f"ledger verify ok: {report.ok}, tree size {report.tree_size}")
    if rss:
        print(
            f"gateway RSS MiB: first {rss[0] / 1024:.0f}, max {max(rss) / 1024:.0f}, "
            f"last {rss[-1] / 1024:.0f}"
        )
    print("soak:", "PASS" if not lost and not unclear and report.ok else "FAIL")


def _fresh_database(server_url: str | None, name: str) -> str | None:
    """A new database on the PostgreSQL server (None: SQLite in the home)."""
    if not server_url:
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(server_url: str | None, name: str) -> None:
    """Drop the run's database again (nothing of the benchmark stays on the server)."""
    if not server_url:
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


async def _streams(
    urls: list[str], token: str, *, streams: int, duration: float
) -> dict[str, object]:
    """``streams`` concurrent streamed chats until ``duration``, spread over ``urls``."""
    import openai

    ok: dict[str, str] = {}
    failed: list[str] = []
    times: list[float] = []

    async def worker(url: str, deadline: float) -> None:
        async with openai.AsyncOpenAI(
            base_url=f"{url}/v1", api_key=token, max_retries=0, timeout=60
        ) as client:
            while time.monotonic() < deadline:
                t, text, pid = time.monotonic(), "", None
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
                    failed.append(exc.message)
                    continue
                times.append(time.monotonic() - t)
                if pid:
                    ok[pid] = text

    start = time.monotonic()
    await asyncio.gather(*(worker(urls[i % len(urls)], start + duration) for i in range(streams)))
    return {"ok": ok, "failed": failed, "times": times, "wall": time.monotonic() - start}


def _two_instances(args: argparse.Namespace) -> None:
    """One gateway with 2 workers vs two gateways with 1 worker each on one database."""
    from govloop.config import Settings
    from govloop.keys import KeyStore
    from govloop.ledger import Ledger
    from govloop.store import Store

    rows = []
    for label, instances, workers in (
        ("1 gateway x 2 workers", 1, 2),
        ("2 gateways x 1 worker", 2, 1),
    ):
        home = Path(tempfile.mkdtemp(prefix="govloop-bench-multi-"))
        db = _fresh_database(args.database_url, f"bench_multi_{instances}")
        filing, token = _setup(home, db)
        up_port = _free_port()
        upstream = _start_upstream(up_port, 0.0)
        cfg = _gateway_config(home / "gateway.yaml", filing, up_port, rate_limits="database")
        ports = [_free_port() for _ in range(instances)]
        gateways = [_start_gateway(home, p, workers, cfg, db) for p in ports]
        try:
            urls = [f"http://127.0.0.1:{p}" for p in ports]
            res = asyncio.run(_streams(urls, token, streams=64, duration=args.two_duration))
        finally:
            for g in gateways:
                _stop(g)
            _stop(upstream)
        settings = Settings(home=home, database_url=db)
        store = Store.open(settings.db_url)
        ledger = Ledger.open(store, KeyStore.open(settings.keys_dir), settings)
        ok: dict[str, str] = res["ok"]  # type: ignore[assignment]
        times = sorted(res["times"])  # type: ignore[call-overload]
        lost = [pid for pid in ok if ledger.find_by_produce_id(pid) is None]
        report = ledger.verify()
        size = ledger.size()
        store.close()
        _drop_database(args.database_url, f"bench_multi_{instances}")
        wall = float(res["wall"])  # type: ignore[arg-type]
        rows.append(
            (
                label,
                len(ok) / wall,
                1000 * times[len(times) // 2],
                1000 * times[int(len(times) * 0.99)],
                len(res["failed"]),  # type: ignore[arg-type]
                len(lost),
                report.ok and size == len(ok),
            )
        )
    print(
        f"# two gateways on one database: 64 concurrent streams, {args.two_duration:g} s per run, "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}, rate_limits: database, "
        f"cpu cores: {os.cpu_count()}, load average after: {os.getloadavg()[0]:.2f}"
    )
    print("| run | streams/s | p50 ms | p99 ms | errors | lost | ledger verifies, dense, all in |")
    print("|---|---|---|---|---|---|---|")
    for label, rate, p50, p99, errors, lost_n, good in rows:
        print(f"| {label} | {rate:.0f} | {p50:.1f} | {p99:.1f} | {errors} | {lost_n} | {good} |")
    print(
        "two instances:", "PASS" if all(r[4] == 0 and r[5] == 0 and r[6] for r in rows) else "FAIL"
    )


if __name__ == "__main__":
    main()
