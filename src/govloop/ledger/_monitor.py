"""A monitor: keep the latest verified checkpoint of each log, and check every new one against it.

The platform and the regulator each run one, with a state file of their own (never inside the
log's home: a state the provider can rewrite proves nothing). Each round, for each log, it
fetches the current checkpoint, verifies its signature with the keys it was given, asks the log
for a consistency proof from the size it kept and checks it (``_trust.check_kept``). Only a log
that passes has its state advanced; any failure is an :class:`Alert` naming the log, the kept
size and the new size.

Logs are reached through a :class:`CheckpointSource`: a govloop ledger database now
(:class:`LedgerSource`); a tlog-tiles client over HTTP has the same two methods.

State file (JSON, UTF-8)::

    {"version": 1, "logs": {"<log name>": {"origin": ..., "tree_size": N,
                                           "root_hash": "<hex>", "checkpoint": "<note text>",
                                           "verified_at": "<UTC ISO-8601>"}}}
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from govloop.config import Settings
from govloop.errors import GovloopError, InputError, StateError, VerificationError
from govloop.keys import KeyStore
from govloop.ledger._entry import utc_now_iso
from govloop.ledger._ledger import Ledger
from govloop.ledger._note import CheckpointBody, NoteVerifier, open_note, split_note
from govloop.ledger._readonly import open_readonly
from govloop.ledger._trust import check_kept

STATE_VERSION = 1
MAX_STATE_BYTES = 16 * 1024 * 1024
"""Largest state file read (about 100,000 logs)."""


class CheckpointSource(Protocol):
    """Where a monitor reads a log: its current signed checkpoint and consistency proofs."""

    def latest_checkpoint(self) -> bytes:
        """The log's current signed checkpoint note."""
        ...

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """RFC 9162 consistency path from tree size ``old`` to ``new`` (32-byte hashes)."""
        ...


class LedgerSource:
    """A govloop ledger read through its database, opened read-only on first use.

    Opening late means a missing or emptied database is an alert for that log (the monitor
    carries on with the others), not a crash of the whole round.
    """

    def __init__(self, settings: Settings, name: str) -> None:
        self.settings = settings
        self.name = name
        self._ledger: Ledger | None = None

    def ledger(self) -> Ledger:
        """The ledger, opened read-only (no key is read or made: the monitor brings its own)."""
        if self._ledger is None:
            store = open_readonly(self.settings.db_url)
            self._ledger = Ledger(store, KeyStore(self.settings.keys_dir), self.settings)
        return self._ledger

    def latest_checkpoint(self) -> bytes:
        """The stored checkpoint of the largest tree (none issued yet: :class:`StateError`)."""
        cp = self.ledger().latest_checkpoint()
        if cp is None:
            raise StateError("no checkpoint issued yet")
        return cp.note.encode("utf-8")

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """The path built from the ledger's node cache."""
        proof = self.ledger().consistency_proof(old, new)
        return [bytes.fromhex(h) for h in proof.consistency_path]

    def close(self) -> None:
        """Release the database connection, if one was opened."""
        if self._ledger is not None:
            self._ledger.store.close()
            self._ledger = None


class Kept(BaseModel):
    """A log's latest verified checkpoint, as the state file keeps it."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    origin: str
    tree_size: int = Field(ge=0)
    root_hash: str
    checkpoint: str
    """The signed note as fetched (the other fields say what it says)."""
    verified_at: str

    def to_json(self) -> dict[str, Any]:
        """The state file's record."""
        return self.model_dump()


@dataclass(frozen=True)
class Outcome:
    """What one round found for one log."""

    log: str
    """The log's name (as given to the monitor)."""
    ok: bool
    kept_size: int | None
    """Size kept before this round (None: first sight)."""
    new_size: int | None
    """Size of the checkpoint fetched (None: none could be read)."""
    message: str


def load_state(path: Path) -> dict[str, Kept]:
    """The kept checkpoints; a missing file is an empty state, a damaged one an InputError."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_STATE_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise InputError(f"{path}: cannot read the monitor state: {exc.strerror}") from exc
    if len(data) > MAX_STATE_BYTES:
        raise InputError(f"{path}: monitor state is over {MAX_STATE_BYTES} bytes")
    try:
        doc = json.loads(data)
        if doc.get("version") != STATE_VERSION:
            raise InputError(f"{path}: monitor state version must be {STATE_VERSION}")
        logs = doc["logs"]
        if not isinstance(logs, dict):
            raise InputError(f"{path}: 'logs' must be an object")
        return {str(name): Kept.model_validate(rec) for name, rec in logs.items()}
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise InputError(f"{path}: monitor state field {field!r}: {err['msg']}") from exc
    except InputError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise InputError(f"{path}: not a monitor state file ({exc})") from exc


def save_state(path: Path, logs: Mapping[str, Kept]) -> None:
    """Write the state atomically (a crash leaves the old file or the new one, never half)."""
    doc = {"version": STATE_VERSION, "logs": {n: k.to_json() for n, k in sorted(logs.items())}}
    data = json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(f"{path}: cannot write the monitor state: {exc.strerror}") from exc


def check_log(
    name: str, source: CheckpointSource, verifiers: Sequence[NoteVerifier], kept: Kept | None
) -> tuple[Outcome, Kept | None]:
    """Fetch and check one log; returns the outcome and the new record (None on failure)."""
    old = kept.tree_size if kept else None
    seen = "first sight" if kept is None else f"kept size {old}"

    def alert(problem: str, new: int | None = None) -> tuple[Outcome, None]:
        where = seen if new is None else f"{seen}, new size {new}"
        return Outcome(name, False, old, new, f"ALERT log {name}: {where}: {problem}"), None

    try:
        note = source.latest_checkpoint().decode("utf-8")
    except UnicodeDecodeError:
        return alert("its checkpoint is not UTF-8 text")
    except GovloopError as exc:
        return alert(f"cannot read its checkpoint: {exc}")
    try:
        body = CheckpointBody.from_text(open_note(note, verifiers).body)
    except VerificationError as exc:
        return alert(f"checkpoint rejected: {exc}")
    new = body.tree_size
    if kept is not None:
        try:
            kept_body = CheckpointBody.from_text(split_note(kept.checkpoint)[0])
            check_kept(kept_body, body, source.consistency_proof)
        except GovloopError as exc:
            return alert(str(exc), new)
    record = Kept(
        origin=body.origin,
        tree_size=new,
        root_hash=body.root_hash.hex(),
        checkpoint=note,
        verified_at=utc_now_iso(),
    )
    if kept is None:
        msg = f"log {name}: first checkpoint kept, size {new}"
    elif new == kept.tree_size:
        msg = f"log {name}: unchanged at size {new}"
    else:
        msg = f"log {name}: size {kept.tree_size} -> {new}, consistent"
    return Outcome(name, True, old, new, msg), record


def monitor_once(
    sources: Mapping[str, CheckpointSource],
    verifiers: Sequence[NoteVerifier],
    state_path: Path,
) -> list[Outcome]:
    """One round over every log; the state advances only for logs that passed."""
    state = load_state(state_path)
    outcomes = []
    changed = False
    for name, source in sources.items():
        outcome, record = check_log(name, source, verifiers, state.get(name))
        outcomes.append(outcome)
        if record is not None and (
            name not in state or state[name].checkpoint != record.checkpoint
        ):
            state[name] = record
            changed = True
    if changed:
        save_state(state_path, state)
    return outcomes
