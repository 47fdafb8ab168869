"""``govloop ledger witness``: run a tlog witness, or push this log's checkpoints to witnesses.

A regulator runs ``init``, ``add-log`` (each provider's exported ledger key) and ``serve``; a
provider runs ``add`` after each checkpoint, with a policy file naming the witnesses' keys and
URLs, and the cosignatures come back into its database (``ledger checkpoint`` prints them).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govloop.cli._common import print_json, state

if TYPE_CHECKING:
    from govloop.ledger import Ledger, NoteVerifier
    from govloop.witness import Witness, WitnessPolicy

witness_app = typer.Typer(
    help="Witness cosignatures (C2SP tlog-witness): run a witness, or submit to witnesses.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
PolicyOpt = Annotated[
    Path,
    typer.Option(
        "--policy",
        metavar="FILE",
        help="Witness policy (TOML): [[witness]] key = '<cosignature key>', url = '<prefix>'; "
        "quorum = N.",
    ),
]


def _witness(ctx: typer.Context) -> Witness:
    from govloop.witness import Witness

    st = state(ctx)
    return Witness(st.store, st.keys)


def _ledger(ctx: typer.Context) -> Ledger:
    from govloop.ledger import Ledger

    st = state(ctx)
    return Ledger.open(st.store, st.keys, st.settings)


def _read_text(path: Path, what: str, limit: int = 1024 * 1024) -> str:
    from govloop.errors import InputError

    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what}: {exc.strerror}") from exc
    if len(data) > limit:
        raise InputError(f"{path}: {what} is larger than {limit} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: {what} is not UTF-8 text") from exc


@witness_app.command("init")
def init(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Option("--name", help="Witness key name, a schema-less URL (witness.example/w1)."),
    ],
) -> None:
    """Name this witness and make its cosigning key; prints the key for policy files."""
    typer.echo(_witness(ctx).init(name).to_text())


@witness_app.command("key")
def key(ctx: typer.Context) -> None:
    """Print this witness's cosignature/v1 verifier key."""
    typer.echo(_witness(ctx).verifier().to_text())


@witness_app.command("add-log")
def add_log(
    ctx: typer.Context,
    key_files: Annotated[
        list[Path], typer.Argument(help="The log's note verifier key(s), from 'ledger key export'.")
    ],
) -> None:
    """Watch a log: trust its checkpoint keys (all must name the same origin)."""
    from govloop.ledger import load_verifiers

    verifiers: list[NoteVerifier] = []
    for path in key_files:
        verifiers.extend(load_verifiers(_read_text(path, "key"), source=str(path)))
    log = _witness(ctx).add_log(verifiers)
    typer.echo(f"watching {log.origin} ({len(log.keys)} key(s)), cosigned size {log.size}")


@witness_app.command("logs")
def logs(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The logs this witness watches and the latest size it cosigned for each."""
    rows = _witness(ctx).logs()
    if as_json:
        print_json(
            ctx,
            [
                {
                    "origin": r.origin,
                    "size": r.size,
                    "root_hash": r.root_hash.hex() if r.root_hash else None,
                    "keys": list(r.keys),
                    "updated_at": r.updated_at,
                }
                for r in rows
            ],
        )
        return
    for r in rows:
        root = r.root_hash.hex() if r.root_hash else "-"
        typer.echo(f"{r.origin}  size {r.size}  root {root}  ({r.updated_at})")


@witness_app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8701,
) -> None:
    """Serve POST /add-checkpoint (c2sp.org/tlog-witness) until interrupted."""
    from govloop.witness_http import serve as run

    witness = _witness(ctx)
    typer.echo(f"witness {witness.verifier().to_text()} on http://{host}:{port}/add-checkpoint")
    run(witness, host, port)


@witness_app.command("add")
def add(
    ctx: typer.Context,
    policy_file: PolicyOpt,
    urls: Annotated[
        list[str] | None,
        typer.Argument(help="Witness submission prefixes (default: the policy's urls)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Submit the newest checkpoint to witnesses and keep the cosignatures they return."""
    from govloop.errors import GovloopError, InputError
    from govloop.witness import load_policy, submit_checkpoint

    policy = load_policy(policy_file)
    targets = list(urls or [w.url for w in policy.witnesses if w.url])
    if not targets:
        raise InputError(f"{policy_file}: no witness has a url; name the URLs to submit to")
    ledger = _ledger(ctx)
    results: list[dict[str, object]] = []
    for url in targets:
        try:
            sub = submit_checkpoint(ledger, url, policy.verifiers)
            results.append({"url": url, "size": sub.tree_size, "cosigned_by": list(sub.witnesses)})
        except GovloopError as exc:
            results.append({"url": url, "error": exc.diagnostics()})
    if as_json:
        print_json(ctx, results)
    else:
        for r in results:
            if "error" in r:
                typer.echo(f"{r['url']}: FAILED: {r['error']}")
            else:
                names = ", ".join(r["cosigned_by"]) or "no trusted witness"  # type: ignore[arg-type]
                typer.echo(f"{r['url']}: size {r['size']} cosigned by {names}")
    if any("error" in r for r in results):
        raise typer.Exit(1)


def require_quorum(ledger: Ledger, policy_file: Path, verifiers: list[NoteVerifier] | None) -> str:
    """Check the latest checkpoint against a witness policy (for ``ledger verify``).

    Returns a line to print; raises :class:`~govloop.errors.VerificationError` if unmet.
    """
    from govloop.errors import VerificationError
    from govloop.witness import load_policy

    policy = load_policy(policy_file)
    latest = ledger.latest_checkpoint()
    if latest is None:
        raise VerificationError("no checkpoint to check witness cosignatures on")
    return "witnesses: " + _quorum_line(ledger, policy, latest.note, verifiers)


def _quorum_line(
    ledger: Ledger, policy: WitnessPolicy, note: str, verifiers: list[NoteVerifier] | None
) -> str:
    from govloop.witness import check_quorum, cosigned_note, note_body

    size = note_body(note).split("\n")[1]
    good = check_quorum(
        cosigned_note(ledger.store, note),
        policy,
        verifiers if verifiers is not None else ledger.verifiers(),
    )
    names = ", ".join(c.name for c in good)
    return f"size {size} cosigned by {len(good)} of {policy.quorum} required ({names})"


def witness_checks(ledger: Ledger, policy_file: Path, notes: list[str]) -> tuple[bool, list[str]]:
    """For ``trace --witness-policy``: one line per checkpoint and whether all met the policy."""
    from govloop.errors import VerificationError
    from govloop.witness import load_policy

    policy = load_policy(policy_file)
    ok, lines = True, []
    for i, note in enumerate(notes, 1):
        try:
            lines.append(f"witnesses, candidate {i}: {_quorum_line(ledger, policy, note, None)}")
        except VerificationError as exc:
            ok = False
            lines.append(f"witnesses, candidate {i}: NOT MET: {exc}")
    return ok, lines


def register(ledger_app: typer.Typer) -> None:
    """Add the ``witness`` group under ``ledger``."""
    ledger_app.add_typer(witness_app, name="witness")
