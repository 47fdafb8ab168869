"""``govloop ledger monitor`` and the read-only side of ``ledger verify --checkpoint``.

Verifying must never change what it verifies: both open the database read-only
(``govloop.ledger.open_readonly``), so a missing, empty or schema-less database is an error
naming it, never a freshly created empty ledger that "verifies".
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from govloop.cli._common import print_json, state

if TYPE_CHECKING:
    from govloop.ledger import KeptCheckpoint, Ledger, LedgerSource, NoteVerifier, TilesSource

MAX_CHECKPOINT_BYTES = 1 << 20
"""Largest kept checkpoint file read (a note with 100 signatures is under 20 KiB)."""

CheckpointOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--checkpoint",
        metavar="FILE",
        help="A signed checkpoint kept outside the log (repeatable): the stored tree must be "
        "consistent with it; a rollback, fork or rewritten history fails naming the size.",
    ),
]


def readonly_ledger(ctx: typer.Context) -> Ledger:
    """The home's ledger opened read-only; an empty ledger (nothing ever recorded) is an error."""
    from govloop.errors import StoreError
    from govloop.ledger import Ledger, open_readonly

    st = state(ctx)
    store = open_readonly(st.settings.db_url)
    ctx.call_on_close(store.close)
    ledger = Ledger(store, st.keys, st.settings)
    if ledger.size() == 0 and ledger.latest_checkpoint() is None:
        where = store.engine.url.render_as_string(hide_password=True)
        if store.engine.dialect.name == "sqlite":
            where = st.settings.db_url.removeprefix("sqlite:///")
        raise StoreError(f"the ledger in {where} is empty: no entries, no checkpoints to verify")
    return ledger


def kept_checkpoints(paths: list[Path] | None) -> list[KeptCheckpoint]:
    """Read ``--checkpoint`` files (UTF-8 signed notes, at most 1 MiB each)."""
    from govloop.errors import InputError
    from govloop.ledger import KeptCheckpoint

    out = []
    for path in paths or []:
        try:
            with path.open("rb") as fh:
                data = fh.read(MAX_CHECKPOINT_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read checkpoint: {exc.strerror}") from exc
        if len(data) > MAX_CHECKPOINT_BYTES:
            raise InputError(f"{path}: checkpoint is over {MAX_CHECKPOINT_BYTES} bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: checkpoint is not UTF-8 text") from exc
        from govloop.ledger import note_from_file

        out.append(KeptCheckpoint(note_from_file(text), str(path)))
    return out


def _verifiers(paths: list[Path], origin: str | None) -> list[NoteVerifier]:
    from govloop.errors import InputError
    from govloop.ledger import load_verifiers

    out: list[NoteVerifier] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read key: {exc}") from exc
        out.extend(load_verifiers(text, source=str(path), name=origin))
    return out


def _log_source(spec: str, state_file: Path) -> tuple[str, LedgerSource | TilesSource]:
    """A ``--log`` value: a govloop home, a database URL, or tlog-tiles (URL or directory)."""
    from sqlalchemy.engine import make_url

    from govloop.config import Settings
    from govloop.errors import InputError
    from govloop.ledger import LedgerSource, TilesSource, is_tiles_location

    if is_tiles_location(spec):
        return spec, TilesSource(spec)
    if "://" in spec:
        settings = Settings(database_url=spec)
        name = make_url(spec).render_as_string(hide_password=True)
        db = make_url(spec).database if make_url(spec).get_backend_name() == "sqlite" else None
        home = Path(db).expanduser().resolve().parent if db else None
    else:
        home = Path(spec).expanduser().resolve()
        if not home.is_dir():
            raise InputError(f"--log {spec}: not a govloop home directory")
        settings = Settings(home=home)
        name = str(home)
    if home is not None and state_file.resolve().is_relative_to(home):
        raise InputError(
            f"--state {state_file} lies inside the log's home {home}: keep the monitor's state "
            "where the log's operator cannot rewrite it"
        )
    return name, LedgerSource(settings, name)


def register(ledger_app: typer.Typer) -> None:
    """Add ``ledger monitor`` to the ``ledger`` group."""
    ledger_app.command("monitor")(monitor)


def monitor(
    ctx: typer.Context,
    state_file: Annotated[
        Path, typer.Option("--state", metavar="FILE", help="The monitor's own state file.")
    ],
    key_files: Annotated[
        list[Path],
        typer.Option(
            "--key",
            metavar="FILE",
            help="The log's public key(s) ('ledger key export'); repeatable. Only these are "
            "trusted.",
        ),
    ],
    logs: Annotated[
        list[str] | None,
        typer.Option(
            "--log",
            metavar="HOME|URL",
            help="A log to watch (repeatable; default: this home's ledger): a govloop home "
            "directory, a database URL, or the log's tlog-tiles as an http(s):// base URL "
            "(e.g. https://host/tlog/) or a directory from 'ledger tiles export'.",
        ),
    ] = None,
    interval: Annotated[
        float | None,
        typer.Option("--interval", min=0.1, metavar="S", help="Keep checking every S seconds."),
    ] = None,
    count: Annotated[
        int | None, typer.Option("--count", min=1, help="With --interval: stop after N rounds.")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="One round, then exit (default).")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Check each log's new checkpoint against the one kept; exit 1 on any inconsistency.

    The state advances only for logs that pass. A rollback, fork, rewritten history, deleted
    checkpoint rows or an unreadable log is an alert naming the log, the kept and the new size.
    """
    from govloop.ledger import monitor_once

    del once  # the default; --interval overrides it
    specs = logs or [str(state(ctx).settings.home)]
    if not logs and state(ctx).settings.database_url:
        specs = [state(ctx).settings.db_url]
    verifiers = _verifiers(key_files, None)
    rounds = 0
    while True:
        sources = dict(_log_source(spec, state_file) for spec in specs)
        try:
            outcomes = monitor_once(sources, verifiers, state_file)
        finally:
            for source in sources.values():
                source.close()
        if as_json:
            print_json(ctx, [o.__dict__ for o in outcomes])
        else:
            for o in outcomes:
                typer.echo(o.message, err=not o.ok)
        if not all(o.ok for o in outcomes):
            raise typer.Exit(1)
        rounds += 1
        if interval is None or (count is not None and rounds >= count):
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return
