"""``govloop trace FILE``: find which ledger entry a piece of content came from."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govloop.cli._common import print_json, state

if TYPE_CHECKING:
    from govloop.trace import ProvenanceReport


def _table(ctx: typer.Context, report: ProvenanceReport) -> None:
    from rich.table import Table

    console = state(ctx).console
    console.print(
        f"[bold]{report.filename or '<stdin>'}[/]  {report.media_type}  sha256 {report.sha256}"
    )
    ran = ", ".join(f"{s.name}:{s.status}" for s in report.sources)
    console.print(f"sources: {ran}", highlight=False)
    if not report.candidates:
        console.print("[yellow]no ledger entry found[/]")
        return
    table = Table(title="candidates")
    for col in (
        "#",
        "index",
        "confidence",
        "evidence",
        "ProduceID",
        "model",
        "filing",
        "time",
        "proof",
    ):
        table.add_column(col)
    for c in report.candidates:
        ev = ", ".join(f"{e.source} {e.confidence:.2f}" for e in c.evidence)
        table.add_row(
            str(c.rank),
            str(c.index),
            f"{c.confidence:.4f}",
            ev,
            c.entry.produce_id,
            c.entry.model,
            c.filing_id or "-",
            c.entry.created_at,
            f"ok @ {c.inclusion_proof.tree_size}" if c.proof_verified else "FAILED",
        )
    console.print(table)


def trace_cmd(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="Content file, or '-' for text on stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    limit: Annotated[int, typer.Option(help="Most candidates to report.")] = 5,
    witness_policy: Annotated[
        Path | None,
        typer.Option(
            "--witness-policy",
            metavar="FILE",
            help="Require each candidate's checkpoint to carry the witness cosignatures this "
            "policy asks for (exit 1 if one does not).",
        ),
    ] = None,
) -> None:
    """Trace content back to the ledger: evidence, ranked entries and inclusion proofs."""
    from govloop.errors import InputError
    from govloop.ledger import Ledger
    from govloop.trace import trace

    if file == "-":
        data, name = sys.stdin.buffer.read(), ""
    else:
        try:
            data, name = Path(file).read_bytes(), Path(file).name
        except OSError as exc:
            raise InputError(f"{file}: cannot read: {exc.strerror}") from exc
    st = state(ctx)
    ledger = Ledger.open(st.store, st.keys, st.settings)
    report = trace(data, filename=name, ledger=ledger, limit=limit)
    if as_json:
        print_json(ctx, report.to_json())
    else:
        _table(ctx, report)
    if witness_policy is not None:
        from govloop.cli.ledger_witness import witness_checks

        ok, lines = witness_checks(
            ledger, witness_policy, [c.checkpoint for c in report.candidates]
        )
        for line in lines:
            typer.echo(line, err=as_json)
        if not ok:
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``trace`` command."""
    app.command("trace")(trace_cmd)
