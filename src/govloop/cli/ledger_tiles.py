"""``govloop ledger tiles`` and ``fetch-proof``: publish the log as tlog-tiles, prove from it.

``tiles export`` writes the C2SP layout into a directory any static web server can publish;
``tiles serve`` serves the same layout straight from the database (or an export); ``fetch-proof``
is the other side: inclusion and consistency proofs built from a log's tiles alone, no database.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govloop.cli._common import print_json, state

if TYPE_CHECKING:
    from govloop.ledger import Ledger

tiles_app = typer.Typer(
    help="Publish the ledger as C2SP tlog-tiles (checkpoint, hash tiles, entry bundles).",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _ledger(ctx: typer.Context) -> Ledger:
    from govloop.ledger import Ledger

    st = state(ctx)
    return Ledger.open(st.store, st.keys, st.settings)


@tiles_app.command("export")
def export_cmd(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Directory to write the layout into.")],
    no_fsync: Annotated[
        bool, typer.Option("--no-fsync", help="Skip fsync (faster; not crash-safe).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Export the latest signed checkpoint's tree; later runs write only new and changed tiles.

    The checkpoint file carries the witness cosignatures received so far (export again after
    'ledger witness add' to publish new ones).
    """
    from functools import partial

    from govloop.ledger import export_tiles
    from govloop.witness import cosigned_note

    ledger = _ledger(ctx)
    publish = partial(cosigned_note, ledger.store)  # the witnesses' cosignatures travel along
    report = export_tiles(ledger, directory, fsync=not no_fsync, publish=publish)
    if as_json:
        print_json(ctx, report.to_json())
        return
    for path in report.written:
        typer.echo(path)
    state(ctx).err_console.print(
        f"exported size {report.new_size} (was {report.old_size}) into {report.directory}: "
        f"{len(report.written)} files written"
    )


@tiles_app.command("serve")
def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8080,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Serve an exported directory instead of the database."),
    ] = None,
) -> None:
    """Serve checkpoint, tile/<L>/<N> and tile/entries/<N> read-only over HTTP."""
    import uvicorn

    from govloop.ledger import DirTiles, LedgerTiles, TileSource
    from govloop.tlog_http import tiles_app as make_app

    source: TileSource
    if directory is not None:
        if not directory.is_dir():
            from govloop.errors import InputError

            raise InputError(f"--dir {directory}: not a directory")
        source = DirTiles(directory)
        what = str(directory)
    else:
        from functools import partial

        from govloop.witness import cosigned_note

        ledger = _ledger(ctx)
        source = LedgerTiles(ledger, publish=partial(cosigned_note, ledger.store))
        what = f"log {ledger.origin}"
    state(ctx).err_console.print(f"tlog-tiles of {what} on http://{host}:{port}/")
    uvicorn.run(make_app(source), host=host, port=port, log_level="warning")


def fetch_proof(
    ctx: typer.Context,
    location: Annotated[
        str,
        typer.Argument(metavar="URL", help="Log prefix: https://..., file://... or a dir."),
    ],
    index: Annotated[
        int | None, typer.Argument(min=0, help="Entry index to prove inclusion of.")
    ] = None,
    old_size: Annotated[
        int | None, typer.Option("--old-size", min=1, help="Also prove consistency from size N.")
    ] = None,
    old_checkpoint: Annotated[
        Path | None,
        typer.Option("--old-checkpoint", help="Checkpoint kept earlier: prove the log extends it."),
    ] = None,
    key_files: Annotated[
        list[Path] | None,
        typer.Option(
            "--key",
            metavar="FILE",
            help="Verifier key of the log (note key line from 'ledger key export', or PEM/hex). "
            "Without it the checkpoint signature is NOT checked.",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Build and verify inclusion/consistency proofs from a log's tiles alone (no database)."""
    from govloop.cli._common import read_text_file as _read_text
    from govloop.errors import InputError
    from govloop.ledger import TileClient, load_verifiers, prove_from_tiles

    if index is None and old_size is None and old_checkpoint is None:
        raise InputError("give an INDEX, --old-size or --old-checkpoint: nothing to prove")
    with TileClient(location) as client:
        verifiers = None
        if key_files:
            note = client.checkpoint_note()
            verifiers = []
            for path in key_files:
                verifiers.extend(
                    load_verifiers(_read_text(path, "key"), source=str(path), note=note)
                )
        old_note = _read_text(old_checkpoint, "checkpoint") if old_checkpoint else None
        proofs = prove_from_tiles(
            client, verifiers, index=index, old_size=old_size, old_checkpoint=old_note
        )
    if as_json:
        print_json(ctx, proofs.to_json())
        return
    body = proofs.body
    signed = "signature checked" if proofs.signature_checked else "signature NOT checked (no --key)"
    typer.echo(f"OK: {body.origin} size {body.tree_size}, {signed}")
    if proofs.inclusion is not None:
        p = proofs.inclusion
        typer.echo(f"leaf {p.leaf_index} of {p.tree_size}  leaf hash {p.leaf_hash}")
        for h in p.inclusion_path:
            typer.echo(f"  {h}")
    if proofs.consistency is not None:
        c = proofs.consistency
        typer.echo(f"consistency {c.old_size} -> {c.new_size}")
        for h in c.consistency_path:
            typer.echo(f"  {h}")
    if not proofs.signature_checked:
        state(ctx).err_console.print(
            "warning: without --key anyone who can answer for this URL could have made these tiles"
        )


def register(ledger_app: typer.Typer) -> None:
    """Add ``tiles export``, ``tiles serve`` and ``fetch-proof`` to the ``ledger`` group."""
    ledger_app.add_typer(tiles_app, name="tiles")
    ledger_app.command("fetch-proof")(fetch_proof)
