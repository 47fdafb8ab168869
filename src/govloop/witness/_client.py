"""The log's side of tlog-witness: submit the newest checkpoint and keep the cosignatures.

:func:`submit_checkpoint` sends ``add-checkpoint`` with a consistency proof from the size the
witness last cosigned. That size is first guessed from the cosignatures already stored (0 when
there are none); on "409 Conflict" the witness's answer (``text/x.tlog.size``) gives the real
size and the request is retried once, as the spec suggests. Returned lines are verified against
the trusted witness keys before they are stored; lines by unknown keys are dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx
import sqlalchemy as sa

from govloop.errors import InputError, StateError, StoreError, VerificationError
from govloop.ledger import SIG_PREFIX, CosignVerifier, Ledger
from govloop.store import Store
from govloop.witness._cosigs import store_cosignatures
from govloop.witness._request import format_add_checkpoint, parse_size
from govloop.witness._tables import COSIGNATURES

MAX_RESPONSE_BYTES = 64 * 1024
"""Largest witness response read."""
SIZE_CONTENT_TYPE = "text/x.tlog.size"
"""Content type of a 409 answer that carries the witness's size."""

Post = Callable[[str, bytes], tuple[int, str, bytes]]
"""``post(url, body) -> (status, content type, body)``: how a request reaches a witness."""


def http_post(url: str, body: bytes, *, timeout: float = 15.0) -> tuple[int, str, bytes]:
    """POST ``body`` to ``url`` with httpx, reading at most :data:`MAX_RESPONSE_BYTES`."""
    try:
        with (
            httpx.Client(timeout=timeout) as client,
            client.stream("POST", url, content=body) as resp,
        ):
            data = b""
            for chunk in resp.iter_bytes():
                data += chunk
                if len(data) > MAX_RESPONSE_BYTES:
                    raise VerificationError(f"{url}: response larger than {MAX_RESPONSE_BYTES}")
            return resp.status_code, resp.headers.get("content-type", ""), data
    except httpx.HTTPError as exc:
        raise StateError(f"{url}: witness unreachable: {exc}") from exc


class WitnessRefused(StateError):
    """A witness answered with an error status; ``status`` is the HTTP code."""

    def __init__(self, url: str, status: int, detail: str) -> None:
        super().__init__(f"{url}: witness refused the checkpoint: HTTP {status}: {detail}")
        self.status = status
        """The witness's HTTP status code."""


def _detail(ctype: str, body: bytes) -> str:
    """One line from an error answer: a problem document's ``detail``, else the text."""
    text = body[:2000].decode("utf-8", "replace")
    if ctype.split(";")[0].strip() == "application/problem+json":
        try:
            doc = json.loads(text)
            if isinstance(doc, dict) and isinstance(doc.get("detail"), str):
                text = doc["detail"]
        except ValueError:
            pass
    lines = text.strip().splitlines()
    return lines[0][:300] if lines else "(no detail)"


@dataclass(frozen=True)
class Submission:
    """What one witness answered."""

    url: str
    """The witness's submission prefix."""
    tree_size: int
    """Size of the checkpoint submitted."""
    witnesses: tuple[str, ...]
    """Names of the trusted witnesses whose cosignatures were stored."""


def _known_size(store: Store, names: Sequence[str]) -> int:
    with store.engine.connect() as conn:
        value = conn.execute(
            sa.select(sa.func.max(COSIGNATURES.c.tree_size)).where(
                COSIGNATURES.c.witness.in_(list(names))
            )
        ).scalar()
    return int(value or 0)


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/add-checkpoint") else url + "/add-checkpoint"


def submit_checkpoint(
    ledger: Ledger,
    url: str,
    witnesses: Sequence[CosignVerifier],
    *,
    post: Post = http_post,
    note: str | None = None,
) -> Submission:
    """Submit the ledger's newest checkpoint (or ``note``) to the witness at ``url``."""
    if not witnesses:
        raise InputError("no witness keys to verify cosignatures with")
    cp = ledger.checkpoint() if note is None else None
    text = cp.note if cp is not None else str(note)
    size = cp.tree_size if cp is not None else ledger.size()
    try:
        old = _known_size(ledger.store, [w.name for w in witnesses])
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"reading cosignatures failed: {exc}") from exc
    endpoint = _endpoint(url)
    for attempt in range(2):
        if old > size:
            raise StateError(
                f"{url}: the witness has cosigned size {old}, larger than this log's {size}: "
                "this log was rolled back"
            )
        proof: list[bytes] = []
        if 0 < old < size:
            proof = [bytes.fromhex(h) for h in ledger.consistency_proof(old, size).consistency_path]
        status, ctype, body = post(endpoint, format_add_checkpoint(old, proof, text))
        if status == 409 and ctype.split(";")[0].strip() == SIZE_CONTENT_TYPE and attempt == 0:
            try:
                old = parse_size(body.decode("ascii").removesuffix("\n"), "witness size")
            except (UnicodeDecodeError, InputError) as exc:
                raise VerificationError(f"{url}: unreadable 409 answer") from exc
            continue
        if status != 200:
            raise WitnessRefused(url, status, _detail(ctype, body))
        try:
            lines = body.decode("utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise VerificationError(f"{url}: cosignature answer is not UTF-8") from exc
        if not lines or any(not ln.startswith(SIG_PREFIX) for ln in lines):
            raise VerificationError(f"{url}: answer is not cosignature lines")
        stored = store_cosignatures(ledger.store, text, lines, witnesses)
        return Submission(url, size, tuple(stored))
    raise StateError(f"{url}: the witness's size changed again during the retry")
