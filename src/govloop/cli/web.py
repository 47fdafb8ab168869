"""``govloop web``: serve the stakeholder platform and manage its accounts and API tokens."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govloop.cli._common import print_json, state

if TYPE_CHECKING:
    from govloop.config import Settings

web_app = typer.Typer(
    help="The stakeholder platform (web pages and REST API): serve, accounts, API tokens.",
    no_args_is_help=True,
)
user_app = typer.Typer(help="Platform accounts (roles, argon2id passwords).", no_args_is_help=True)
token_app = typer.Typer(
    help="API tokens of platform accounts (hashed at rest).", no_args_is_help=True
)
web_app.add_typer(user_app, name="user")
web_app.add_typer(token_app, name="token")

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

DEMO_HOME = "web-demo"
"""Folder under the govloop home that ``serve --demo`` fills and serves."""


class _Quiet:
    """A demo reporter that prints stage titles only."""

    def stage(self, title: str) -> None:
        typer.echo(f"  demo: {title}", err=True)

    def table(self, title: str, columns: list[str], rows: list[list[str]]) -> None:
        del title, columns, rows

    def note(self, text: str) -> None:
        del text


def build_demo_home(settings: Settings) -> Settings:
    """A demo home beside ``settings.home``, filled by the demo loop (with the platform's seed).

    Built once; a second ``serve --demo`` reuses it.
    """
    from govloop.config import Settings as _Settings
    from govloop.demo import run_demo

    home = settings.home / DEMO_HOME
    demo = _Settings(
        home=home,
        database_url=f"sqlite:///{home / 'govloop.db'}",
        provider_code=settings.provider_code,
        platform_code=settings.platform_code or settings.provider_code,
    )
    marker = home / ".web-demo-ready"
    if marker.is_file():
        return demo
    home.mkdir(parents=True, exist_ok=True)
    run_demo(demo, _Quiet())  # its last stage seeds the platform's demo accounts
    marker.write_text("ok\n", encoding="utf-8")
    return demo


@web_app.command("serve")
def serve_cmd(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8080,
    demo: Annotated[
        bool, typer.Option("--demo", help=f"Serve a demo home (built in <home>/{DEMO_HOME}).")
    ] = False,
) -> None:
    """Serve the pages and the REST API (/api/v1; OpenAPI at /api/v1/openapi.json)."""
    import uvicorn

    from govloop.web import create_app

    st = state(ctx)
    settings = st.settings
    if demo:
        typer.echo(f"building the demo home in {settings.home / DEMO_HOME} ...", err=True)
        settings = build_demo_home(settings)
    st.store  # noqa: B018 - migrate once, before serving
    st.close()
    app = create_app(settings)
    typer.echo(f"govloop platform on http://{host}:{port}/ (API: /api/v1/docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)


@user_app.command("create")
def user_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str, typer.Option("--role", help="provider, regulator, platform, observer or admin.")
    ],
    provider: Annotated[
        str | None, typer.Option("--provider", help="Provider code (provider accounts).")
    ] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option("--jurisdiction", help="CN, EU, US or a sandbox name (regulators)."),
    ] = None,
    display_name: Annotated[str, typer.Option("--display-name", help="Name on pages.")] = "",
    password_file: Annotated[
        Path | None,
        typer.Option("--password-file", help="Read the password from this file (else prompt)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an account; the password is prompted for (or read from --password-file)."""
    from govloop.accounts import Accounts
    from govloop.errors import InputError

    st = state(ctx)
    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise InputError(f"{password_file}: cannot read the password file") from exc
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    user = Accounts(st.store).create_user(
        username,
        password,
        role,
        display_name=display_name,
        provider=provider,
        jurisdiction=jurisdiction,
    )
    if as_json:
        print_json(ctx, _user_json(user))
        return
    st.console.print(f"created {user.role.value} account {user.username} ({user.id})")


def _user_json(user: object) -> dict[str, object]:
    from dataclasses import asdict, is_dataclass

    data = asdict(user) if is_dataclass(user) and not isinstance(user, type) else {}
    data["role"] = str(data.get("role", ""))
    return data


@user_app.command("list")
def user_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every account, by username."""
    from rich.table import Table

    from govloop.accounts import Accounts

    st = state(ctx)
    users = Accounts(st.store).list_users()
    if as_json:
        print_json(ctx, [_user_json(u) for u in users])
        return
    table = Table("username", "role", "provider / jurisdiction", "active", "id")
    for u in users:
        table.add_row(
            u.username, u.role.value, u.provider or u.jurisdiction or "", str(u.active), u.id
        )
    st.console.print(table)


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account the token acts for.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "cli",
    as_json: JsonOpt = False,
) -> None:
    """Issue an API token; it is printed once (only its hash is kept)."""
    from govloop.accounts import Accounts

    st = state(ctx)
    accounts = Accounts(st.store)
    user = accounts.by_username(username)
    token, info = accounts.issue_token(user.id, name)
    if as_json:
        print_json(ctx, {"id": info.id, "user": user.username, "name": info.name, "token": token})
        return
    typer.echo(token)
    st.err_console.print(f"token {info.id} for {user.username}; it is shown only now")


def register(app: typer.Typer) -> None:
    """Add ``govloop web`` to the root app."""
    app.add_typer(web_app, name="web")
