"""Witness policies: which witnesses a verifier trusts and how many must have cosigned.

A policy file is TOML::

    quorum = 2                       # cosignatures required (default: every listed witness)

    [[witness]]
    key = "witness.regulator.example/w1+1a2b3c4d+BEt..."   # cosignature/v1 verifier key
    url = "http://127.0.0.1:8701"    # optional: where 'ledger witness add' submits

A checkpoint satisfies the policy when at least ``quorum`` distinct listed witnesses have a valid
cosignature on it. One witness is one vote however many lines it added.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from govloop.errors import InputError, VerificationError
from govloop.ledger import Cosignature, CosignVerifier, NoteVerifier, open_note, verify_cosignatures

MAX_POLICY_BYTES = 1024 * 1024
"""Largest policy file read."""


@dataclass(frozen=True)
class PolicyWitness:
    """One trusted witness: its key and, optionally, its submission URL."""

    verifier: CosignVerifier
    """The witness's cosignature/v1 key."""
    url: str | None = None
    """Submission prefix of its ``add-checkpoint`` endpoint."""


@dataclass(frozen=True)
class WitnessPolicy:
    """Trusted witnesses and the quorum a checkpoint must reach."""

    witnesses: tuple[PolicyWitness, ...]
    """The witnesses, in file order."""
    quorum: int
    """How many distinct witnesses must have cosigned."""

    @property
    def verifiers(self) -> list[CosignVerifier]:
        """The witnesses' keys."""
        return [w.verifier for w in self.witnesses]

    @classmethod
    def from_toml(cls, text: str, *, source: str = "policy") -> WitnessPolicy:
        """Parse a policy; :class:`InputError` names the file and the field that is wrong."""
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{source}: not TOML ({exc})") from exc
        unknown = set(doc) - {"quorum", "witness"}
        if unknown:
            raise InputError(f"{source}: unknown field {sorted(unknown)[0]!r}")
        entries = doc.get("witness", [])
        if not isinstance(entries, list) or not entries:
            raise InputError(f"{source}: field 'witness' must list at least one [[witness]]")
        witnesses: list[PolicyWitness] = []
        for i, entry in enumerate(entries):
            where = f"{source}: witness[{i}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
                raise InputError(f"{where}: needs a 'key' string")
            extra = set(entry) - {"key", "url"}
            if extra:
                raise InputError(f"{where}: unknown field {sorted(extra)[0]!r}")
            url = entry.get("url")
            if url is not None and (
                not isinstance(url, str) or not url.startswith(("http://", "https://"))
            ):
                raise InputError(f"{where}: 'url' must be an http(s) URL")
            try:
                verifier = CosignVerifier.from_text(entry["key"])
            except InputError as exc:
                raise InputError(f"{where}: {exc}") from exc
            witnesses.append(PolicyWitness(verifier, url))
        names = [w.verifier.name for w in witnesses]
        if len(set(names)) != len(names):
            raise InputError(f"{source}: a witness name is listed twice")
        quorum = doc.get("quorum", len(witnesses))
        if (
            isinstance(quorum, bool)
            or not isinstance(quorum, int)
            or not 1 <= quorum <= len(witnesses)
        ):
            raise InputError(
                f"{source}: field 'quorum' must be a whole number from 1 to {len(witnesses)}"
            )
        return cls(tuple(witnesses), quorum)


def load_policy(path: Path) -> WitnessPolicy:
    """Read a policy file (bounded in size)."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_POLICY_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the witness policy: {exc.strerror}") from exc
    if len(data) > MAX_POLICY_BYTES:
        raise InputError(f"{path}: witness policy is larger than {MAX_POLICY_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: witness policy is not UTF-8 text") from exc
    return WitnessPolicy.from_toml(text, source=str(path))


def check_quorum(
    note: str,
    policy: WitnessPolicy,
    log_verifiers: Sequence[NoteVerifier] | None = None,
) -> list[Cosignature]:
    """The policy witnesses' valid cosignatures on ``note``; fails below the quorum.

    With ``log_verifiers`` the log's own signature is checked too. Raises
    :class:`VerificationError` naming how many cosignatures were needed and found.
    """
    if log_verifiers is not None:
        open_note(note, log_verifiers)
    good = verify_cosignatures(note, policy.verifiers)
    if len(good) < policy.quorum:
        found = ", ".join(c.name for c in good) or "none"
        raise VerificationError(
            f"checkpoint has {len(good)} of the {policy.quorum} witness cosignatures the "
            f"policy requires (valid: {found})"
        )
    return good
