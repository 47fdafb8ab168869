"""``govloop plugins list``: every registered label format, judge, model, source and scheme.

Each row names the kind, the name and where it came from (built in, or the installed plugin and
its distribution), so an operator sees what a run config's names will resolve to on this host.
Plugins that failed to load are listed after the table, by name, with their error.
"""

from __future__ import annotations

import warnings
from typing import Annotated

import typer

from govloop.cli import _common

app = typer.Typer(help="Installed plugins: label formats, judges, models, sources, schemes.")


def _import_owners() -> None:
    """Import the packages that register each kind's built-ins."""
    import govloop.assess
    import govloop.label
    import govloop.models
    import govloop.trace
    import govloop.watermark

    del govloop


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Each kind, name and origin (built in or which plugin)."""
    from govloop.plugins import KINDS, PLUGINS, plugin_failures

    _import_owners()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failures are listed below, once
        rows = [
            {"kind": kind, "name": e.name, "origin": e.origin}
            for kind in KINDS
            for e in PLUGINS.kind(kind).entries()
        ]
    failures = [{"plugin": f.name, "target": f.value, "error": f.error} for f in plugin_failures()]
    if as_json:
        _common.print_json(ctx, {"entries": rows, "failures": failures})
        return
    st = _common.state(ctx)
    width = max(len(r["name"]) for r in rows) if rows else 4
    for r in rows:
        st.console.print(f"{r['kind']:<17} {r['name']:<{width}}  {r['origin']}", highlight=False)
    for f in failures:
        st.err_console.print(
            f"[yellow]plugin {f['plugin']} ({f['target']}) failed to load:[/] {f['error']}",
            highlight=False,
            markup=True,
        )


def register(root: typer.Typer) -> None:
    """Add the ``plugins`` group."""
    root.add_typer(app, name="plugins")
