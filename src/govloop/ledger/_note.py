r"""C2SP signed notes and tlog checkpoints with Ed25519 keys.

Formats (c2sp.org/signed-note, c2sp.org/tlog-checkpoint):

- checkpoint body: ``<origin>\n<tree size>\n<base64 root hash>\n`` then optional extension
  lines, each ending in ``\n``;
- signed note: body, a blank line, then one line per signature
  ``— <key name> <base64(4-byte key hash || 64-byte signature)>\n`` (U+2014 and a space);
- Ed25519 key hash: first 4 bytes of ``SHA-256(name || "\n" || 0x01 || public key)``;
- verifier key text: ``<name>+<key hash as 8 hex digits>+<base64(0x01 || public key)>``.

Verification follows the Go reference (golang.org/x/mod/sumdb/note): signatures by unknown keys
are ignored, a signature by a known key that does not verify is an error, and at least one known
key must have signed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from govloop.errors import InputError, VerificationError
from govloop.keys import SigningKey, public_raw

ALG_ED25519 = 0x01
"""Signature type byte of Ed25519 note keys."""
SIG_PREFIX = "\u2014 "
"""Start of every signature line: an em dash and a space."""
MAX_SIGNATURES = 100
"""Most signature lines accepted in one note (as the Go reference does)."""


def check_key_name(name: str) -> str:
    """Return ``name`` if it is a valid note key name (non-empty, no spaces or ``+``)."""
    if not name or "+" in name or any(c.isspace() for c in name):
        raise InputError(f"note key name {name!r} must be non-empty, without spaces or '+'")
    return name


def key_hash(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte key hash of an Ed25519 note key."""
    data = name.encode() + b"\n" + bytes([ALG_ED25519]) + public_raw(public_key)
    return hashlib.sha256(data).digest()[:4]


@dataclass(frozen=True)
class NoteVerifier:
    """A named Ed25519 public key that verifies note signatures."""

    name: str
    """Key name (for checkpoints: the log origin)."""
    public_key: Ed25519PublicKey
    """The Ed25519 public key."""

    @property
    def key_hash(self) -> bytes:
        """The 4-byte key hash that signature lines carry."""
        return key_hash(self.name, self.public_key)

    def to_text(self) -> str:
        """The verifier key text ``name+hash+base64key``."""
        blob = base64.b64encode(bytes([ALG_ED25519]) + public_raw(self.public_key)).decode()
        return f"{self.name}+{self.key_hash.hex()}+{blob}"

    @classmethod
    def from_text(cls, text: str) -> NoteVerifier:
        """Parse verifier key text; :class:`InputError` names what is wrong."""
        text = text.strip()
        parts = text.split("+", 2)
        if len(parts) != 3:
            raise InputError(f"verifier key {text!r} must be name+hash+key")
        name, hash_hex, blob = parts
        try:
            check_key_name(name)
        except InputError as exc:
            raise InputError(f"verifier key {text!r}: {exc}") from exc
        if len(hash_hex) != 8 or any(c not in "0123456789abcdef" for c in hash_hex):
            raise InputError(f"verifier key {text!r}: key hash must be 8 lower-case hex digits")
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error as exc:
            raise InputError(f"verifier key {text!r}: key is not base64") from exc
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise InputError(f"verifier key {text!r}: not an Ed25519 key (0x01 + 32 bytes)")
        verifier = cls(name, Ed25519PublicKey.from_public_bytes(raw[1:]))
        if verifier.key_hash.hex() != hash_hex:
            raise InputError(
                f"verifier key {text!r}: key hash {hash_hex} does not match the key "
                f"({verifier.key_hash.hex()})"
            )
        return verifier


def sign_note(body: str, name: str, key: SigningKey) -> str:
    """Sign ``body`` (which must end in a newline) and return the signed note text."""
    check_key_name(name)
    if not body.endswith("\n"):
        raise InputError("note body must end with a newline")
    try:
        data = body.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"note body is not valid UTF-8 text: {exc.reason}") from exc
    khash = key_hash(name, key.public_key)
    sig = key.sign(data)
    return f"{body}\n{SIG_PREFIX}{name} {base64.b64encode(khash + sig).decode()}\n"


@dataclass(frozen=True)
class OpenedNote:
    """A note whose signature checked out."""

    body: str
    """The signed text (ends in a newline)."""
    signers: tuple[NoteVerifier, ...]
    """Known keys whose signatures verified."""


def note_from_file(text: str) -> str:
    """The note in a checkpoint file as copy and paste leaves it (#14).

    A signed note never holds a carriage return and ends with exactly one newline after its
    last signature line, so CRLF line endings, blank lines before the note and blank lines or
    spaces after the last signature are artefacts of the copy; they are removed here, at the
    file-reading layer. The signed body itself is never changed: anything else wrong is still
    an error from :func:`split_note` that names the line.
    """
    text = text.replace("\r\n", "\n").lstrip("\n")
    return text.rstrip(" \t\n") + "\n" if text.strip() else text


def _split_note(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    for number, line in enumerate(text.split("\n"), start=1):
        bad = next((c for c in line if ord(c) < 0x20), None)
        if bad is not None:
            raise VerificationError(
                f"malformed note: line {number} holds control character U+{ord(bad):04X} "
                "(only newlines are allowed)"
            )
    if not text.endswith("\n"):
        raise VerificationError("malformed note: does not end with a newline")
    cut = text.rfind("\n\n")
    if cut < 0:
        raise VerificationError("malformed note: no blank line before the signatures")
    body, sig_text = text[: cut + 1], text[cut + 2 :]
    sigs: list[tuple[str, bytes]] = []
    first_sig_line = body.count("\n") + 2
    for offset, line in enumerate(sig_text.splitlines()):
        if not line.startswith(SIG_PREFIX):
            raise VerificationError(
                f"malformed note: line {first_sig_line + offset} is {line[:40]!r}; expected a "
                f"signature line '{SIG_PREFIX}<name> <base64>'"
            )
        fields = line[len(SIG_PREFIX) :].split(" ")
        if len(fields) != 2 or not fields[0]:
            raise VerificationError(f"malformed note: signature line {line[:40]!r}")
        try:
            blob = base64.b64decode(fields[1], validate=True)
        except binascii.Error as exc:
            raise VerificationError(
                f"malformed note: signature of {fields[0]!r} is not base64"
            ) from exc
        if len(blob) < 5:
            raise VerificationError(f"malformed note: signature of {fields[0]!r} is too short")
        sigs.append((fields[0], blob))
    if not sigs:
        raise VerificationError(
            f"malformed note: no signatures; expected a signature line '{SIG_PREFIX}<name> "
            f"<base64>' at line {first_sig_line}, after the last blank line"
        )
    if len(sigs) > MAX_SIGNATURES:
        raise VerificationError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    return body, sigs


split_note = _split_note
"""Split a signed note into its body and ``(signer line name, signature bytes)`` pairs."""


def open_note(text: str, verifiers: Sequence[NoteVerifier]) -> OpenedNote:
    """Check the signatures of a note against known ``verifiers`` (matched by name and key hash).

    Raises :class:`VerificationError` when the note is malformed, a known key's signature is
    bad, or no known key signed it.
    """
    body, sigs = _split_note(text)
    known = {(v.name, v.key_hash): v for v in verifiers}
    good: list[NoteVerifier] = []
    for name, blob in sigs:
        verifier = known.get((name, blob[:4]))
        if verifier is None:
            continue
        try:
            verifier.public_key.verify(blob[4:], body.encode())
        except InvalidSignature as exc:
            raise VerificationError(
                f"bad signature by key {name}+{blob[:4].hex()} on the note"
            ) from exc
        if verifier not in good:
            good.append(verifier)
    if not good:
        names = ", ".join(sorted({f"{n}+{b[:4].hex()}" for n, b in sigs}))
        raise VerificationError(f"note is not signed by any known key (signed by {names})")
    return OpenedNote(body, tuple(good))


def signer_names(text: str) -> list[tuple[str, str]]:
    """``(key name, key hash hex)`` of each signature line, without verifying anything."""
    _, sigs = _split_note(text)
    return [(name, blob[:4].hex()) for name, blob in sigs]


@dataclass(frozen=True)
class CheckpointBody:
    """The parsed body of a tlog checkpoint."""

    origin: str
    """Log identity line."""
    tree_size: int
    """Number of leaves the root commits to."""
    root_hash: bytes
    """RFC 9162 root hash of the first ``tree_size`` leaves."""
    extensions: tuple[str, ...] = ()
    """Extension lines after the root hash (without newlines)."""

    def to_text(self) -> str:
        """The checkpoint body text."""
        lines = [self.origin, str(self.tree_size), base64.b64encode(self.root_hash).decode()]
        return "".join(f"{line}\n" for line in [*lines, *self.extensions])

    @classmethod
    def from_text(cls, body: str) -> CheckpointBody:
        """Parse a checkpoint body; :class:`VerificationError` names the bad line."""
        if not body.endswith("\n"):
            raise VerificationError("malformed checkpoint: body does not end with a newline")
        lines = body[:-1].split("\n")
        if len(lines) < 3:
            raise VerificationError("malformed checkpoint: needs origin, size and root lines")
        origin, size_text, root_text = lines[:3]
        if not origin:
            raise VerificationError("malformed checkpoint: empty origin line")
        if (
            not size_text.isascii()
            or not size_text.isdigit()
            or (len(size_text) > 1 and size_text[0] == "0")
        ):
            raise VerificationError(f"malformed checkpoint: tree size {size_text!r}")
        try:
            root = base64.b64decode(root_text, validate=True)
        except binascii.Error as exc:
            raise VerificationError(f"malformed checkpoint: root hash {root_text!r}") from exc
        if len(root) != 32:
            raise VerificationError(f"malformed checkpoint: root hash has {len(root)} bytes")
        if any(not line for line in lines[3:]):
            raise VerificationError("malformed checkpoint: empty extension line")
        return cls(origin, int(size_text), root, tuple(lines[3:]))
