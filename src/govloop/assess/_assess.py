"""One call to run an assessment end to end: open the model, build the judges, run, resume."""

from __future__ import annotations

from pathlib import Path

from govloop.assess._bank import Bank
from govloop.assess._judges import Judge, KeywordJudge, ModelJudge, RefusalJudge
from govloop.assess._keywords import load_keyword_library
from govloop.assess._run import (
    DEFAULT_SIZES,
    ResultCallback,
    RunOptions,
    RunSummary,
    execute_run,
    get_run,
    start_run,
)
from govloop.errors import InputError
from govloop.models._protocol import TextModel
from govloop.models._registry import open_text_model
from govloop.store import Store

#: Spec of the demo service: the built-in demo model behind the keyword guard.
DEMO_MODEL_SPEC = "guarded:demo"
JUDGE_NAMES = ("refusal", "keyword", "model")


def open_model(spec: str) -> TextModel:
    """Open the model named by a spec (``guarded:`` is the keyword guard of this package)."""
    if spec.startswith("guarded:"):
        from govloop.assess import _guard  # noqa: F401  (registers the scheme)
    return open_text_model(spec)


def build_judges(options: RunOptions, *, guard: TextModel | None = None) -> list[Judge]:
    """The judges a run's options name; ``model`` needs a guard model (given or by spec)."""
    judges: list[Judge] = []
    for name in options.judges:
        if name == "refusal":
            judges.append(RefusalJudge())
        elif name == "keyword":
            kw = Path(options.keywords) if options.keywords else None
            judges.append(KeywordJudge(load_keyword_library(kw)))
        elif name == "model":
            g = guard or (open_model(options.guard_model) if options.guard_model else None)
            if g is None:
                raise InputError("the model judge needs a guard model (--guard-model SPEC)")
            judges.append(ModelJudge(g))
        else:
            raise InputError(f"unknown judge {name!r}: use one of {', '.join(JUDGE_NAMES)}")
    return judges


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
    if on_progress is not None:
        on_progress(0, -1)
    return await execute_run(
        store, run_id, the_model, judges, concurrency=concurrency, on_progress=on_progress
    )


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
    return await execute_run(
        store, run_id, the_model, judges, concurrency=concurrency, on_progress=on_progress
    )
