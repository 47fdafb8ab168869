"""Assessment fan-out on Ray: the same answers as one process, written as shards return, resumable.

One local Ray (two logical CPUs, so two tasks can ask at once) serves the whole module:
starting Ray costs seconds, and :func:`fan_out_runs` reuses a Ray that is already up instead of
starting its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import ray
import sqlalchemy as sa
from typer.testing import CliRunner

from govloop.assess import (
    DEMO_MODEL_SPEC,
    RunOptions,
    fan_out_runs,
    get_run,
    load_bank,
    resume_assessment,
    start_run,
)
from govloop.assess._pacing import EndpointPacer, endpoint_key
from govloop.assess._tables import ResultRow
from govloop.cli.main import build_app
from govloop.errors import InputError
from govloop.store import Store

from .fakes import mock_server

SIZES = {"generated-content": 6, "should-refuse": 4, "should-answer": 4}


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _options() -> RunOptions:
    return RunOptions(sizes=dict(SIZES), seed=7, max_tokens=24)


def _answers(store: Store, run_id: str) -> dict[int, tuple[str, Any, Any]]:
    with store.session() as s:
        rows = s.scalars(sa.select(ResultRow).where(ResultRow.run_id == run_id)).all()
        return {r.seq: (r.status, r.answer, r.refused) for r in rows}


def test_ray_gives_the_answers_one_process_gives(store: Store) -> None:
    import asyncio

    bank = load_bank()
    local = start_run(store, DEMO_MODEL_SPEC, bank, _options())
    asyncio.run(resume_assessment(store, local))
    runs = [start_run(store, DEMO_MODEL_SPEC, bank, _options()) for _ in range(2)]
    seen: list[tuple[int, int]] = []
    summaries = fan_out_runs(
        store, runs, workers=1, shard_size=5, on_progress=lambda d, t: seen.append((d, t))
    )
    planned = sum(SIZES.values())
    assert [s.answered for s in summaries] == [planned, planned]
    assert all(get_run(store, r).status == "finished" for r in runs)
    # Written as shards returned: progress rose shard by shard to the total of both runs.
    assert len(seen) == 2 * -(-planned // 5) and seen[-1] == (2 * planned, 2 * planned)
    for r in runs:
        assert _answers(store, r) == _answers(store, local)


def test_an_interrupted_fan_out_resumes_without_asking_twice(store: Store) -> None:
    run = start_run(store, DEMO_MODEL_SPEC, load_bank(), _options())

    def stop_after_first(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fan_out_runs(store, [run], workers=1, shard_size=4, on_progress=stop_after_first)
    assert get_run(store, run).status == "interrupted"
    first = _answers(store, run)
    assert len(first) == 4
    [summary] = fan_out_runs(store, [run], workers=1, shard_size=4)
    assert summary.answered == sum(SIZES.values())
    after = _answers(store, run)
    assert {k: after[k] for k in first} == first  # what was stored is not asked again


def test_two_workers_share_one_rate_per_endpoint(store: Store) -> None:
    """Two models on one endpoint, two workers asking at once: one rate for all of them."""
    rate = 10.0
    options = RunOptions(
        sizes={"generated-content": 3, "should-refuse": 2, "should-answer": 1}, max_tokens=16
    )
    with mock_server() as (url, state):
        runs = [start_run(store, f"openai:{url}#{m}", load_bank(), options) for m in ("a", "b")]
        summaries = fan_out_runs(store, runs, workers=2, shard_size=2, concurrency=8, rate=rate)
        times = sorted(state.times)
    assert [s.answered for s in summaries] == [6, 6] and len(times) == 12
    in_any_second = max(sum(1 for u in times[i:] if u < t + 1.0) for i, t in enumerate(times))
    assert in_any_second <= rate + 1  # a slot's reply can arrive a little late, never early
    # Unpaced, two workers put all twelve within a few tenths of a second; paced, any ten
    # consecutive requests span a second, less the jitter of a reply (0.15 s allowed).
    k = int(rate)
    assert min(b - a for a, b in zip(times, times[k:], strict=False)) >= k / rate - 0.15


def test_the_pacer_spaces_slots_per_endpoint() -> None:
    pacer = EndpointPacer(4.0)
    waits = [pacer.reserve("e1") for _ in range(4)]
    assert waits[0] == 0.0
    assert [round(b - a, 2) for a, b in zip(waits, waits[1:], strict=False)] == [0.25] * 3
    assert pacer.reserve("e2") == 0.0  # another endpoint has its own slots
    assert endpoint_key("openai:http://h:8000/v1#qwen") == endpoint_key("openai:http://h:8000/v1#x")
    assert endpoint_key("demo") == "demo"


def test_bad_settings_are_refused_before_anything_runs(store: Store) -> None:
    run = start_run(store, DEMO_MODEL_SPEC, load_bank(), _options())
    status = get_run(store, run).status
    with pytest.raises(InputError, match="--workers must be at least 1"):
        fan_out_runs(store, [run], workers=0)
    with pytest.raises(InputError, match="shard size"):
        fan_out_runs(store, [run], shard_size=0)
    with pytest.raises(InputError, match="--rate must be a positive number"):
        fan_out_runs(store, [run], rate=0)
    assert get_run(store, run).status == status and _answers(store, run) == {}


def test_cli_runs_several_models_on_ray(cli: CliRunner, store: Store) -> None:
    del store
    args = ["assess", "run", "demo", "guarded:demo", "--engine", "ray", "--workers", "1"]
    args += ["--limit-generated", "4", "--limit-refuse", "2", "--limit-answer", "2", "--json"]
    result = cli.invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [o["run"]["model"] for o in out] == ["demo", "guarded:demo"]
    assert all(o["run"]["answered"] == 8 for o in out)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--engine", "spark"], "--engine 'spark': choose local or ray"),
        (["--address", "ray://x:1"], "--address is for --engine ray only"),
        (["demo", "--filing", "F-1"], "several models"),
        (["--rate", "5"], "--rate is for --engine ray only"),
    ],
)
def test_cli_refuses_bad_engine_options(cli: CliRunner, extra: list[str], message: str) -> None:
    result = cli.invoke(build_app(), ["assess", "run", "demo", *extra])
    assert result.exit_code != 0
    assert message in result.output
