"""``govloop demo``: the whole loop on the embedded default (SQLite, built-in models)."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from govloop.cli._common import print_json, state


class _RichReporter:
    """Renders the demo's progress as Rich rules and tables."""

    def __init__(self, console: Console, *, quiet: bool) -> None:
        self.console = console
        self.quiet = quiet

    def stage(self, title: str) -> None:
        if not self.quiet:
            self.console.rule(f"[bold]{title}")

    def table(self, title: str, columns: list[str], rows: list[list[str]]) -> None:
        if self.quiet:
            return
        table = Table(title=title, title_justify="left")
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*row)
        self.console.print(table)

    def note(self, text: str) -> None:
        if not self.quiet:
            self.console.print(f"  {text}", highlight=False)


def demo(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Label language: zh-en (default), zh, en, ar, ru, es, ..."),
    ] = None,
) -> None:
    """Run the whole loop: register, classify, assess, label, watermark, record, trace, serve."""
    from govloop.demo import run_demo

    st = state(ctx)
    reporter = _RichReporter(st.console, quiet=as_json)
    summary = run_demo(st.settings, reporter, lang=lang)
    if as_json:
        print_json(ctx, dataclasses.asdict(summary))
        return
    st.console.rule("[bold green]Loop closed")
    st.console.print(
        f"Done in {summary.seconds:.1f} s. Data in {st.settings.home} "
        f"(database {st.settings.db_url}).",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``govloop demo``."""
    app.command("demo")(demo)
