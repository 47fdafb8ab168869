"""Assessment fan-out on Ray: the planned questions of several runs, sharded to workers.

A sandbox assesses dozens of models against thousands of prompts; one process asks them one
model at a time. Here the driver (the only process with a database connection) reads each
run's unanswered questions, sends shards of them to Ray tasks and writes the answers as each
shard returns, exactly as :func:`~govloop.assess._run.execute_run` writes them, so a run
interrupted on Ray resumes locally or on Ray alike. Workers rebuild the model from the run's
spec and the judges from their stored names and parameters (the plugin registry), so nothing
but plain data crosses the wire.

Endpoints are protected the same way as in one process: ``concurrency`` bounds the questions in
flight for the whole command. Each task asks at most ``concurrency // workers`` at once and at
most ``workers`` tasks run at a time, whatever the cluster's size. ``rate`` bounds the questions
per second to each endpoint across all workers: one :class:`~govloop.assess._pacing.EndpointPacer`
actor hands out the slots, and every task waits for its slot before each question.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from govloop.assess._assess import _close, build_judges, open_model
from govloop.assess._bank import BankItem
from govloop.assess._pacing import EndpointPacer, endpoint_key
from govloop.assess._run import (
    RunOptions,
    RunSummary,
    _ask,
    _pending,
    _set_status,
    _summary,
    _write,
    get_run,
)
from govloop.errors import InputError, missing_extra
from govloop.store import Store

DEFAULT_SHARD = 32
"""Questions per Ray task: large enough to amortise opening the model, small enough to stream."""

FanOutProgress = Callable[[int, int], None]
"""``(stored, total)`` over all runs of the command, after each shard is written."""


@dataclass(frozen=True)
class Shard:
    """Plain data for one task: which run, how to rebuild its model and judges, which items."""

    run_id: str
    model_spec: str
    options: dict[str, Any]
    items: list[tuple[int, dict[str, Any]]]
    concurrency: int
    pacer: Any = None
    """The command's :class:`EndpointPacer` actor handle, or None for no rate limit."""


def answer_shard(shard: Shard) -> list[dict[str, Any]]:
    """Runs on a worker: open the model and judges by name, ask the shard's questions."""

    async def go() -> list[dict[str, Any]]:
        options = RunOptions.from_json(shard.options)
        model = open_model(shard.model_spec)
        judges = build_judges(options)
        sem = asyncio.Semaphore(max(1, shard.concurrency))
        endpoint = endpoint_key(shard.model_spec)

        async def one(seq: int, item: dict[str, Any]) -> dict[str, Any]:
            async with sem:
                if shard.pacer is not None:
                    await asyncio.sleep(await shard.pacer.reserve.remote(endpoint))
                return await _ask(model, judges, seq, BankItem.model_validate(item), options)

        try:
            return list(await asyncio.gather(*(one(s, i) for s, i in shard.items)))
        finally:
            await _close(model, *judges)

    return asyncio.run(go())


def plan_shards(
    store: Store, run_ids: Sequence[str], *, shard_size: int, concurrency: int
) -> list[Shard]:
    """The unanswered questions of ``run_ids`` cut into shards (runs interleaved, in order)."""
    if shard_size < 1:
        raise InputError(f"shard size must be at least 1, not {shard_size}")
    per_run: list[list[Shard]] = []
    for run_id in run_ids:
        run = get_run(store, run_id)
        items = [(seq, item.model_dump(mode="json")) for seq, item in _pending(store, run_id)]
        per_run.append(
            [
                Shard(run_id, run.model, dict(run.config), items[i : i + shard_size], concurrency)
                for i in range(0, len(items), shard_size)
            ]
        )
    out: list[Shard] = []
    for i in range(max((len(s) for s in per_run), default=0)):
        out += [shards[i] for shards in per_run if i < len(shards)]
    return out


def fan_out_runs(
    store: Store,
    run_ids: Sequence[str],
    *,
    workers: int = 2,
    address: str | None = None,
    concurrency: int = 16,
    shard_size: int = DEFAULT_SHARD,
    rate: float | None = None,
    on_progress: FanOutProgress | None = None,
) -> list[RunSummary]:
    """Answer every planned question of ``run_ids`` on Ray; store results as shards return.

    ``address`` joins an existing cluster; without it a local Ray with ``workers`` CPUs is
    started and stopped here. ``rate`` (questions per second) is shared per endpoint by all
    workers (:func:`~govloop.assess._pacing.endpoint_key`). On any failure or Ctrl-C the
    answers already returned are stored and the unfinished runs are marked ``interrupted``
    (resume with ``assess run --resume``).
    """
    if workers < 1:
        raise InputError(f"--workers must be at least 1, not {workers}")
    if rate is not None and not rate > 0:
        raise InputError(f"--rate must be a positive number of questions per second, not {rate}")
    try:
        import ray
    except ImportError as exc:
        raise missing_extra("ray", "scale") from exc
    per_task = max(1, concurrency // workers)
    shards = plan_shards(store, run_ids, shard_size=shard_size, concurrency=per_task)
    total = sum(len(s.items) for s in shards)
    asked = dict.fromkeys(run_ids, 0)
    for run_id in run_ids:
        _set_status(store, run_id, "running")
    started = False
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        started = True
    stored = 0
    inflight: dict[Any, Shard] = {}
    pacer: Any = None
    try:
        if rate is not None:  # one actor for the command: every worker's slots come from it
            pacer = ray.remote(num_cpus=0)(EndpointPacer).remote(rate)
            shards = [replace(s, pacer=pacer) for s in shards]
        task = ray.remote(num_cpus=1)(answer_shard)
        todo = list(reversed(shards))
        while todo or inflight:
            while todo and len(inflight) < workers:
                shard = todo.pop()
                inflight[task.remote(shard)] = shard
            done, _ = ray.wait(list(inflight), num_returns=1)
            for ref in done:
                shard = inflight.pop(ref)
                rows = ray.get(ref)
                _write(store, shard.run_id, rows)
                asked[shard.run_id] += len(rows)
                stored += len(rows)
                if on_progress is not None:
                    on_progress(stored, total)
    except BaseException:
        for ref in inflight:
            ray.cancel(ref, force=True)
        for run_id in run_ids:
            _set_status(store, run_id, "interrupted")
        raise
    finally:
        if pacer is not None:
            ray.kill(pacer)
        if started:
            ray.shutdown()
    for run_id in run_ids:
        _set_status(store, run_id, "finished")
    return [_summary(store, run_id, asked_now=asked[run_id]) for run_id in run_ids]
