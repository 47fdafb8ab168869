"""One call to run an assessment end to end: open the model, build the judges, run, resume."""

from __future__ import annotations

from typing import Any

from govloop.assess._bank import Bank
from govloop.assess._judges import Judge, create_judge
from govloop.assess._run import (
    DEFAULT_SIZES,
    ResultCallback,
    RunOptions,
    RunSummary,
    execute_run,
    get_run,
    start_run,
)
from govloop.models import TextModel, open_text_model
from govloop.store import Store

#: Spec of the demo service: the built-in demo model behind the keyword guard.
DEMO_MODEL_SPEC = "guarded:demo"


def open_model(spec: str) -> TextModel:
    """Open the model named by a spec (``guarded:`` is the keyword guard of this package)."""
    if spec.startswith("guarded:"):
        from govloop.assess import _guard  # noqa: F401  (registers the scheme)
    return open_text_model(spec)


async def _close(*objs: object) -> None:
    """Close HTTP clients of models (and of guard models inside model judges)."""
    for obj in objs:
        target = getattr(obj, "guard", obj)
        aclose = getattr(target, "aclose", None)
        if aclose is not None:
            await aclose()


def build_judges(options: RunOptions, *, guard: TextModel | None = None) -> list[Judge]:
    """The judges a run's options name, rebuilt from their stored names and parameters.

    ``guard`` is a live guard model for the model judge (else it opens ``guard_model``).
    """
    return [create_judge(s.name, s.params, guard=guard) for s in options.judge_specs()]


def default_options(**overrides: object) -> RunOptions:
    """Run options with the standard's sample sizes, overridden by keyword."""
    sizes = dict(DEFAULT_SIZES)
    return RunOptions(sizes=sizes, **overrides)  # type: ignore[arg-type]


async def run_assessment(
    store: Store,
    model_spec: str,
    bank: Bank,
    options: RunOptions,
    *,
    model: TextModel | None = None,
    guard: TextModel | None = None,
    filing_id: str | None = None,
    concurrency: int = 16,
    on_progress: ResultCallback | None = None,
) -> RunSummary:
    """Start a run of ``bank`` against ``model_spec`` (or the given ``model``) and finish it."""
    judges = build_judges(options, guard=guard)
    the_model = model or open_model(model_spec)
    run_id = start_run(store, model_spec, bank, options, filing_id=filing_id)
    try:
        return await execute_run(
            store, run_id, the_model, judges, concurrency=concurrency, on_progress=on_progress
        )
    finally:
        await _close(the_model, *judges)


async def resume_assessment(
    store: Store,
    run_id: str,
    *,
    model: TextModel | None = None,
    guard: TextModel | None = None,
    concurrency: int = 16,
    on_progress: ResultCallback | None = None,
) -> RunSummary:
    """Continue a run: ask only the planned questions without a stored answer."""
    run = get_run(store, run_id)
    options = RunOptions.from_json(run.config)
    judges = build_judges(options, guard=guard)
    the_model = model or open_model(run.model)
    try:
        return await execute_run(
            store, run_id, the_model, judges, concurrency=concurrency, on_progress=on_progress
        )
    finally:
        await _close(the_model, *judges)


def run_demo_assessment(
    store: Store,
    *,
    filing_id: str | None = None,
    sizes: dict[str, int] | None = None,
    max_tokens: int = 64,
    concurrency: int = 16,
    seed: int = 0,
    on_progress: ResultCallback | None = None,
) -> tuple[RunSummary, dict[str, Any]]:
    """Assess the demo service (demo model behind the keyword guard) on the starter bank.

    Synchronous (runs its own event loop). With ``filing_id`` the report digest is attached to
    the filing (:func:`record_assessment_on_filing`). Returns the run summary and JSON report.
    """
    import asyncio

    from govloop.assess._bank import load_bank
    from govloop.assess._filing import record_assessment_on_filing
    from govloop.assess._report import build_report

    options = RunOptions(sizes=dict(sizes or DEFAULT_SIZES), seed=seed, max_tokens=max_tokens)
    summary = asyncio.run(
        run_assessment(
            store,
            DEMO_MODEL_SPEC,
            load_bank(),
            options,
            filing_id=filing_id,
            concurrency=concurrency,
            on_progress=on_progress,
        )
    )
    if filing_id is not None:
        record_assessment_on_filing(store, filing_id, summary.run_id)
    return summary, build_report(store, summary.run_id)
