"""``govloop ledger``: record content, issue checkpoints, prove, verify and manage the key."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from govloop.cli import ledger_trust
from govloop.cli._common import print_json, state

if TYPE_CHECKING:
    from govloop.ledger import Ledger, MediaType

ledger_app = typer.Typer(
    help="The tamper-evident generation ledger (RFC 9162).", no_args_is_help=True
)
key_app = typer.Typer(help="The checkpoint signing key.", no_args_is_help=True)
ledger_app.add_typer(key_app, name="key")
ledger_trust.register(ledger_app)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _ledger(ctx: typer.Context) -> Ledger:
    from govloop.ledger import Ledger

    st = state(ctx)
    return Ledger.open(st.store, st.keys, st.settings)


def _read(path: Path, what: str) -> bytes:
    from govloop.errors import InputError

    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what}: {exc.strerror}") from exc


def _read_text(path: Path, what: str) -> str:
    from govloop.errors import InputError

    try:
        text = _read(path, what).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: {what} is not UTF-8 text") from exc
    if what == "checkpoint":
        from govloop.ledger import note_from_file

        return note_from_file(text)
    return text


@ledger_app.command("append")
def append(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Content file to record.")],
    model: Annotated[str, typer.Option(help="Model that produced it.")] = "unknown",
    media_type: Annotated[
        str | None, typer.Option("--media-type", help="text, image, audio, video or other.")
    ] = None,
    filing_id: Annotated[str | None, typer.Option("--filing-id", help="Registry filing.")] = None,
    produce_id: Annotated[str | None, typer.Option("--produce-id", help="ProduceID.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a piece of content; prints its ProduceID and leaf index."""
    from govloop.errors import InputError
    from govloop.ledger import record_output
    from govloop.trace import Subject

    data = _read(file, "content")
    kind = media_type or Subject(data, file.name).media_type
    if kind not in ("text", "image", "audio", "video", "other"):
        raise InputError(f"--media-type {kind!r} must be text, image, audio, video or other")
    ledger = _ledger(ctx)
    res = record_output(
        ledger,
        data,
        media_type=cast("MediaType", kind),
        model=model,
        provider_code=state(ctx).settings.provider_code,
        filing_id=filing_id,
        produce_id=produce_id,
    )
    if as_json:
        print_json(
            ctx, {"index": res.index, "produce_id": res.produce_id, "leaf_hash": res.leaf_hash}
        )
    else:
        typer.echo(f"ProduceID {res.produce_id}  index {res.index}")


@ledger_app.command("checkpoint")
def checkpoint(
    ctx: typer.Context,
    every: Annotated[
        float | None,
        typer.Option(
            "--every",
            min=0.1,
            help="Keep running: a checkpoint every SECONDS while the tree grows (Ctrl-C stops).",
        ),
    ] = None,
    count: Annotated[
        int | None, typer.Option("--count", min=1, help="With --every: stop after N rounds.")
    ] = None,
) -> None:
    """Issue (or reuse) a signed checkpoint of the committed tree and print it.

    With ``--every`` it runs as a small scheduler (for set-ups without a gateway, whose workers
    issue checkpoints themselves): each round prints a new checkpoint when the tree has grown.
    """
    import time

    from govloop.ledger import checkpoint_if_due
    from govloop.witness import cosigned_note

    ledger = _ledger(ctx)
    if every is None:  # with the witnesses' cosignatures received so far
        typer.echo(cosigned_note(ledger.store, ledger.checkpoint().note), nl=False)
        return
    rounds = 0
    try:
        while count is None or rounds < count:
            issued = checkpoint_if_due(ledger, min_interval_s=0.0)
            if issued is not None:
                typer.echo(issued.note)
            rounds += 1
            if count is None or rounds < count:
                time.sleep(every)
    except KeyboardInterrupt:
        return


@ledger_app.command("proof")
def proof(
    ctx: typer.Context,
    index: Annotated[int, typer.Argument(help="Leaf index.")],
    size: Annotated[
        int | None, typer.Option("--size", help="Tree size (default: latest checkpoint).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Inclusion proof of one entry."""
    ledger = _ledger(ctx)
    n = size if size is not None else ledger.checkpoint_covering(index).tree_size
    p = ledger.inclusion_proof(index, n)
    if as_json:
        print_json(ctx, p.to_json())
        return
    typer.echo(f"leaf {p.leaf_index} of {p.tree_size}  leaf hash {p.leaf_hash}")
    for h in p.inclusion_path:
        typer.echo(f"  {h}")


@ledger_app.command("consistency")
def consistency(
    ctx: typer.Context,
    old: Annotated[int, typer.Argument(help="Older tree size.")],
    new: Annotated[int, typer.Argument(help="Newer tree size.")],
    as_json: JsonOpt = False,
) -> None:
    """Consistency proof between two tree sizes."""
    p = _ledger(ctx).consistency_proof(old, new)
    if as_json:
        print_json(ctx, p.to_json())
        return
    typer.echo(f"consistency {p.old_size} -> {p.new_size}")
    for h in p.consistency_path:
        typer.echo(f"  {h}")


@ledger_app.command("verify")
def verify(
    ctx: typer.Context,
    key_files: Annotated[
        list[Path] | None,
        typer.Option(
            "--key",
            metavar="FILE",
            help="Verifier key: C2SP note key line(s) from 'ledger key export', or an Ed25519 "
            "public key (PEM or hex). Repeat for rotated keys. Without it the key store's "
            "ledger keys are used; with it no private key is read.",
        ),
    ] = None,
    witness_policy: Annotated[
        Path | None,
        typer.Option(
            "--witness-policy",
            metavar="FILE",
            help="Also require the witness cosignatures this policy asks for on the latest "
            "checkpoint.",
        ),
    ] = None,
    checkpoint_files: ledger_trust.CheckpointOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Recompute the tree from storage and check every checkpoint; exit 1 on any problem."""
    ledger = ledger_trust.readonly_ledger(ctx)  # never creates tables
    verifiers = None
    if key_files:
        from govloop.ledger import load_verifiers

        verifiers = []
        for path in key_files:
            # a bare public key is named after this ledger's origin
            text = _read_text(path, "key")
            verifiers.extend(load_verifiers(text, source=str(path), name=ledger.origin))
    report = ledger.verify(verifiers, ledger_trust.kept_checkpoints(checkpoint_files))
    if as_json:
        print_json(ctx, report.model_dump())
    else:
        status = "OK" if report.ok else "FAILED"
        typer.echo(
            f"{status}: {report.rows} entries, size {report.tree_size}, root {report.root_hash}, "
            f"{report.checkpoints_checked} checkpoints, "
            f"{report.consistency_checked} consistency proofs"
            + (f", {report.kept_checked} kept checkpoints" if checkpoint_files else "")
        )
        for problem in report.problems:
            typer.echo(f"  - {problem}")
        if report.first_bad_index is not None:
            typer.echo(f"first bad index: {report.first_bad_index}")
    if not report.ok:
        raise typer.Exit(1)
    if witness_policy is not None:  # raises VerificationError (exit 1) below the quorum
        from govloop.cli.ledger_witness import require_quorum

        typer.echo(require_quorum(ledger, witness_policy, verifiers), err=as_json)


@ledger_app.command("verify-proof")
def verify_proof(
    proof_file: Annotated[Path, typer.Argument(help="Proof JSON (inclusion or consistency).")],
    checkpoint_file: Annotated[Path, typer.Option("--checkpoint", help="Signed checkpoint.")],
    key_file: Annotated[Path, typer.Option("--key", help="Verifier key (note key text or PEM).")],
    old_checkpoint: Annotated[
        Path | None, typer.Option("--old-checkpoint", help="Older checkpoint (consistency).")
    ] = None,
    entry_file: Annotated[
        Path | None, typer.Option("--entry", help="Leaf bytes to check against the leaf hash.")
    ] = None,
) -> None:
    """Verify a proof offline against a signed checkpoint (no database needed)."""
    from govloop.errors import InputError
    from govloop.ledger import (
        InclusionProof,
        load_proof,
        load_verifiers,
        verify_consistency_proof,
        verify_inclusion_proof,
    )

    p = load_proof(_read(proof_file, "proof"), source=str(proof_file))
    note = _read_text(checkpoint_file, "checkpoint")
    verifiers = load_verifiers(_read_text(key_file, "key"), source=str(key_file), note=note)
    if isinstance(p, InclusionProof):
        entry = _read(entry_file, "entry") if entry_file else None
        body = verify_inclusion_proof(p, note, verifiers, entry=entry)
        typer.echo(f"OK: leaf {p.leaf_index} is in {body.origin} at size {body.tree_size}")
        return
    if old_checkpoint is None:
        raise InputError("a consistency proof needs --old-checkpoint as well as --checkpoint")
    old, new = verify_consistency_proof(
        p, _read_text(old_checkpoint, "checkpoint"), note, verifiers
    )
    typer.echo(f"OK: {new.origin} size {old.tree_size} is a prefix of size {new.tree_size}")


@key_app.command("export")
def key_export(ctx: typer.Context) -> None:
    """Print the active public key as a C2SP note verifier key."""
    typer.echo(_ledger(ctx).verifier().to_text())


@key_app.command("rotate")
def key_rotate(ctx: typer.Context) -> None:
    """Make a new signing key active; old checkpoints stay verifiable. Prints the new key."""
    typer.echo(_ledger(ctx).rotate_key().to_text())


def register(app: typer.Typer) -> None:
    """Add the ``ledger`` group."""
    from govloop.cli.ledger_witness import register as register_witness

    register_witness(ledger_app)

    from govloop.cli import ledger_tiles

    ledger_tiles.register(ledger_app)
    app.add_typer(ledger_app, name="ledger")
