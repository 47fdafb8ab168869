"""``govloop keys``: list, generate (rotate) and export the project's signing keys."""

from __future__ import annotations

from typing import Annotated

import typer

from govloop.cli._common import print_json, state

keys_app = typer.Typer(
    help="Signing keys in the key store (ledger, label, ...).", no_args_is_help=True
)

Purpose = Annotated[str, typer.Argument(help="Key purpose, e.g. 'ledger' or 'label'.")]


@keys_app.command("list")
def list_keys(
    ctx: typer.Context,
    purpose: Purpose,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List the keys of one purpose, oldest first; the active one is marked."""
    from govloop.keys import public_raw

    ks = state(ctx).keys
    keys = ks.all(purpose)
    active = ks.active(purpose, create=False).key_id if keys else None
    rows = [
        {
            "key_id": k.key_id,
            "active": k.key_id == active,
            "public_key": public_raw(k.public_key).hex(),
        }
        for k in keys
    ]
    if as_json:
        print_json(ctx, rows)
        return
    if not rows:
        typer.echo(f"no {purpose} keys yet")
    for row in rows:
        mark = "*" if row["active"] else " "
        typer.echo(f"{mark} {row['key_id']}  {row['public_key']}")


@keys_app.command("rotate")
def rotate(ctx: typer.Context, purpose: Purpose) -> None:
    """Generate a new key and make it active; old keys stay for verification."""
    key = state(ctx).keys.rotate(purpose)
    typer.echo(f"new active {purpose} key {key.key_id}")


@keys_app.command("export")
def export(ctx: typer.Context, purpose: Purpose) -> None:
    """Print the active public key as PEM."""
    from cryptography.hazmat.primitives import serialization

    key = state(ctx).keys.active(purpose, create=False)
    pem = key.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    typer.echo(pem.decode().rstrip())


def register(app: typer.Typer) -> None:
    """Add the ``keys`` group."""
    app.add_typer(keys_app, name="keys")
