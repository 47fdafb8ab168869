"""``govloop model ...``: register, list, show, transition, update, export and import filings."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govloop.cli import _common
from govloop.cli._output import ForceOpt

if TYPE_CHECKING:
    from govloop.registry import Filing, FilingCreate, Registry

ActorOpt = Annotated[
    str | None, typer.Option("--actor", help="Who makes the change (default: your user name).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def default_actor(actor: str | None) -> str:
    """The audit actor: the option, else the login name."""
    if actor:
        return actor
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def open_registry(ctx: typer.Context, regime_files: list[Path] | None = None) -> Registry:
    """The registry, classifying with shipped, ``$GOVLOOP_HOME/regimes`` and extra regimes."""
    from govloop.classify import filing_classifier, load_regimes
    from govloop.registry import Registry

    st = _common.state(ctx)
    regimes = load_regimes(home=st.settings.home, extra=list(regime_files or []))
    return Registry(st.store, classifier=filing_classifier(regimes))


def filing_summary(filing: Filing) -> dict[str, Any]:
    """The short JSON form of a filing used by ``list`` and ``register``."""
    tiers = {r["regime"]: r["tier"] for r in (filing.risk_profile or {}).get("regimes", [])}
    return {
        "id": filing.id,
        "model_name": filing.model_name,
        "provider": filing.provider_name,
        "state": filing.state.value,
        "filing_number": filing.filing_number,
        "current_version": filing.current_version,
        "serving_version": filing.serving_version,
        "tiers": tiers,
    }


def _warn(ctx: typer.Context, messages: list[str]) -> None:
    for message in messages:
        _common.state(ctx).err_console.print(f"[yellow]warning:[/] {message}", highlight=False)


def _print_filing_line(ctx: typer.Context, filing: Filing, verb: str) -> None:
    summary = filing_summary(filing)
    tiers = ", ".join(f"{k}: {v}" for k, v in summary["tiers"].items())
    number = f" {filing.filing_number}" if filing.filing_number else ""
    _common.state(ctx).console.print(
        f"{verb} [bold]{filing.model_name}[/] as {filing.id}{number} "
        f"([cyan]{filing.state.value}[/]){' - ' + tiers if tiers else ''}",
        highlight=False,
    )


def _register(
    ctx: typer.Context,
    doc: FilingCreate,
    source: Path,
    verb: str,
    actor: str | None,
    as_json: bool,
) -> None:
    """Register a loaded filing document (``model register`` and ``model import``)."""
    from govloop.registry import filing_warnings

    _warn(ctx, [f"{source}: {w}" for w in filing_warnings(doc)])
    filing = open_registry(ctx).register(
        doc, actor=default_actor(actor), reason=f"{verb} from {source.name}"
    )
    if as_json:
        _common.print_json(ctx, filing_summary(filing))
    else:
        _print_filing_line(ctx, filing, verb)


def register(app: typer.Typer) -> None:
    """Add the ``model`` group to the root app."""
    group = typer.Typer(
        help="Model registry: filings, lifecycle, model cards.", no_args_is_help=True
    )
    app.add_typer(group, name="model")

    @group.command("register")
    def register_cmd(
        ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help="Filing as YAML, JSON or a model card (.md).")],
        actor: ActorOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Register a filing (it starts in draft); prints its id and risk tiers."""
        from govloop.registry import load_filing

        _register(ctx, load_filing(file), file, "registered", actor, as_json)

    @group.command("import")
    def import_cmd(
        ctx: typer.Context,
        card: Annotated[
            Path, typer.Argument(help="Hugging Face model card with a govloop: block.")
        ],
        actor: ActorOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Register a filing from a model card (as exported by ``model export``)."""
        from govloop.errors import FilingError
        from govloop.registry import from_model_card

        try:
            text = card.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise FilingError(f"{card}: cannot read the model card: {exc}") from exc
        _register(ctx, from_model_card(text, path=str(card)), card, "imported", actor, as_json)

    @group.command("update")
    def update_cmd(
        ctx: typer.Context,
        filing_id: Annotated[
            str, typer.Argument(metavar="ID", help="Id, filing number or model name.")
        ],
        file: Annotated[Path, typer.Argument(help="The changed filing (YAML, JSON or card).")],
        reason: Annotated[str, typer.Option("--reason", help="Why it changes (audited).")],
        actor: ActorOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Replace a filing's document; a new version or material change re-enters assessment."""
        from govloop.registry import filing_warnings, load_filing

        doc = load_filing(file)
        _warn(ctx, [f"{file}: {w}" for w in filing_warnings(doc)])
        filing = open_registry(ctx).update(
            filing_id, doc, actor=default_actor(actor), reason=reason
        )
        if as_json:
            _common.print_json(ctx, filing_summary(filing))
        else:
            _print_filing_line(ctx, filing, "updated")

    @group.command("list")
    def list_cmd(
        ctx: typer.Context,
        state: Annotated[
            str | None, typer.Option("--state", help="Only filings in this state.")
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """List filings."""
        from rich.table import Table

        from govloop.registry import Registry

        filings = Registry(_common.state(ctx).store).list(state=state)
        if as_json:
            _common.print_json(ctx, [filing_summary(f) for f in filings])
            return
        table = Table("id", "model", "provider", "state", "filing no.", "version", "tiers")
        for f in filings:
            s = filing_summary(f)
            table.add_row(
                f.id,
                f.model_name,
                f.provider_name,
                f.state.value,
                f.filing_number or "-",
                f.current_version,
                ", ".join(f"{k}:{v}" for k, v in s["tiers"].items()),
            )
        _common.state(ctx).console.print(table)

    @group.command("show")
    def show_cmd(
        ctx: typer.Context,
        filing_id: Annotated[
            str, typer.Argument(metavar="ID", help="Id, filing number or model name.")
        ],
        as_json: JsonOpt = False,
    ) -> None:
        """Show a filing, its assessments and its audit trail."""
        from govloop.registry import Registry

        registry = Registry(_common.state(ctx).store)
        filing = registry.get(filing_id)
        events = registry.events(filing.id)
        assessments = registry.assessments(filing.id)
        if as_json:
            data = filing.model_dump(mode="json")
            data["assessments"] = [a.model_dump(mode="json") for a in assessments]
            data["events"] = [e.model_dump(mode="json") for e in events]
            _common.print_json(ctx, data)
            return
        _show(ctx, filing, events, assessments)

    @group.command("transition")
    def transition_cmd(
        ctx: typer.Context,
        filing_id: Annotated[
            str, typer.Argument(metavar="ID", help="Id, filing number or model name.")
        ],
        state: Annotated[str, typer.Argument(metavar="STATE", help="Target state.")],
        reason: Annotated[str, typer.Option("--reason", help="Why (audited).")],
        actor: ActorOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Move a filing to another lifecycle state (draft, submitted, assessing, approved, ...)."""
        from govloop.registry import Registry

        filing = Registry(_common.state(ctx).store).transition(
            filing_id, state, actor=default_actor(actor), reason=reason
        )
        if as_json:
            _common.print_json(ctx, filing_summary(filing))
        else:
            _print_filing_line(ctx, filing, "moved")

    @group.command("export")
    def export_cmd(
        ctx: typer.Context,
        filing_id: Annotated[
            str, typer.Argument(metavar="ID", help="Id, filing number or model name.")
        ],
        fmt: Annotated[str, typer.Option("--format", help="card (model card) or json.")] = "card",
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write to a file.")
        ] = None,
        force: ForceOpt = False,
        as_json: JsonOpt = False,
    ) -> None:
        """Export a filing as a Hugging Face model card or as JSON (``--json``)."""
        from govloop.cli._output import check_output, write_output
        from govloop.errors import InputError
        from govloop.registry import Registry, to_json, to_model_card

        fmt = "json" if as_json else fmt
        if fmt not in ("card", "json"):
            raise InputError(f"--format {fmt!r}: use card or json")
        if output is not None:
            check_output(output, force=force)
        filing = Registry(_common.state(ctx).store).get(filing_id)
        text = (
            to_json(filing.document)
            if fmt == "json"
            else to_model_card(filing.document, filing=filing)
        )
        if output is None:
            typer.echo(text, nl=False)
            return
        write_output(output, text.encode("utf-8"), force=force)
        _common.state(ctx).console.print(f"wrote {output}", highlight=False)

    @group.command("schema")
    def schema_cmd(ctx: typer.Context) -> None:
        """Print the JSON schema of filing documents."""
        from govloop.registry import FilingCreate

        _common.print_json(ctx, FilingCreate.model_json_schema())


def _show(ctx: typer.Context, filing: Filing, events: list[Any], assessments: list[Any]) -> None:
    from rich.table import Table

    console = _common.state(ctx).console
    doc = filing.document
    console.print(
        f"[bold]{filing.model_name}[/] {doc.display_name or ''}".rstrip(), highlight=False
    )
    rows = [
        ("id", filing.id),
        ("state", filing.state.value),
        ("filing number", filing.filing_number or "-"),
        ("regulator number", filing.regulator_filing_number or "-"),
        ("provider", f"{doc.provider.name} ({doc.provider.code}, {doc.provider.role})"),
        (
            "versions",
            ", ".join(v.version for v in doc.versions)
            + f" (serving: {filing.serving_version or '-'})",
        ),
        ("functions", ", ".join(doc.functions)),
        ("service forms", ", ".join(doc.service_forms)),
        ("audience / regions", f"{doc.audience} / {', '.join(doc.deployment_regions)}"),
        (
            "domain",
            doc.domain
            + (f" ({', '.join(doc.restricted_domains)})" if doc.restricted_domains else ""),
        ),
        (
            "public opinion / mobilisation",
            f"{doc.public_opinion_attributes} / {doc.social_mobilisation}",
        ),
        (
            "training compute",
            f"{doc.training_compute_flop:.2e} FLOP" if doc.training_compute_flop else "-",
        ),
    ]
    for r in (filing.risk_profile or {}).get("regimes", []):
        rows.append((f"tier ({r['regime']})", r["tier"]))
    table = Table(show_header=False)
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)
    if assessments:
        at = Table("run", "version", "passed", "report sha256", "reasons", title="Assessments")
        for a in assessments:
            at.add_row(
                a.run_id, a.version, str(a.passed), a.report_sha256[:16], "; ".join(a.reasons)
            )
        console.print(at)
    et = Table("when", "who", "action", "state", "reason", "changed", title="Audit trail")
    for e in events:
        moved = (
            f"{e.from_state or '-'} -> {e.to_state}"
            if e.from_state != e.to_state
            else str(e.to_state)
        )
        changed = ", ".join(d["path"] for d in e.diff[:4]) + (" ..." if len(e.diff) > 4 else "")
        et.add_row(e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, moved, e.reason, changed)
    console.print(et)
