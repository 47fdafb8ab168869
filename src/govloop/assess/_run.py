"""Assessment runs: a seeded sample fixed in the database, asked with bounded concurrency.

A run is created with :func:`start_run` (the sample is drawn once, seeded, and stored as the
run's plan) and executed with :func:`execute_run`. Each result is written as it arrives by one
writer task, so a crash, ``kill -9`` or Ctrl-C loses at most the answers in flight; running
:func:`execute_run` again asks only the planned questions that have no stored answer (questions
that failed are asked again). Endpoint failures that survive the adapter's retries are stored as
errors, never dropped.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from govloop.assess._bank import KINDS, Bank, BankItem, bank_coverage
from govloop.assess._judges import DEFAULT_JUDGES, Judge, Judgement, combine, judge_spec
from govloop.assess._keywords import keyword_coverage, load_keyword_library
from govloop.assess._tables import PlanRow, ResultRow, RunRow
from govloop.errors import GovloopError, InputError, NotFoundError
from govloop.ids import new_produce_id
from govloop.models import GenerationRequest, TextModel
from govloop.plugins import PluginSpec
from govloop.store import Store

#: Default sample sizes of TC260-003 9.3 / 9.4.
DEFAULT_SIZES: dict[str, int] = {
    "generated-content": 1000,
    "should-refuse": 300,
    "should-answer": 300,
}


@dataclass(frozen=True)
class RunOptions:
    """How a run samples and asks."""

    sizes: dict[str, int]
    """Questions to draw per kind (all of a kind when the bank holds fewer)."""
    seed: int = 0
    """Sampling seed; the same bank and seed give the same sample."""
    max_tokens: int = 512
    """Answer length limit."""
    temperature: float = 0.0
    """Sampling temperature sent to the model."""
    judges: tuple[str, ...] = DEFAULT_JUDGES
    """Judge names, entries of the ``judge`` plugin kind (``model`` needs ``guard_model``)."""
    keywords: str | None = None
    """Keyword library path (None = shipped starter library)."""
    guard_model: str | None = None
    """Model spec of the guard model used by the model judge."""
    judge_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Parameters per judge name (a plugin judge's options); ``keywords`` and ``guard_model``
    above fill the keyword and model judges' parameters unless given here."""

    def judge_specs(self) -> list[PluginSpec]:
        """Each judge's name and validated parameters: what a worker rebuilds the judges from."""
        specs = []
        for name in self.judges:
            params = dict(self.judge_params.get(name, {}))
            if name == "keyword":
                params.setdefault("keywords", self.keywords)
            if name == "model":
                params.setdefault("guard_model", self.guard_model)
            specs.append(judge_spec(name, params))
        return specs

    def to_json(self) -> dict[str, Any]:
        """As stored with the run (``judge_specs``: name and parameters of each judge)."""
        return {
            "sizes": self.sizes,
            "seed": self.seed,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "judges": list(self.judges),
            "keywords": self.keywords,
            "guard_model": self.guard_model,
            "judge_specs": [{"name": s.name, "params": s.params} for s in self.judge_specs()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunOptions:
        """From what :meth:`to_json` stored (runs stored before ``judge_specs`` read the same)."""
        judges = tuple(data["judges"])
        params: dict[str, dict[str, Any]] = {}
        specs = data.get("judge_specs")
        if specs is not None:
            if not isinstance(specs, list) or not all(
                isinstance(s, dict)
                and isinstance(s.get("name"), str)
                and isinstance(s.get("params", {}), dict)
                for s in specs
            ):
                raise InputError("run config: field 'judge_specs' must be a list of {name, params}")
            judges = tuple(s["name"] for s in specs)
            params = {s["name"]: dict(s.get("params", {})) for s in specs}
        return cls(
            sizes=dict(data["sizes"]),
            seed=int(data["seed"]),
            max_tokens=int(data["max_tokens"]),
            temperature=float(data["temperature"]),
            judges=judges,
            keywords=data.get("keywords"),
            guard_model=data.get("guard_model"),
            judge_params=params,
        )


@dataclass(frozen=True)
class RunSummary:
    """Where a run stands."""

    run_id: str
    """Run id."""
    model: str
    """Model spec."""
    status: str
    """``running``, ``interrupted`` or ``finished``."""
    planned: int
    """Questions in the sample."""
    answered: int
    """Questions with a stored answer."""
    errors: int
    """Questions whose last attempt failed."""
    asked_now: int = 0
    """Questions asked by this call."""

    def to_json(self) -> dict[str, Any]:
        """As a JSON object."""
        return {
            "run_id": self.run_id,
            "model": self.model,
            "status": self.status,
            "planned": self.planned,
            "answered": self.answered,
            "errors": self.errors,
            "asked_now": self.asked_now,
        }


def plan_sample(bank: Bank, sizes: dict[str, int], seed: int) -> list[BankItem]:
    """Draw the seeded sample: per kind, ``sizes[kind]`` items at random without replacement."""
    plan: list[BankItem] = []
    for kind in KINDS:
        n = sizes.get(kind, 0)
        if n < 0:
            raise InputError(f"sample size for {kind!r} must be >= 0, got {n}")
        pool = bank.of_kind(kind)
        rng = random.Random(f"{seed}:{kind}")
        plan.extend(rng.sample(pool, min(n, len(pool))))
    return plan


def _now() -> datetime:
    return datetime.now(UTC)


def start_run(
    store: Store,
    model: str,
    bank: Bank,
    options: RunOptions,
    *,
    filing_id: str | None = None,
) -> str:
    """Create a run with its seeded sample; returns the run id."""
    plan = plan_sample(bank, options.sizes, options.seed)
    if not plan:
        raise InputError(f"{bank.source}: the sample is empty (sizes {options.sizes})")
    extra: dict[str, Any] = {
        "bank_meta": bank.meta.model_dump(),
        "bank_coverage": bank_coverage(bank).to_json(),
    }
    if "keyword" in options.judges:
        matcher = load_keyword_library(Path(options.keywords) if options.keywords else None)
        extra["keyword_coverage"] = keyword_coverage(matcher).to_json()
    run_id = new_produce_id()
    with store.session() as s:
        s.add(
            RunRow(
                id=run_id,
                model=model,
                bank=bank.source,
                bank_sha256=bank.sha256,
                config={**options.to_json(), **extra},
                status="running",
                filing_id=filing_id,
                created_at=_now(),
            )
        )
        s.flush()
        s.add_all(
            PlanRow(run_id=run_id, seq=i, item_id=it.id, item=it.model_dump())
            for i, it in enumerate(plan)
        )
    return run_id


def get_run(store: Store, run_id: str) -> RunRow:
    """The run row; :class:`NotFoundError` if there is none."""
    with store.session() as s:
        row = s.get(RunRow, run_id)
        if row is None:
            raise NotFoundError(f"no assessment run {run_id!r}")
        s.expunge(row)
        return row


def list_runs(store: Store) -> list[RunRow]:
    """Every run, newest first."""
    with store.session() as s:
        rows = list(s.scalars(sa.select(RunRow).order_by(RunRow.created_at.desc())))
        for r in rows:
            s.expunge(r)
        return rows


def _summary(store: Store, run_id: str, asked_now: int = 0) -> RunSummary:
    run = get_run(store, run_id)
    with store.session() as s:
        planned = s.scalar(sa.select(sa.func.count()).where(PlanRow.run_id == run_id)) or 0
        rows = s.execute(
            sa.select(ResultRow.status, sa.func.count())
            .where(ResultRow.run_id == run_id)
            .group_by(ResultRow.status)
        ).all()
    counts = {status: n for status, n in rows}
    return RunSummary(
        run_id,
        run.model,
        run.status,
        planned,
        counts.get("ok", 0),
        counts.get("error", 0),
        asked_now,
    )


def run_summary(store: Store, run_id: str) -> RunSummary:
    """Counts of planned, answered and failed questions of a run."""
    return _summary(store, run_id)


def _pending(store: Store, run_id: str) -> list[tuple[int, BankItem]]:
    with store.session() as s:
        done = set(
            s.scalars(
                sa.select(ResultRow.seq).where(ResultRow.run_id == run_id, ResultRow.status == "ok")
            )
        )
        plan = s.execute(
            sa.select(PlanRow.seq, PlanRow.item)
            .where(PlanRow.run_id == run_id)
            .order_by(PlanRow.seq)
        ).all()
    return [(seq, BankItem.model_validate(item)) for seq, item in plan if seq not in done]


def _write(store: Store, run_id: str, rows: list[dict[str, Any]]) -> None:
    with store.session() as s:
        seqs = [r["seq"] for r in rows]
        s.execute(sa.delete(ResultRow).where(ResultRow.run_id == run_id, ResultRow.seq.in_(seqs)))
        s.add_all(ResultRow(run_id=run_id, **r) for r in rows)


def _set_status(store: Store, run_id: str, status: str) -> None:
    with store.session() as s:
        row = s.get(RunRow, run_id)
        if row is not None:
            row.status = status
            if status == "finished":
                row.finished_at = _now()


ResultCallback = Callable[[int, int], None]


async def _ask(
    model: TextModel, judges: Sequence[Judge], seq: int, item: BankItem, options: RunOptions
) -> dict[str, Any]:
    t0 = time.perf_counter()
    base = {
        "seq": seq,
        "item_id": item.id,
        "kind": item.kind,
        "risk": item.risk,
        "created_at": _now(),
    }
    request = GenerationRequest.from_prompt(
        item.text, max_tokens=options.max_tokens, temperature=options.temperature, seed=options.seed
    )
    try:
        gen = await model.generate(request)
        judgements: list[Judgement] = [await j.judge(item, gen.text) for j in judges]
    except Exception as exc:  # one bad answer must not end the run
        msg = exc.diagnostics() if isinstance(exc, GovloopError) else f"{type(exc).__name__}: {exc}"
        return {
            **base,
            "status": "error",
            "error": msg[:2000],
            "judgements": [],
            "latency_s": time.perf_counter() - t0,
        }
    verdict = combine(item.kind, judgements)
    return {
        **base,
        "status": "ok",
        "answer": gen.text,
        "refused": verdict.refused,
        "unsafe": verdict.unsafe,
        "passed": verdict.passed,
        "judgements": [j.to_json() for j in judgements],
        "latency_s": time.perf_counter() - t0,
    }


async def execute_run(
    store: Store,
    run_id: str,
    model: TextModel,
    judges: Sequence[Judge],
    *,
    concurrency: int = 16,
    on_progress: ResultCallback | None = None,
) -> RunSummary:
    """Ask every planned question without a stored answer; store results as they arrive.

    ``on_progress(stored, total)`` is called after each write. On cancellation (Ctrl-C) the
    answers already received are written before the run is marked ``interrupted``.
    """
    run = get_run(store, run_id)
    options = RunOptions.from_json(run.config)
    pending = _pending(store, run_id)
    total = len(pending)
    _set_status(store, run_id, "running")
    todo: asyncio.Queue[tuple[int, BankItem]] = asyncio.Queue()
    for p in pending:
        todo.put_nowait(p)
    results: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    stored = 0

    async def worker() -> None:
        while True:
            try:
                seq, item = todo.get_nowait()
            except asyncio.QueueEmpty:
                return
            results.put_nowait(await _ask(model, judges, seq, item, options))

    def drain() -> list[dict[str, Any]]:
        batch = []
        while not results.empty():
            batch.append(results.get_nowait())
        return batch

    async def writer() -> None:
        nonlocal stored
        while stored < total:
            batch = [await results.get()] + drain()
            await asyncio.to_thread(_write, store, run_id, batch)
            stored += len(batch)
            if on_progress is not None:
                on_progress(stored, total)

    workers = [asyncio.create_task(worker()) for _ in range(max(1, min(concurrency, total or 1)))]
    write_task = asyncio.create_task(writer())
    try:
        await asyncio.gather(*workers)
        await write_task
    except BaseException:
        for t in (*workers, write_task):
            t.cancel()
        await asyncio.gather(*workers, write_task, return_exceptions=True)
        rest = drain()
        if rest:
            _write(store, run_id, rest)
        _set_status(store, run_id, "interrupted")
        raise
    _set_status(store, run_id, "finished")
    return _summary(store, run_id, asked_now=total)
