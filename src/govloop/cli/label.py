"""``govloop label``: GB 45438 labels, provider side (apply) and platform side (check, propagate).

``govloop label FILE -o OUT`` is short for ``govloop label apply FILE -o OUT``: the group inserts
``apply`` when its first argument is not a subcommand name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from govloop.cli import _common
from govloop.cli._output import ForceOpt

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from govloop.keys import KeyStore

SUBCOMMANDS = ("apply", "check", "propagate")


class _LabelGroup(TyperGroup):
    """A group whose default subcommand is ``apply`` (``govloop label FILE ...``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["apply", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_LabelGroup,
    help="GB 45438 labels: add them (apply, the default), check them, propagate them.",
    no_args_is_help=True,
)


def _files(path: Path) -> list[Path]:
    from govloop.errors import InputError

    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not path.exists():
        raise InputError(f"{path}: file not found")
    return [path]


def _public_keys(keys: KeyStore, extra: list[Path]) -> dict[str, Ed25519PublicKey]:
    from govloop._files import read_input
    from govloop.keys import key_id_of, load_public_key

    found = keys.public_keys("label")
    for path in extra:
        key = load_public_key(read_input(path), source=str(path))
        found[key_id_of(key)] = key
    return found


@app.command("apply")
def apply_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="File to label.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file.")] = None,
    producer: Annotated[
        str | None, typer.Option("--producer", help="27-character provider code (else config).")
    ] = None,
    explicit: Annotated[
        bool, typer.Option("--explicit/--no-explicit", help="Also add the visible/audible label.")
    ] = True,
    c2pa: Annotated[
        bool, typer.Option("--c2pa", help="Also embed a signed C2PA manifest.")
    ] = False,
    in_place: Annotated[bool, typer.Option("--in-place", help="Overwrite the input.")] = False,
    force: ForceOpt = False,
    produce_id: Annotated[
        str | None, typer.Option("--produce-id", help="ProduceID (default: a new ULID).")
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            help="zh-en, zh, en, ar, ru, es, fr, pt, id, hi, sw, or auto (the text's language)."
        ),
    ] = None,
    position: Annotated[str, typer.Option(help="Text label: start, end or middle.")] = "end",
    wording: Annotated[str | None, typer.Option(help="Text label wording.")] = None,
    corner: Annotated[str, typer.Option(help="Image/video label corner.")] = "bottom-right",
    audio_mode: Annotated[str, typer.Option(help="Audio: rhythm, speech or both.")] = "rhythm",
    audio_position: Annotated[str, typer.Option(help="Audio: start, end or both.")] = "start",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Add the explicit label and the signed AIGC implicit label to FILE."""
    from govloop.label import ExplicitOptions, label_file

    st = _common.state(ctx)
    options = ExplicitOptions(
        language=language or st.settings.language,
        text_position=position,
        text_wording=wording,
        corner=corner,
        audio_mode=audio_mode,
        audio_position=audio_position,
    )
    keys = st.keys
    outcome = label_file(
        file,
        output,
        producer_code=producer or st.settings.provider_code,
        signer=keys.active("label"),
        in_place=in_place,
        produce_id=produce_id,
        explicit=explicit,
        options=options,
        c2pa_signer_dir=keys.root / "c2pa" if c2pa else None,
        force=force,
    )
    if as_json:
        _common.print_json(ctx, outcome.model_dump())
        return
    st.console.print(
        f"[green]labelled[/] {outcome.file} ({outcome.format}): ProduceID "
        f"{outcome.label['ProduceID']}, explicit {outcome.explicit}"
        + (", C2PA manifest" if outcome.c2pa else ""),
        highlight=False,
    )


def _run_batch(
    ctx: typer.Context, paths: list[Path], work: Any, *, as_json: bool, title: str
) -> list[dict[str, Any]]:
    """Run ``work(path) -> dict`` over paths with a progress bar; errors become rows."""
    from rich.progress import Progress

    from govloop.errors import GovloopError

    st = _common.state(ctx)
    rows: list[dict[str, Any]] = []
    show = len(paths) > 1 and not as_json
    with Progress(console=st.err_console, disable=not show, transient=True) as progress:
        task = progress.add_task(title, total=len(paths))
        for path in paths:
            try:
                rows.append(work(path))
            except GovloopError as exc:
                if len(paths) == 1:
                    raise
                rows.append({"file": str(path), "error": exc.diagnostics()})
            progress.advance(task)
    return rows


@app.command("check")
def check_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="File or folder to check.")],
    declared: Annotated[
        bool, typer.Option("--declared", help="The uploader declared it AI-generated.")
    ] = False,
    key: Annotated[
        list[Path] | None, typer.Option("--key", help="Extra trusted public key file.")
    ] = None,
    trust_anchors: Annotated[
        Path | None,
        typer.Option(
            "--trust-anchors",
            help="PEM file of C2PA trust anchors (CA certificates); a manifest is 'trusted' "
            "only when its signer chains to one of them. Also $GOVLOOP_C2PA_TRUST_ANCHORS.",
            envvar="GOVLOOP_C2PA_TRUST_ANCHORS",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Report the implicit label, signatures, C2PA, explicit label and the Art. 6 decision.

    C2PA: "valid" (signature and hashes check) is reported apart from "trusted" (the signer
    chains to a configured trust anchor); govloop's own local test CA is not an anchor unless
    it is given with --trust-anchors.
    """
    from govloop._files import read_input
    from govloop.label import check_bytes

    st = _common.state(ctx)
    public = _public_keys(st.keys, key or [])
    ca_path = st.keys.root / "c2pa" / "ca.pem"
    ca = ca_path.read_bytes() if ca_path.is_file() else None
    anchors = _trust_anchors(trust_anchors)

    def work(p: Path) -> dict[str, Any]:
        report = check_bytes(
            read_input(p),
            filename=p.name,
            public_keys=public,
            declared=declared,
            c2pa_ca=ca,
            c2pa_anchors=anchors,
        )
        return report.model_dump() | {"file": str(p)}

    rows = _run_batch(ctx, _files(path), work, as_json=as_json, title="checking")
    if as_json:
        _common.print_json(ctx, rows if path.is_dir() else rows[0])
        return
    _table(ctx, rows, "label check")


def _trust_anchors(path: Path | None) -> bytes | None:
    """The PEM trust anchors at ``path``; a clear error when it holds no certificate."""
    if path is None:
        return None
    from govloop.errors import InputError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"--trust-anchors {path}: cannot read: {exc.strerror}") from exc
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise InputError(f"--trust-anchors {path}: no PEM certificate in the file")
    return data


def _c2pa_cell(c2pa: Any) -> str:
    if not c2pa:
        return "no"
    return str(c2pa.get("trust") or ("valid" if c2pa.get("valid") else "invalid"))


def _table(ctx: typer.Context, rows: list[dict[str, Any]], title: str) -> None:
    from rich.table import Table

    table = Table(title=title)
    for col in ("file", "format", "implicit", "Label", "signature", "C2PA", "explicit", "decision"):
        table.add_column(col)
    counts = {"labelled": 0, "decisions": 0, "errors": 0}
    for row in rows:
        if "error" in row:
            counts["errors"] += 1
            table.add_row(row["file"], "", "", "", "", "", "", f"[red]{row['error']}[/]")
            continue
        label = row.get("label") or {}
        sig = row.get("producer_signature") or {}
        counts["labelled"] += bool(row.get("implicit_label"))
        counts["decisions"] += row.get("decision") is not None
        explicit = row.get("explicit_label_found")
        table.add_row(
            row["file"],
            row["format"],
            "yes" if row["implicit_label"] else "no",
            label.get("Label", ""),
            sig.get("status", ""),
            _c2pa_cell(row.get("c2pa")),
            "-" if explicit is None else ("yes" if explicit else "no"),
            row.get("decision") or "none",
        )
    st = _common.state(ctx)
    st.console.print(table)
    st.console.print(
        f"{len(rows)} files: {counts['labelled']} with implicit labels, "
        f"{counts['decisions']} to show as AI-generated, {counts['errors']} errors",
        highlight=False,
    )


@app.command("propagate")
def propagate_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="File or folder to propagate.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Output file (or folder for a folder).")
    ] = None,
    platform: Annotated[
        str | None, typer.Option("--platform", help="Platform provider code (else config).")
    ] = None,
    declared: Annotated[
        bool, typer.Option("--declared", help="The uploader declared it AI-generated.")
    ] = False,
    in_place: Annotated[bool, typer.Option("--in-place", help="Overwrite the inputs.")] = False,
    force: ForceOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Add ContentPropagator, PropagateID and ReservedCode2 (producer fields untouched)."""
    from govloop._files import read_input
    from govloop.cli._output import write_output
    from govloop.errors import ConfigError, InputError
    from govloop.label import atomic_write, output_path, propagate_bytes

    st = _common.state(ctx)
    code = platform or st.settings.platform_code
    if not code:
        raise ConfigError("no platform code: pass --platform or set GOVLOOP_PLATFORM_CODE")
    signer = st.keys.active("label")
    is_dir = path.is_dir()
    if is_dir and output is None and not in_place:
        raise InputError(f"{path}: give -o/--output FOLDER (or --in-place) for a folder")

    def work(p: Path) -> dict[str, Any]:
        dst = p if in_place else (output / p.relative_to(path) if is_dir and output else output)
        dst = output_path(p, dst, in_place=in_place, force=force)
        data, outcome = propagate_bytes(
            read_input(p), filename=p.name, platform_code=code, signer=signer, declared=declared
        )
        if in_place:
            if outcome.written:
                atomic_write(dst, data)
        else:
            write_output(dst, data, force=force, inputs=(p,))
        return outcome.model_dump() | {"file": str(dst)}

    rows = _run_batch(ctx, _files(path), work, as_json=as_json, title="propagating")
    if as_json:
        _common.print_json(ctx, rows if is_dir else rows[0])
        return
    for row in rows:
        if "error" in row:
            st.console.print(f"[red]error[/] {row['file']}: {row['error']}", highlight=False)
        elif row["written"]:
            st.console.print(
                f"[green]propagated[/] {row['file']}: Label {row['decision']}, PropagateID "
                f"{row['label']['PropagateID']}",
                highlight=False,
            )
        else:
            st.console.print(f"skipped {row['file']}: {row['decision_reason']}", highlight=False)


def register(root: typer.Typer) -> None:
    """Add the ``label`` group to the root app."""
    root.add_typer(app, name="label")
