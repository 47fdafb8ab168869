"""The checkpoint chain: each new checkpoint names its number and the hash of the one before.

A checkpoint body may carry extension lines after its first three (C2SP tlog-checkpoint); govloop
adds one, ``govloop-chain/v1 <number> <base64 SHA-256 of the previous checkpoint body>``, so that
deleting stored checkpoint rows leaves a gap (a missing number) or a broken link that ``verify``
names. Other checkers ignore the line, as the spec asks of unknown extensions.

The hash covers the previous *body* (the signed text), not the whole note, so adding a
cosignature to a stored note later does not break the chain. The first checkpoint issued with a
chain takes the number of stored checkpoints plus one, so ledgers from before the chain keep
verifying and their old checkpoints still count.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from govloop.errors import VerificationError
from govloop.ledger._note import CheckpointBody

CHAIN_PREFIX = "govloop-chain/v1"
"""First word of the chain extension line."""
NO_PREVIOUS = bytes(32)
"""The previous-checkpoint hash of checkpoint number 1."""


def body_hash(body: CheckpointBody) -> bytes:
    """SHA-256 of a checkpoint body's text (what the next checkpoint's chain line names)."""
    return hashlib.sha256(body.to_text().encode("utf-8")).digest()


@dataclass(frozen=True)
class ChainLink:
    """What a checkpoint's chain line says."""

    number: int
    """1 for the first checkpoint the ledger issued, then one more for each."""
    previous: bytes
    """SHA-256 of the previous checkpoint's body (:data:`NO_PREVIOUS` for number 1)."""

    def to_line(self) -> str:
        """The extension line."""
        return f"{CHAIN_PREFIX} {self.number} {base64.b64encode(self.previous).decode()}"


def next_link(previous: CheckpointBody | None, stored: Callable[[], int]) -> ChainLink:
    """The chain link of a new checkpoint issued after ``previous``.

    ``stored`` counts the stored checkpoints; it is called only when ``previous`` has no chain
    line (a ledger from before chains), so a chained ledger never pays for the count.
    """
    if previous is None:
        return ChainLink(stored() + 1, NO_PREVIOUS)
    link = chain_link(previous)
    number = link.number + 1 if link is not None else stored() + 1
    return ChainLink(number, body_hash(previous))


def chain_link(body: CheckpointBody) -> ChainLink | None:
    """The chain line of a checkpoint body, or None for a checkpoint issued before chains."""
    lines = [ln for ln in body.extensions if ln.split(" ", 1)[0] == CHAIN_PREFIX]
    if not lines:
        return None
    if len(lines) > 1:
        raise VerificationError(f"checkpoint of size {body.tree_size}: two chain lines")
    fields = lines[0].split(" ")
    bad = VerificationError(
        f"checkpoint of size {body.tree_size}: malformed chain line {lines[0][:80]!r}"
    )
    if len(fields) != 3 or not fields[1].isascii() or not fields[1].isdigit():
        raise bad
    try:
        previous = base64.b64decode(fields[2], validate=True)
    except binascii.Error as exc:
        raise bad from exc
    number = int(fields[1])
    if number < 1 or len(previous) != 32 or (number == 1) != (previous == NO_PREVIOUS):
        raise bad
    return ChainLink(number, previous)


def chain_problems(bodies: Sequence[CheckpointBody]) -> list[str]:
    """Gaps and broken links in checkpoints listed in issue order (signatures already checked).

    Each problem names the checkpoint number where the chain breaks.
    """
    problems: list[str] = []
    prev: CheckpointBody | None = None
    prev_link: ChainLink | None = None
    for position, body in enumerate(bodies, start=1):
        try:
            link = chain_link(body)
        except VerificationError as exc:
            problems.append(str(exc))
            prev, prev_link = body, None
            continue
        if link is None:
            if prev_link is not None:
                problems.append(
                    f"checkpoint of size {body.tree_size} after checkpoint number "
                    f"{prev_link.number} has no chain line (inserted?)"
                )
            prev, prev_link = body, None
            continue
        expected = prev_link.number + 1 if prev_link is not None else position
        if link.number > expected:
            missing = (
                f"number {expected}"
                if link.number == expected + 1
                else f"numbers {expected}..{link.number - 1}"
            )
            problems.append(
                f"checkpoint {missing} missing before checkpoint number {link.number} "
                f"(size {body.tree_size}): checkpoint rows deleted?"
            )
        elif link.number < expected:
            problems.append(
                f"checkpoint number {link.number} (size {body.tree_size}) comes after number "
                f"{expected - 1}: numbering went back (rows deleted and reissued?)"
            )
        elif link.previous != (NO_PREVIOUS if prev is None else body_hash(prev)):
            problems.append(
                f"checkpoint number {link.number} (size {body.tree_size}) does not link to the "
                f"stored checkpoint before it (a row deleted or replaced?)"
            )
        prev, prev_link = body, link
    return problems
