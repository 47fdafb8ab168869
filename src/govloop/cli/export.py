"""``govloop export ID --form FORM -o FILE``: one filing as a regime's paperwork.

The command gathers what govloop holds about the filing (the document, a fresh classification,
the latest assessment report, the ledger's size and the shipped keyword library and test banks)
and hands it to :mod:`govloop.paperwork`; ``--since VERSION`` instead lists which forms' fields
changed since that version of the filing (what must be re-filed).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govloop.cli import _common
from govloop.cli._output import ForceOpt, check_output, write_output

if TYPE_CHECKING:
    from govloop.paperwork import FieldChange, FilledForm
    from govloop.registry import Filing


def _report(store: Any, filing: Filing) -> dict[str, Any] | None:
    """The latest assessment's report, or None when its run is not in this store."""
    from govloop.assess import build_report
    from govloop.errors import GovloopError

    latest = filing.latest_assessment
    if latest is None:
        return None
    try:
        return build_report(store, latest.run_id)
    except GovloopError:
        return None


def _ledger(ctx: typer.Context, filing: Filing) -> dict[str, Any]:
    """The ledger's size and the entry recording the latest assessment report, if any."""
    from govloop.errors import GovloopError
    from govloop.ledger import Ledger

    st = _common.state(ctx)
    try:
        ledger = Ledger.open(st.store, st.keys, st.settings)
        out: dict[str, Any] = {"size": ledger.size()}
        latest = filing.latest_assessment
        if latest is not None:
            found = ledger.find_by_sha256(latest.report_sha256)
            if found:
                out["assessment_entry"] = found[-1].index
        return out
    except GovloopError:
        return {}


def _package_inputs() -> tuple[dict[str, Any], dict[str, bytes]]:
    """Facts and bytes of the keyword library and the three test sets govloop ships."""
    from govloop.assess import load_bank, starter_keywords_path
    from govloop.paperwork import package_facts

    bank = load_bank()
    kinds = ("generated-content", "should-refuse", "should-answer")
    files: dict[str, bytes] = {"keywords": starter_keywords_path().read_bytes()}
    for kind in kinds:
        rows = [i.model_dump_json() for i in bank.of_kind(kind)]
        files[f"bank:{kind}"] = ("\n".join(rows) + "\n").encode("utf-8")
    terms = [
        line.split("\t")
        for line in files["keywords"].decode("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    facts = package_facts(
        keyword_count=len(terms),
        keyword_risks=len({t[1] for t in terms if len(t) > 1}),
        bank_counts={k: len(bank.of_kind(k)) for k in kinds},
    )
    return facts, files


def _print_gaps(ctx: typer.Context, filled: FilledForm) -> None:
    console = _common.state(ctx).console
    n = sum(f.status != "not-applicable" for f in filled.fields)
    done = sum(f.status == "filled" for f in filled.fields)
    console.print(
        f"{filled.form}: {done} of {n} fields filled from govloop's records; "
        f"{len(filled.gaps)} to complete",
        highlight=False,
    )
    for g in filled.gaps:
        mark = "mandatory" if g.mandatory else "optional"
        hint = f" ({g.hint})" if g.hint else ""
        console.print(
            f"  [{g.status}, {mark}] {g.field}: {g.label} -- {g.clause}{hint}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


def _print_changes(ctx: typer.Context, since: str, changes: list[FieldChange]) -> None:
    console = _common.state(ctx).console
    if not changes:
        console.print(f"no form field changed since version {since}", highlight=False)
        return
    forms = sorted({c.form for c in changes})
    console.print(
        f"since version {since}: {len(changes)} fields in {len(forms)} forms change "
        f"({', '.join(forms)}); CAC filings are changed within 10 working days",
        highlight=False,
    )
    for c in changes:
        console.print(
            f"  {c.form}.{c.field} ({c.clause}): {c.old or '-'} -> {c.new or '-'}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """Add ``export`` to the root app."""

    @app.command("export")
    def export_cmd(
        ctx: typer.Context,
        target: Annotated[
            str, typer.Argument(metavar="ID", help="Filing id, filing number or model name.")
        ],
        form: Annotated[
            str | None, typer.Option("--form", help="Form name (e.g. cac-form, nist-600-1).")
        ] = None,
        form_file: Annotated[
            Path | None, typer.Option("--form-file", help="A form of your own (YAML).")
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Output: .docx, .json, .pdf (.zip for a package)."),
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format",
                help="docx, json or pdf (PDF through LibreOffice); default: the output's suffix.",
            ),
        ] = None,
        since: Annotated[
            str | None,
            typer.Option("--since", help="List the form fields changed since this version."),
        ] = None,
        strict: Annotated[
            bool, typer.Option("--strict", help="Exit 3 when a mandatory field is blank or weak.")
        ] = False,
        regime: Annotated[
            list[Path] | None, typer.Option("--regime", help="Extra regime file (its forms too).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
        force: ForceOpt = False,
    ) -> None:
        """Export a filing as a regulator's form, with a completeness report.

        With --since VERSION: list which forms and fields change between two versions.
        """
        from govloop.classify import classify, load_regimes
        from govloop.cli.registry import open_registry
        from govloop.errors import InputError
        from govloop.paperwork import (
            available_forms,
            document_at,
            export_form,
            form_changes,
            gather_facts,
            load_form_file,
            pick_form,
        )

        st = _common.state(ctx)
        regimes = load_regimes(home=st.settings.home, extra=list(regime or []))
        forms = available_forms(
            [(f"{r.source}: forms[{i}]", f) for r in regimes for i, f in enumerate(r.forms)]
        )
        if since is None and form is None and form_file is None:
            raise InputError("give --form FORM (or --form-file PATH), or --since VERSION")
        spec = load_form_file(form_file) if form_file else None
        if spec is None and form is not None:
            spec = pick_form(form, forms)
        if spec is not None and since is None:
            if output is None:
                raise InputError("give -o FILE (.docx, .json, .pdf, or .zip for a package form)")
            check_output(output, force=force)
        registry = open_registry(ctx, list(regime or []))
        filing = registry.get(target)
        profile = classify(filing, regimes).model_dump(mode="json")
        report = _report(st.store, filing)
        ledger = _ledger(ctx, filing)
        package, files = _package_inputs()
        facts = gather_facts(filing, profile=profile, report=report, ledger=ledger, package=package)
        if since is not None:
            old_doc = document_at(filing.document, registry.events(filing.id), since)
            old_profile = classify(old_doc, regimes).model_dump(mode="json")
            old = gather_facts(
                filing, profile=old_profile, report=report, ledger=ledger, package=package
            )
            old["filing"] = gather_facts(old_doc)["filing"]
            chosen = {spec.form: spec} if spec is not None else forms
            changes = form_changes(chosen, old, facts)
            if as_json:
                _common.print_json(ctx, [c.model_dump(mode="json") for c in changes])
            else:
                _print_changes(ctx, since, changes)
            return
        assert spec is not None and output is not None
        suffix = f".{fmt.lower().lstrip('.')}" if fmt else output.suffix.lower()
        if suffix != output.suffix.lower():
            raise InputError(f"--format {fmt} does not match the output {output.name}")
        filled, data = export_form(spec, facts, suffix, forms=forms, files=files)
        write_output(output, data, force=force)
        if as_json:
            _common.print_json(
                ctx,
                {
                    "form": filled.form,
                    "output": str(output),
                    "gaps": [g.model_dump(mode="json") for g in filled.gaps],
                },
            )
        else:
            _print_gaps(ctx, filled)
            st.console.print(f"wrote {output}", highlight=False, markup=False)
        if strict and filled.failing():
            raise typer.Exit(3)
