"""``govloop classify ID`` and ``govloop regime ...``: risk profiles and regime rule files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govloop.cli import _common

if TYPE_CHECKING:
    from govloop.classify import Regime, RiskProfile

RegimeOpt = Annotated[
    list[Path] | None,
    typer.Option("--regime", help="Extra regime rule file (repeatable); same id replaces."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def print_profile(ctx: typer.Context, profile: RiskProfile) -> None:
    """Rich tables: tier per regime with the rules that set it, then crosswalked obligations."""
    from rich.table import Table

    console = _common.state(ctx).console
    tiers = Table(
        "regime",
        "tier",
        "why (rule: source)",
        "designations",
        title=f"Risk profile: {profile.model_name}",
    )
    for r in profile.regimes:
        why = "; ".join(f"{f.rule_id}: {f.source}" for f in r.fired if f.rule_id in r.tier_rules)
        names = ", ".join(d.name for d in r.designations)
        if r.functions:
            names += f"{' | ' if names else ''}RMF: {', '.join(r.functions)}"
        tiers.add_row(r.regime, r.tier, why or "(no rule fired: default tier)", names or "-")
    console.print(tiers)
    duties = Table("obligation", "regimes", "requirement (source)", title="Obligations (crosswalk)")
    for ob in profile.obligations:
        detail = "\n".join(f"[{s.regime}] {s.text} ({s.source})" for s in ob.sources)
        duties.add_row(f"{ob.title}\n[dim]{ob.id}[/]", ", ".join(ob.regimes), detail)
    console.print(duties)
    findings = [(r.regime, g) for r in profile.regimes for g in r.findings]
    if findings:
        table = Table("regime", "finding", "source", "fields", title="Findings (contradictions)")
        for regime_id, g in findings:
            table.add_row(
                regime_id, f"{g.title}\n[dim]{g.rule_id}[/]", g.source, ", ".join(g.fields)
            )
        console.print(table)


def _regime_row(regime: Regime) -> dict[str, Any]:
    return {
        "regime": regime.id,
        "name": regime.name,
        "version": regime.version,
        "tiers": list(regime.tiers),
        "rules": len(regime.rules),
        "source": regime.source,
    }


def register(app: typer.Typer) -> None:
    """Add ``classify`` and the ``regime`` group to the root app."""

    @app.command("classify")
    def classify_cmd(
        ctx: typer.Context,
        target: Annotated[
            str,
            typer.Argument(
                metavar="ID", help="Filing id, filing number, model name, or a filing file."
            ),
        ],
        regime: RegimeOpt = None,
        store: Annotated[
            bool, typer.Option("--store/--no-store", help="Keep the profile with the filing.")
        ] = True,
        as_json: JsonOpt = False,
        explain: Annotated[
            bool,
            typer.Option(
                "--explain",
                help="Per regime: rules fired, contradictions, near-misses, facts checked.",
            ),
        ] = False,
        lang: Annotated[
            str | None,
            typer.Option(
                "--lang", help="Language of --explain: zh, en or zh-en (default: setting)."
            ),
        ] = None,
    ) -> None:
        """Classify a filing under every regime (shipped, $GOVLOOP_HOME/regimes and --regime)."""
        from govloop.classify import classify, load_regimes
        from govloop.cli.classify_explain import check_lang, print_explanation
        from govloop.registry import Filing, FilingCreate, load_filing

        st = _common.state(ctx)
        language = check_lang(lang or st.settings.language)
        regimes = load_regimes(home=st.settings.home, extra=list(regime or []))
        path = Path(target)
        subject: Filing | FilingCreate
        if path.suffix.lower() in (".yaml", ".yml", ".json", ".md") and path.is_file():
            subject = load_filing(path)
            profile = classify(subject, regimes)
        else:
            from govloop.cli.registry import default_actor, open_registry

            registry = open_registry(ctx, list(regime or []))
            filing = registry.get(target)
            subject = filing
            profile = classify(filing, regimes)
            if store:
                registry.set_risk_profile(
                    filing.id, profile.model_dump(mode="json"), actor=default_actor(None)
                )
        if explain:
            from govloop.classify import explain as explain_filing

            explanation = explain_filing(subject, regimes)
            if as_json:
                _common.print_json(ctx, explanation.model_dump(mode="json"))
            else:
                print_explanation(st.console, explanation, language)
        elif as_json:
            _common.print_json(ctx, profile.model_dump(mode="json"))
        else:
            print_profile(ctx, profile)

    group = typer.Typer(help="Regime rule files: list, validate, schema.", no_args_is_help=True)
    app.add_typer(group, name="regime")

    @group.command("list")
    def list_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
        """List the regimes in use (shipped, then $GOVLOOP_HOME/regimes)."""
        from rich.table import Table

        from govloop.classify import load_regimes

        regimes = load_regimes(home=_common.state(ctx).settings.home)
        if as_json:
            _common.print_json(ctx, [_regime_row(r) for r in regimes])
            return
        table = Table("regime", "name", "version", "tiers (low to high)", "rules", "file")
        for r in regimes:
            table.add_row(r.id, r.name, r.version, " < ".join(r.tiers), str(len(r.rules)), r.source)
        _common.state(ctx).console.print(table)

    @group.command("validate")
    def validate_cmd(
        ctx: typer.Context,
        files: Annotated[list[Path], typer.Argument(help="Regime files to check.")],
        as_json: JsonOpt = False,
    ) -> None:
        """Check regime files against the schema; the first error names file, line and field."""
        from govloop.classify import load_regime

        loaded = [load_regime(f) for f in files]
        if as_json:
            _common.print_json(ctx, [{**_regime_row(r), "valid": True} for r in loaded])
            return
        for r in loaded:
            _common.state(ctx).console.print(
                f"[green]ok[/] {r.source}: regime {r.id} ({len(r.rules)} rules, "
                f"tiers {', '.join(r.tiers)})",
                highlight=False,
            )

    @group.command("schema")
    def schema_cmd(ctx: typer.Context) -> None:
        """Print the JSON schema of regime files."""
        from govloop.classify import RegimeSpec

        _common.print_json(ctx, RegimeSpec.model_json_schema())
