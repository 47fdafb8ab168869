"""The ``govloop`` command: a root Typer app with one group per module.

Errors: every :class:`govloop.errors.GovloopError` is caught once, here, and printed as a
one-line diagnosis on stderr with exit code 1 (2 for usage errors, as Click does); ``--verbose``
also prints the cause chain.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from govloop.cli import _common
from govloop.cli._click_context import ClickContext
from govloop.errors import GovloopError

#: Command modules, each with ``register(app)``; imported at start-up, their heavy imports are lazy.
COMMAND_MODULES = (
    "registry",
    "classify",
    "assess",
    "label",
    "watermark",
    "ledger",
    "trace",
    "scan",
    "export",
    "gateway",
    "keys",
    "demo",
    "web",
    "plugins",
)


def _report(ctx: ClickContext, headline: str, text: str, exc: BaseException) -> None:
    """Print one diagnosis line on stderr (and the cause chain with ``--verbose``)."""
    st = _common.state(ctx)  # type: ignore[arg-type]
    st.err_console.print(f"[bold red]{headline}:[/] {text}", highlight=False, soft_wrap=True)
    if st.verbose:
        st.err_console.print(
            "".join(traceback.format_exception(exc)), highlight=False, markup=False, soft_wrap=True
        )


class _GovloopGroup(TyperGroup):
    """Root group that turns project errors into one-line diagnoses."""

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except GovloopError as exc:
            _report(ctx, "error", escape(exc.diagnostics()), exc)
            raise typer.Exit(1) from exc
        except KeyboardInterrupt as exc:
            raise typer.Exit(130) from exc
        except (typer.Exit, typer.Abort, typer.TyperException):  # click's errors included
            raise
        except Exception as exc:  # a bug: still one line for the user, the trace with -v
            what = f"{escape(type(exc).__name__)}: {escape(str(exc))}"
            hint = "(a bug in govloop; rerun with -v for the traceback and report it)"
            _report(ctx, "internal error", f"{what} {hint}", exc)
            raise typer.Exit(70) from exc
        finally:
            obj = ctx.obj
            if isinstance(obj, _common.AppState):
                obj.close()


def build_app() -> typer.Typer:
    """Assemble the CLI from its command modules."""
    import importlib

    app = typer.Typer(
        name="govloop",
        cls=_GovloopGroup,
        help="Closed-loop governance of generative AI: register, classify, assess, label, "
        "watermark, record and trace.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def _root(
        ctx: typer.Context,
        config: Annotated[
            Path | None, typer.Option("--config", help="TOML config file (else GOVLOOP_CONFIG).")
        ] = None,
        verbose: Annotated[
            bool, typer.Option("--verbose", "-v", help="Show error causes.")
        ] = False,
    ) -> None:
        """govloop: closed-loop governance of generative AI."""
        st = _common.state(ctx)
        st.config_file = config
        st.verbose = verbose

    for name in COMMAND_MODULES:
        module = importlib.import_module(f"govloop.cli.{name}")
        module.register(app)
    return app


def run() -> None:
    """Console-script entry point."""
    build_app()(prog_name="govloop")
