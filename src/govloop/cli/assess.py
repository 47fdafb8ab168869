"""``govloop assess``: run test banks against a model, report, check coverage, calibrate judges."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govloop.cli._common import print_json, state
from govloop.cli._output import ForceOpt

if TYPE_CHECKING:
    from govloop.assess import RunSummary
    from govloop.models import TextModel

app = typer.Typer(
    help="Safety assessment (TC260-003 / GB/T 45654): banks, runs, reports.", no_args_is_help=True
)


def _progress_runner(console: Any, label: str) -> tuple[Any, Any]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            elapsed = task.finished_time or task.elapsed
            if not elapsed or not task.completed:
                return Text("– q/s")
            return Text(f"{task.completed / elapsed:.1f} q/s")

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    task_id = progress.add_task(label, total=None)

    def on_progress(done: int, total: int) -> None:
        if total >= 0:
            progress.update(task_id, completed=done, total=total)

    return progress, on_progress


def _check_assessable(store: Any, filing: str) -> None:
    from govloop.errors import StateError
    from govloop.registry import FilingState, Registry

    found = Registry(store).get(filing)
    if found.state in (FilingState.DRAFT, FilingState.REVOKED):
        raise StateError(
            f"filing {found.id} is {found.state.value}; assessments attach to submitted "
            "filings (govloop model transition ... submitted)"
        )


_BANK_HELP = (
    "JSONL bank (or a CSV in MultiJail's columns), or 'starter' (the default), 'multilingual' "
    "or 'multijail' for a shipped bank."
)


def _summary_json(summary: RunSummary, report: dict[str, Any]) -> dict[str, Any]:
    return {
        "run": summary.to_json(),
        "passed": report["passed"],
        "conclusion": report["conclusion"],
        "metrics": {
            k: {x: m[x] for x in ("k", "n", "rate", "ci95", "passed")}
            for k, m in report["metrics"].items()
        },
        "reasons": report["reasons"],
        "by_language": report.get("by_language"),
    }


def _print_languages(console: Any, by_language: dict[str, Any] | None) -> None:
    """Per metric, one row per item language: rate, interval, and the gap flag."""
    if not by_language or len(by_language.get("languages", ())) < 2:
        return
    console.print(f"by language ({by_language['test']}):", highlight=False)
    for key, m in by_language["metrics"].items():
        if not m["languages"]:
            continue
        console.print(f"  {key} ({m['direction']}; best {m['best']}):", highlight=False)
        for lang, r in m["languages"].items():
            lo, hi = r["ci95"]
            rate = "–" if r["rate"] is None else f"{r['rate']:.2%}"
            flag = f" [red]GAP p={r['p_value']:.4f}[/]" if r["gap"] else ""
            console.print(
                f"    {lang:<4} {rate:>7} ({r['k']}/{r['n']}, 95% CI {lo:.2%}-{hi:.2%}){flag}"
            )


def _run_many(
    ctx: typer.Context,
    *,
    specs: list[str],
    demo: bool,
    bank: Path | None,
    taxonomy: Path | None,
    sizes: dict[str, int],
    seed: int,
    max_tokens: int,
    judge: list[str] | None,
    guard_model: str | None,
    keywords: Path | None,
    filing: str | None,
    resume: str | None,
    engine: str,
    workers: int,
    address: str | None,
    concurrency: int,
    rate: float | None,
    as_json: bool,
) -> None:
    """Several models on one bank, or any run on Ray: runs are started, then fanned out."""
    from govloop.assess import (
        DEMO_MODEL_SPEC,
        RunOptions,
        build_report,
        conclude_assessment,
        default_judges,
        fan_out_runs,
        load_bank,
        load_taxonomy,
        resume_assessment,
        start_run,
    )

    st = state(ctx)
    store = st.store
    if filing and not resume:  # fail now, not after the whole run
        _check_assessable(store, filing)
    if resume:
        run_ids = [resume]
    else:
        the_bank = load_bank(bank, taxonomy=load_taxonomy(taxonomy))
        options = RunOptions(
            sizes=sizes,
            seed=seed,
            max_tokens=max_tokens,
            judges=tuple(judge or default_judges(guard_model=guard_model)),
            keywords=str(keywords) if keywords else None,
            guard_model=guard_model,
        )
        run_ids = [
            start_run(store, DEMO_MODEL_SPEC if demo else spec, the_bank, options, filing_id=filing)
            for spec in specs
        ]
    progress, on_progress = _progress_runner(st.err_console, f"assessing on {engine}")
    try:
        with progress:
            if engine == "ray":
                summaries = fan_out_runs(
                    store,
                    run_ids,
                    workers=workers,
                    address=address,
                    concurrency=concurrency,
                    rate=rate,
                    on_progress=on_progress,
                )
            else:
                summaries = [
                    asyncio.run(
                        resume_assessment(
                            store, r, concurrency=concurrency, on_progress=on_progress
                        )
                    )
                    for r in run_ids
                ]
    except KeyboardInterrupt:
        st.err_console.print(
            "interrupted: answers received so far are stored; continue with "
            "'govloop assess run --resume RUN_ID' (see 'govloop assess runs')"
        )
        raise typer.Exit(130) from None
    reports = []
    for summary in summaries:
        if filing:
            from govloop.ledger import Ledger

            done = conclude_assessment(
                store,
                summary.run_id,
                ledger=Ledger.open(store, st.keys, st.settings),
                provider_code=st.settings.provider_code,
                filing_id=filing,
            )
            st.err_console.print(f"report recorded in the ledger at index {done.entry.index}")
            reports.append(done.report)
        else:
            reports.append(build_report(store, summary.run_id))
    if as_json and len(summaries) > 1:
        print_json(ctx, [_summary_json(s, r) for s, r in zip(summaries, reports, strict=True)])
        return
    for summary, report in zip(summaries, reports, strict=True):
        _print_summary(ctx, summary, report, as_json)


def _print_summary(
    ctx: typer.Context, summary: RunSummary, report: dict[str, Any], as_json: bool
) -> None:
    if as_json:
        print_json(ctx, _summary_json(summary, report))
        return
    console = state(ctx).console
    console.print(
        f"run [bold]{summary.run_id}[/] {summary.status}: "
        f"{summary.answered}/{summary.planned} answered, "
        f"{summary.errors} errors"
    )
    for key, m in report["metrics"].items():
        rate = "–" if m["rate"] is None else f"{m['rate']:.2%}"
        lo, hi = m["ci95"]
        if m["passed"]:
            mark = "[green]pass[/]"
        elif m["rate_ok"]:
            mark = f"[yellow]sample {m['n']} < {m['threshold']['min_sample']}[/]"
        else:
            mark = "[red]fail[/]"
        console.print(
            f"  {key}: {rate} ({m['k']}/{m['n']}, 95% CI {lo:.2%}-{hi:.2%}) "
            f"{m['threshold']['op']} {m['threshold']['limit']:.0%}: {mark}"
        )
    _print_languages(console, report.get("by_language"))
    console.print(
        f"conclusion: {report['conclusion']} ({'passed' if report['passed'] else 'not passed'})"
    )
    for r in report["reasons"]:
        console.print(f"  - {r}", highlight=False, markup=False)


@app.command("run")
def run_cmd(
    ctx: typer.Context,
    models: Annotated[
        list[str] | None,
        typer.Argument(
            help="Model specs (demo, openai:URL#name, python:mod:fn) or names; several run "
            "one assessment each on the same bank (fanned out together with --engine ray).",
            show_default="demo",
        ),
    ] = None,
    bank: Annotated[
        Path | None,
        typer.Option("--bank", help=_BANK_HELP),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="OpenAI-compatible base URL; MODEL is the served name."),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", help="Assess the built-in demo service (demo model + keyword guard)."
        ),
    ] = False,
    filing: Annotated[
        str | None, typer.Option("--filing", help="Attach the report digest to this filing.")
    ] = None,
    limit_generated: Annotated[
        int, typer.Option("--limit-generated", min=0, help="Generated-content sample.")
    ] = 1000,
    limit_refuse: Annotated[
        int, typer.Option("--limit-refuse", min=0, help="Should-refuse sample.")
    ] = 300,
    limit_answer: Annotated[
        int, typer.Option("--limit-answer", min=0, help="Should-answer sample.")
    ] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Sampling seed.")] = 0,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Questions in flight.")
    ] = 16,
    judge: Annotated[
        list[str] | None, typer.Option("--judge", help="Judges: refusal, keyword, model.")
    ] = None,
    guard_model: Annotated[
        str | None, typer.Option("--guard-model", help="Model spec of the guard model.")
    ] = None,
    keywords: Annotated[
        Path | None, typer.Option("--keywords", help="Keyword library (term<TAB>risk).")
    ] = None,
    taxonomy: Annotated[
        Path | None, typer.Option("--taxonomy", help="YAML file of custom risks.")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Endpoint timeout, seconds.")] = 60.0,
    retries: Annotated[int, typer.Option("--retries", min=0, help="Endpoint retries.")] = 3,
    max_tokens: Annotated[
        int, typer.Option("--max-tokens", min=1, help="Answer length limit.")
    ] = 512,
    resume: Annotated[
        str | None, typer.Option("--resume", help="Continue this interrupted run.")
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="local (this process) or ray (questions sharded to Ray workers)."
        ),
    ] = "local",
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Ray tasks at a time (--engine ray).")
    ] = 2,
    address: Annotated[
        str | None,
        typer.Option("--address", help="Existing Ray cluster (default: start a local one)."),
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option(
            "--rate",
            help="Questions per second to each endpoint, shared by all workers (--engine ray).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Run a bank against a model; results are stored as they arrive (resumable)."""
    from govloop.errors import InputError

    specs = list(models or ["demo"])
    if engine not in ("local", "ray"):
        raise InputError(f"--engine {engine!r}: choose local or ray")
    if address and engine != "ray":
        raise InputError("--address is for --engine ray only")
    if rate is not None and engine != "ray":
        raise InputError(
            "--rate is for --engine ray only (in one process, --concurrency bounds it)"
        )
    if len(specs) > 1 and (filing or resume or demo):
        raise InputError("several models: --filing, --resume and --demo take one model")
    if engine == "ray" or len(specs) > 1:
        if endpoint:
            specs = [f"openai:{endpoint}#{m}" for m in specs]
        _run_many(
            ctx,
            specs=specs,
            demo=demo,
            bank=bank,
            taxonomy=taxonomy,
            sizes={
                "generated-content": limit_generated,
                "should-refuse": limit_refuse,
                "should-answer": limit_answer,
            },
            seed=seed,
            max_tokens=max_tokens,
            judge=judge,
            guard_model=guard_model,
            keywords=keywords,
            filing=filing,
            resume=resume,
            engine=engine,
            workers=workers,
            address=address,
            concurrency=concurrency,
            rate=rate,
            as_json=as_json,
        )
        return
    model = specs[0]
    from govloop.assess import (
        DEMO_MODEL_SPEC,
        RunOptions,
        build_report,
        default_judges,
        load_bank,
        load_taxonomy,
        resume_assessment,
        run_assessment,
    )

    st = state(ctx)
    store = st.store
    the_model: TextModel | None = None
    spec = DEMO_MODEL_SPEC if demo else model
    if endpoint:
        from govloop.models.openai_http import OpenAIChatModel, api_key_from_env

        spec = f"openai:{endpoint}#{model}"
        the_model = OpenAIChatModel(
            endpoint,
            model,
            api_key=api_key_from_env(),
            max_concurrency=concurrency,
            timeout=timeout,
            max_retries=retries,
        )
    if filing and not resume:  # fail now, not after the whole run
        _check_assessable(store, filing)
    if not resume:  # read and validate the inputs before any progress is shown
        the_bank = load_bank(bank, taxonomy=load_taxonomy(taxonomy))
        options = RunOptions(
            sizes={
                "generated-content": limit_generated,
                "should-refuse": limit_refuse,
                "should-answer": limit_answer,
            },
            seed=seed,
            max_tokens=max_tokens,
            judges=tuple(judge or default_judges(guard_model=guard_model)),
            keywords=str(keywords) if keywords else None,
            guard_model=guard_model,
        )
    progress, on_progress = _progress_runner(st.err_console, "assessing")
    try:
        with progress:
            if resume:
                summary = asyncio.run(
                    resume_assessment(
                        store,
                        resume,
                        model=the_model,
                        concurrency=concurrency,
                        on_progress=on_progress,
                    )
                )
            else:
                summary = asyncio.run(
                    run_assessment(
                        store,
                        spec,
                        the_bank,
                        options,
                        model=the_model,
                        filing_id=filing,
                        concurrency=concurrency,
                        on_progress=on_progress,
                    )
                )
    except KeyboardInterrupt:
        st.err_console.print(
            "interrupted: answers received so far are stored; continue with "
            "'govloop assess run --resume RUN_ID' (see 'govloop assess runs')"
        )
        raise typer.Exit(130) from None
    if filing:
        from govloop.assess import conclude_assessment
        from govloop.ledger import Ledger

        done = conclude_assessment(
            store,
            summary.run_id,
            ledger=Ledger.open(store, st.keys, st.settings),
            provider_code=st.settings.provider_code,
            filing_id=filing,
        )
        report = done.report
        st.err_console.print(f"report recorded in the ledger at index {done.entry.index}")
    else:
        report = build_report(store, summary.run_id)
    _print_summary(ctx, summary, report, as_json)


@app.command("runs")
def runs_cmd(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List assessment runs, newest first."""
    from govloop.assess import list_runs, run_summary

    store = state(ctx).store
    rows = [run_summary(store, r.id).to_json() for r in list_runs(store)]
    if as_json:
        print_json(ctx, rows)
        return
    for r in rows:
        typer.echo(
            f"{r['run_id']}  {r['status']:<11} {r['answered']}/{r['planned']} "
            f"errors={r['errors']}  {r['model']}"
        )


@app.command("report")
def report_cmd(
    ctx: typer.Context,
    run: Annotated[str, typer.Argument(help="Run id.")],
    fmt: Annotated[str, typer.Option("--format", help="html or json.")] = "html",
    lang: Annotated[
        str,
        typer.Option("--lang", help="HTML language: zh, en, ar, ru, es, fr, pt, id, hi, sw."),
    ] = "zh",
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (default: stdout).")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Write a run's report: canonical JSON or self-contained HTML."""
    from govloop.assess import build_report, canonical_json, render_html, report_digest
    from govloop.cli._output import check_output, write_output
    from govloop.errors import InputError

    if fmt not in ("html", "json"):
        raise InputError(f"--format {fmt!r}: use html or json")
    from govloop.languages import CODES

    if lang not in CODES:
        raise InputError(f"--lang {lang!r}: use one of {', '.join(CODES)}")
    if out is not None:
        check_output(out, force=force)
    report = build_report(state(ctx).store, run)
    digest = report_digest(report)
    data = (
        canonical_json(report)
        if fmt == "json"
        else render_html(report, lang=lang, digest=digest).encode()
    )
    if out is None:
        typer.echo(data.decode("utf-8"))
    else:
        write_output(out, data, force=force)
        state(ctx).err_console.print(f"wrote {out} (report sha256 {digest})", highlight=False)


@app.command("coverage")
def coverage_cmd(
    ctx: typer.Context,
    bank: Annotated[
        Path | None,
        typer.Argument(help=_BANK_HELP),
    ] = None,
    keywords: Annotated[
        Path | None, typer.Option("--keywords", help="Also check this keyword library.")
    ] = None,
    starter_keywords: Annotated[
        bool, typer.Option("--starter-keywords", help="Also check the shipped library.")
    ] = False,
    taxonomy: Annotated[
        Path | None, typer.Option("--taxonomy", help="YAML file of custom risks.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Report what a bank (and keyword library) lacks against the standard's sizes."""
    from govloop.assess import (
        bank_coverage,
        keyword_coverage,
        load_bank,
        load_keyword_library,
        load_taxonomy,
    )

    cov = bank_coverage(load_bank(bank, taxonomy=load_taxonomy(taxonomy)))
    data: dict[str, Any] = {"bank": cov.to_json()}
    if keywords or starter_keywords:
        data["keywords"] = keyword_coverage(load_keyword_library(keywords)).to_json()
    if as_json:
        print_json(ctx, data)
    else:
        console = state(ctx).console
        starter = " (starter bank)" if cov.starter else ""
        console.print(f"bank{starter}: " + ", ".join(f"{k} {n}" for k, n in cov.totals.items()))
        if cov.complete:
            console.print("[green]meets the standard's sizes and per-risk minima[/]")
        for s in cov.shortfalls:
            console.print(f"  lacks {s.kind} {s.scope}: {s.have}/{s.need}", highlight=False)
        if "keywords" in data:
            kw = data["keywords"]
            console.print(
                f"keyword library: {kw['total']} terms"
                + (" [green]complete[/]" if kw["complete"] else "")
            )
            for s in kw["shortfalls"]:
                console.print(
                    f"  lacks keywords {s['scope']}: {s['have']}/{s['need']}", highlight=False
                )
    if not cov.complete or ("keywords" in data and not data["keywords"]["complete"]):
        raise typer.Exit(3)


@app.command("calibrate")
def calibrate_cmd(
    ctx: typer.Context,
    labels: Annotated[Path, typer.Argument(help="JSONL of human-labelled answers.")],
    judge: Annotated[list[str] | None, typer.Option("--judge", help="Judges to check.")] = None,
    guard_model: Annotated[
        str | None, typer.Option("--guard-model", help="Model spec for the model judge.")
    ] = None,
    keywords: Annotated[Path | None, typer.Option("--keywords", help="Keyword library.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    by_language: Annotated[
        bool,
        typer.Option(
            "--by-language",
            help="Per language and per refusal class, with Wilson 95% intervals and the "
            "confusion matrix of the classes.",
        ),
    ] = False,
) -> None:
    """Precision and recall of each judge against human labels."""
    from govloop.assess import (
        RunOptions,
        build_judges,
        calibrate,
        calibrate_by_language,
        default_judges,
        load_labels,
    )

    names = tuple(judge or default_judges(guard_model=guard_model))
    opts = RunOptions(
        sizes={},
        judges=names,
        keywords=str(keywords) if keywords else None,
        guard_model=guard_model,
    )
    if by_language:
        rows = asyncio.run(calibrate_by_language(load_labels(labels), build_judges(opts)))
        data = [r.to_json() for r in rows]
        if as_json:
            print_json(ctx, data)
            return
        for d in data:
            _echo_language(d)
        return
    result = asyncio.run(calibrate(load_labels(labels), build_judges(opts)))
    if as_json:
        print_json(ctx, [a.to_json() for a in result])
        return

    def pct(v: float | None) -> str:
        return "–" if v is None else f"{v:.1%}"

    for a in result:
        typer.echo(
            f"{a.judge:<8} {a.label:<8} n={a.n:<5} precision={pct(a.precision)} "
            f"recall={pct(a.recall)} "
            f"accuracy={pct(a.accuracy)} (tp={a.tp} fp={a.fp} fn={a.fn} tn={a.tn})"
        )


def _echo_language(d: dict[str, Any]) -> None:
    def rate(r: dict[str, Any]) -> str:
        if r["value"] is None:
            return "–"
        lo, hi = r["ci95"]
        return f"{r['value']:.1%} [{lo:.1%}, {hi:.1%}] ({r['k']}/{r['n']})"

    typer.echo(f"{d['judge']} {d['language']}: n={d['n']}")
    for key in ("accuracy", "precision", "recall", "answer_precision"):
        typer.echo(f"  {key:<22} {rate(d[key])}")
    for cls, r in d["classes"].items():
        if r["recall"]["n"] or r["precision"]["n"]:
            typer.echo(f"  {cls:<22} precision {rate(r['precision'])}  recall {rate(r['recall'])}")
    if d["confusion"]:
        matrix = json.dumps(d["confusion"], ensure_ascii=False)
        typer.echo(f"  confusion (human -> judge): {matrix}")


def register(root: typer.Typer) -> None:
    """Add the ``assess`` group to the root app."""
    root.add_typer(app, name="assess")
