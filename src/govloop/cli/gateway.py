"""``govloop gateway``: run the governed OpenAI-compatible gateway and manage its API keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from govloop.cli._common import print_json, state

gateway_app = typer.Typer(
    help="The governed OpenAI-compatible gateway: serve, API keys, log retention.",
    no_args_is_help=True,
)
key_app = typer.Typer(help="API keys bound to requesters (hashed at rest).", no_args_is_help=True)
gateway_app.add_typer(key_app, name="key")

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@gateway_app.command("serve")
def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes.")] = 1,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Gateway config (YAML/TOML: served models, labels, policy)."),
    ] = None,
) -> None:
    """Serve /v1/chat/completions, /v1/completions, /v1/models and /v1/images/generations."""
    from govloop.gateway import load_gateway_config, serve

    st = state(ctx)
    cfg = load_gateway_config(config, home=st.settings.home)  # validate before forking workers
    st.store  # noqa: B018 - migrate once, before the workers start
    st.close()
    names = ", ".join(f"{m.name} (filing {m.filing})" for m in cfg.models)
    st.err_console.print(
        f"govloop gateway on http://{host}:{port}/v1 with {workers} worker(s): {names}"
    )
    serve(
        host=host, port=port, workers=workers, gateway_config=config, settings_file=st.config_file
    )


@key_app.command("create")
def key_create(
    ctx: typer.Context,
    requester: Annotated[str, typer.Option("--requester", help="Who the key belongs to.")],
    allow_unlabeled: Annotated[
        bool,
        typer.Option(
            "--allow-unlabeled",
            help="The requester's agreement allows content without explicit labels (Art. 9).",
        ),
    ] = False,
    rate: Annotated[float | None, typer.Option("--rate", help="Requests per second.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an API key; the token is printed once and only its hash is stored."""
    from govloop.gateway import ApiKeys

    key, token = ApiKeys(state(ctx).store).create(
        requester, allow_unlabeled=allow_unlabeled, rate=rate
    )
    if as_json:
        print_json(ctx, {**key.to_json(), "token": token})
        return
    typer.echo(f"key {key.id} for {key.requester}")
    typer.echo(token)


@key_app.command("list")
def key_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List API keys (ids, requesters, agreements; never tokens)."""
    from govloop.gateway import ApiKeys

    keys = ApiKeys(state(ctx).store).list()
    if as_json:
        print_json(ctx, [k.to_json() for k in keys])
        return
    for k in keys:
        status = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
        flags = " unlabeled-allowed" if k.allow_unlabeled else ""
        rate = f" {k.rate:g}/s" if k.rate else ""
        typer.echo(f"{k.id}  {k.requester}  {status}{flags}{rate}")


@key_app.command("revoke")
def key_revoke(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="Key id (from 'key list').")],
    as_json: JsonOpt = False,
) -> None:
    """Revoke an API key (running gateways stop accepting it within a second)."""
    from govloop.gateway import ApiKeys

    key = ApiKeys(state(ctx).store).revoke(key_id)
    if as_json:
        print_json(ctx, key.to_json())
        return
    typer.echo(f"revoked {key.id} ({key.requester})")


@gateway_app.command("reinstate")
def reinstate(
    ctx: typer.Context,
    requester: Annotated[
        str, typer.Argument(help="Requester suspended or throttled for violations.")
    ],
) -> None:
    """Lift a requester's throttling or suspension."""
    from govloop.gateway import ApiKeys

    ApiKeys(state(ctx).store).set_standing(requester, "active", "reinstated by operator")
    typer.echo(f"{requester} is active again")


@gateway_app.command("purge-logs")
def purge(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Delete delivery and violation records older than log_retention_days (>= 183)."""
    from govloop.gateway import purge_logs

    st = state(ctx)
    counts = purge_logs(st.store, retention_days=st.settings.log_retention_days)
    if as_json:
        print_json(ctx, counts)
        return
    typer.echo(f"purged {counts['deliveries']} deliveries and {counts['violations']} violations")


def register(app: typer.Typer) -> None:
    """Add ``govloop gateway`` to the root app."""
    app.add_typer(gateway_app, name="gateway")
