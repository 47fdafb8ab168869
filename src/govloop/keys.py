"""The key store: Ed25519 signing keys and symmetric secrets, per purpose, with rotation.

Keys live as files under ``Settings.keys_dir`` (created on first use, mode 0600):

``<purpose>/<key_id>.pem``  Ed25519 private keys (PKCS#8 PEM); the newest is active.
``<purpose>/ACTIVE``        the id of the active key.
``secrets/<purpose>.bin``   32-byte secrets for keyed hashes and watermark keys.

Rotation adds a key and makes it active; old keys stay, so that checkpoints and labels signed
before the rotation still verify. A key id is the first 8 hex digits of SHA-256 of the raw
public key, which is stable across machines.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from govloop.errors import KeyStoreError

_PURPOSE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """Stable short id of a public key: 8 hex digits of SHA-256 of its raw bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:8]


def public_raw(public_key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of an Ed25519 public key."""
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key with its id."""

    key_id: str
    """Short stable id (see :func:`key_id_of`)."""
    private_key: Ed25519PrivateKey
    """The key itself."""

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The matching public key."""
        return self.private_key.public_key()

    def sign(self, message: bytes) -> bytes:
        """Sign ``message`` (64-byte Ed25519 signature)."""
        return self.private_key.sign(message)


class KeyStore:
    """Signing keys and secrets kept as files in one directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def open(cls, root: Path) -> KeyStore:
        """Open (and create if needed) a key store at ``root``."""
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise KeyStoreError(f"{root}: cannot create key store: {exc.strerror}") from exc
        return cls(root)

    def _dir(self, purpose: str) -> Path:
        if not purpose or not set(purpose) <= _PURPOSE_CHARS:
            raise KeyStoreError(f"invalid key purpose {purpose!r}: use a-z, 0-9, '-' and '_'")
        return self.root / purpose

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise key creation across processes (first use by several gateway workers)."""
        try:
            fh = open(self.root / ".lock", "a+b")
        except OSError as exc:
            raise KeyStoreError(f"{self.root}: cannot write the key store: {exc.strerror}") from exc
        with fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _write_private(self, path: Path, data: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise KeyStoreError(f"{path}: cannot write: {exc.strerror}") from exc

    def generate(self, purpose: str) -> SigningKey:
        """Create a new Ed25519 key for ``purpose`` and make it active (this is rotation)."""
        with self._locked():
            return self._generate(purpose)

    def _generate(self, purpose: str) -> SigningKey:
        folder = self._dir(purpose)
        key = Ed25519PrivateKey.generate()
        kid = key_id_of(key.public_key())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self._write_private(folder / f"{kid}.pem", pem)
        self._write_private(folder / "ACTIVE", kid.encode())
        return SigningKey(kid, key)

    rotate = generate

    def active(self, purpose: str, *, create: bool = True) -> SigningKey:
        """The active key for ``purpose``; generated on first use when ``create`` is true."""
        folder = self._dir(purpose)
        pointer = folder / "ACTIVE"
        if not pointer.is_file():
            if not create:
                raise KeyStoreError(f"no {purpose!r} key in {self.root}; generate one first")
            with self._locked():
                if not pointer.is_file():
                    return self._generate(purpose)
        try:
            key_id = pointer.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyStoreError(f"{pointer}: cannot read the active key id: {exc}") from exc
        if not key_id or not set(key_id) <= _PURPOSE_CHARS:
            raise KeyStoreError(f"{pointer}: {key_id!r} is not a key id")
        return self.get(purpose, key_id)

    def get(self, purpose: str, key_id: str) -> SigningKey:
        """A key of ``purpose`` by id, active or retired."""
        if not key_id or not set(key_id) <= _PURPOSE_CHARS:
            raise KeyStoreError(f"no {purpose!r} key with id {key_id!r} in {self.root}")
        path = self._dir(purpose) / f"{key_id}.pem"
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except FileNotFoundError as exc:
            raise KeyStoreError(f"no {purpose!r} key with id {key_id!r} in {self.root}") from exc
        except (ValueError, TypeError) as exc:
            raise KeyStoreError(f"{path}: not a readable private key") from exc
        except OSError as exc:
            raise KeyStoreError(f"{path}: cannot read: {exc.strerror}") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyStoreError(f"{path}: not an Ed25519 key")
        return SigningKey(key_id, key)

    def all(self, purpose: str) -> list[SigningKey]:
        """Every key of ``purpose``, oldest first (by file time), active one included."""
        folder = self._dir(purpose)
        if not folder.is_dir():
            return []
        paths = sorted(folder.glob("*.pem"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        return [self.get(purpose, p.stem) for p in paths]

    def public_keys(self, purpose: str) -> dict[str, Ed25519PublicKey]:
        """Public keys of ``purpose`` by id: what a verifier needs after rotations."""
        return {k.key_id: k.public_key for k in self.all(purpose)}

    def secret(self, purpose: str) -> bytes:
        """A 32-byte secret for keyed hashes (pseudonyms, watermark keys); made on first use."""
        path = self.root / "secrets" / f"{self._dir(purpose).name}.bin"
        if not path.is_file():
            with self._locked():
                if not path.is_file():
                    self._write_private(path, secrets.token_bytes(32))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise KeyStoreError(f"{path}: cannot read: {exc.strerror}") from exc
        if len(data) != 32:
            raise KeyStoreError(f"{path}: secret must be 32 bytes, found {len(data)}")
        return data

    def rotate_secret(self, purpose: str) -> bytes:
        """Retire the active secret of ``purpose`` (kept for detection) and make a new one."""
        folder = self.root / "secrets"
        path = folder / f"{self._dir(purpose).name}.bin"
        with self._locked():
            if path.is_file():
                try:
                    os.replace(path, folder / _retired_name(purpose))
                except OSError as exc:
                    raise KeyStoreError(f"{path}: cannot retire secret: {exc.strerror}") from exc
            self._write_private(path, secrets.token_bytes(32))
        return self.secret(purpose)

    def all_secrets(self, purpose: str) -> list[bytes]:
        """The active secret of ``purpose`` first, then retired ones, newest first."""
        name = self._dir(purpose).name
        retired = sorted((self.root / "secrets").glob(f"{name}.retired-*.bin"), reverse=True)
        out = [self.secret(purpose)]
        for path in retired:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise KeyStoreError(f"{path}: cannot read: {exc.strerror}") from exc
            if len(data) == 32:
                out.append(data)
        return out


def _retired_name(purpose: str) -> str:
    return f"{purpose}.retired-{time.time_ns():020d}-{secrets.token_hex(4)}.bin"


def load_public_key(data: bytes, *, source: str = "key") -> Ed25519PublicKey:
    """Parse an Ed25519 public key from PEM, 32 raw bytes or 64 hex digits."""
    text = data.strip()
    try:
        if text.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(text)
            if not isinstance(key, Ed25519PublicKey):
                raise KeyStoreError(f"{source}: not an Ed25519 public key")
            return key
        if len(text) == 64:
            return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text.decode("ascii")))
        if len(data) == 32:
            return Ed25519PublicKey.from_public_bytes(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise KeyStoreError(f"{source}: not a readable Ed25519 public key") from exc
    raise KeyStoreError(f"{source}: not a readable Ed25519 public key")
