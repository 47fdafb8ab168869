"""``govloop scan SOURCE``: labels, signatures, watermarks and ledger entries for many files.

The library (:mod:`govloop.scan`) does the work and reports progress through a callback; this
module turns that into a Rich progress bar with rate and ETA and ends with the summary table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govloop.cli._common import print_json, state

if TYPE_CHECKING:
    from rich.progress import Task
    from rich.text import Text

    from govloop.scan import ReportSummary, ScanSummary


def _rate_column() -> Any:
    """A progress column showing items per second."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Items scanned per second in this run (resumed items excluded)."""

        def render(self, task: Task) -> Text:
            elapsed = task.elapsed or 0.0
            done = task.completed - float(task.fields.get("resumed", 0))
            return Text("-- items/s" if elapsed <= 0 else f"{done / elapsed:,.1f} items/s")

    return RateColumn()


def _summary_table(ctx: typer.Context, summary: ScanSummary, output: Path) -> None:
    from rich.table import Table

    table = Table(title=f"scan summary ({output})")
    table.add_column("count")
    table.add_column("files", justify="right")
    rows = [
        ("scanned", summary.scanned),
        ("  of which resumed from the journal", summary.resumed),
        ("labelled (implicit label)", summary.labelled),
        ("  signature ok", summary.signature_ok),
        ("  signature failed or absent", summary.signature_failed),
        ("explicit label found", summary.explicit),
        ("watermarked", summary.watermarked),
        ("traced to the ledger", summary.traced),
        ("  proof failed", summary.proof_failed),
    ]
    rows += [(f"error: {reason}", n) for reason, n in summary.errors.items()]
    for name, count in rows:
        table.add_row(name, str(count))
    state(ctx).console.print(table)


def _reports_table(ctx: typer.Context, reports: ReportSummary) -> None:
    from rich.table import Table

    table = Table(title="scan reports (complaints)")
    table.add_column("count")
    table.add_column("hits", justify="right")
    rows = [("hits", reports.hits), ("filed now", reports.filed)]
    rows += [("already filed (not again)", reports.already_filed)]
    rows += [(f"  {kind}", n) for kind, n in reports.by_kind.items()]
    for name, count in rows:
        table.add_row(name, str(count))
    state(ctx).console.print(table)


def scan_cmd(
    ctx: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(
            help="A folder (scanned recursively), a text file of paths or file:// URLs, or a "
            "Parquet/JSONL manifest with a 'path' column."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Results file (default scan-results.jsonl/.parquet)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or parquet.")] = "jsonl",
    engine: Annotated[str, typer.Option("--engine", help="local (process pool) or ray.")] = "local",
    workers: Annotated[
        int | None, typer.Option("--workers", help="Worker processes (default: the cores).")
    ] = None,
    address: Annotated[
        str | None,
        typer.Option("--address", help="Ray cluster address (else a local Ray is started)."),
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Items per task.")] = 16,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace an existing output and its journal (start the scan over)."
        ),
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Scan at most this many new items, then stop.")
    ] = None,
    file_reports: Annotated[
        bool,
        typer.Option(
            "--file-reports",
            help="File each hit (failed label signature, unlabeled traced output, traced "
            "output) as a report into the complaint workflow, once (reruns file nothing twice).",
        ),
    ] = False,
    reporter: Annotated[
        str | None,
        typer.Option("--reporter", help="The platform (or regulator) account filing reports."),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the reports: zh or en.")] = "zh",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Scan many files: labels and signatures, watermarks, and the ledger entry of each.

    Resumable: finished items are journalled next to the output, and rerunning the same
    command scans only the rest. Unreadable or broken files are result rows with a reason.
    With --file-reports --reporter NAME the hits become reports in the complaint workflow.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from govloop.errors import InputError
    from govloop.ledger import Ledger
    from govloop.scan import make_engine, scan

    if fmt not in ("jsonl", "parquet"):
        raise InputError(f"--format must be jsonl or parquet, not {fmt!r}")
    out = output or Path(f"scan-results.{fmt}")
    chosen = make_engine(engine, workers=workers, address=address)
    st = state(ctx)
    filer = _reporter(ctx, reporter, lang) if file_reports else None
    if reporter and not file_reports:
        raise InputError("--reporter is for --file-reports only")
    ledger = Ledger.open(st.store, st.keys, st.settings)
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        _rate_column(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=st.err_console, disable=as_json) as bar:
        task = bar.add_task(f"scanning ({chosen.name}, {chosen.workers} workers)", total=None)

        started: list[int] = []

        def progress(done: int, total: int) -> None:
            if not started:  # the resumed items: the start, not speed (rate and ETA)
                started.append(done)
                bar.reset(task, completed=done, total=total, resumed=done)
            else:
                bar.update(task, completed=done, total=total)

        summary = scan(
            source,
            out,
            ledger=ledger,
            engine=chosen,
            fmt=fmt,  # type: ignore[arg-type]  # checked above
            batch_size=batch_size,
            fresh=force,
            progress=progress,
            limit=limit,
        )
    reports = None
    if filer is not None:
        from govloop.feedback import Complaints
        from govloop.registry import Registry
        from govloop.scan import file_reports as file_hits
        from govloop.scan import read_results

        complaints = Complaints(st.store, ledger=ledger, registry=Registry(st.store))
        reports = file_hits(read_results(out), complaints=complaints, reporter=filer, lang=lang)
    if as_json:
        extra = {} if reports is None else {"reports": reports.to_json()}
        print_json(ctx, summary.to_json() | {"output": str(out)} | extra)
    else:
        _summary_table(ctx, summary, out)
        if reports is not None:
            _reports_table(ctx, reports)


def _reporter(ctx: typer.Context, username: str | None, lang: str) -> Any:
    """The account filing reports, refused before the scan starts when it may not file."""
    from govloop.accounts import Accounts
    from govloop.errors import InputError
    from govloop.scan import check_reporter

    if not username:
        raise InputError("--file-reports needs --reporter NAME (a platform or regulator account)")
    if lang not in ("zh", "en"):
        raise InputError(f"--lang must be zh or en, not {lang!r}")
    user = Accounts(state(ctx).store).by_username(username)
    check_reporter(user)
    return user


def register(app: typer.Typer) -> None:
    """Add the ``scan`` command."""
    app.command("scan")(scan_cmd)
