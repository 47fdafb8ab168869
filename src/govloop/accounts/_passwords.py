"""Password hashing (argon2id through argon2-cffi) and the password rule.

argon2-cffi's defaults follow RFC 9106's second recommended profile (argon2id, 64 MiB, 3
passes). ``check_needs_rehash`` lets an account move to new parameters at its next sign-in. A
sign-in for an unknown user still verifies against a dummy hash, so the answer takes about as
long as a wrong password and does not reveal which usernames exist.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from govloop.errors import InputError

MIN_PASSWORD_CHARS = 10
"""Shortest accepted password (NIST SP 800-63B allows 8; a platform for regulators asks more)."""
MAX_PASSWORD_CHARS = 1024
"""Longest accepted password: bounds the hashing work one request can cause."""

_COMMON = frozenset(
    {
        "password", "password1", "password123", "123456789", "1234567890", "qwertyuiop",
        "qwerty1234", "iloveyou12", "admin12345", "administrator", "letmein123", "welcome123",
        "abcdefghij", "0987654321", "1q2w3e4r5t", "passw0rd12", "govloop123", "changeme12",
    }
)  # fmt: skip


def normalize_password(password: str) -> str:
    """NFKC form, so the same password typed on different keyboards hashes the same."""
    return unicodedata.normalize("NFKC", password)


def check_password_rule(password: str, *, username: str = "") -> None:
    """Raise :class:`InputError` (naming field ``password``) when the password is weak."""
    if not password or not password.strip():
        raise InputError("field 'password': must not be empty")
    pw = normalize_password(password)
    if len(pw) < MIN_PASSWORD_CHARS:
        raise InputError(
            f"field 'password': must have at least {MIN_PASSWORD_CHARS} characters, has {len(pw)}"
        )
    if len(pw) > MAX_PASSWORD_CHARS:
        raise InputError(f"field 'password': must have at most {MAX_PASSWORD_CHARS} characters")
    lowered = pw.lower()
    if len(set(lowered)) < 4:
        raise InputError("field 'password': uses fewer than 4 different characters")
    if lowered in _COMMON:
        raise InputError("field 'password': is on the list of commonly used passwords")
    if username and username.lower() in lowered:
        raise InputError("field 'password': must not contain the username")


class Hasher:
    """argon2id hashing with a dummy verify for unknown users."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._ph = hasher or PasswordHasher()
        self._dummy = self._ph.hash("govloop-dummy-password")

    def hash(self, password: str) -> str:
        """A PHC string (``$argon2id$v=19$m=...``) of the normalised password."""
        return self._ph.hash(normalize_password(password))

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored`` (None: verify a dummy and answer False)."""
        if len(password) > MAX_PASSWORD_CHARS:
            return False
        try:
            return self._ph.verify(stored or self._dummy, normalize_password(password)) and (
                stored is not None
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters than today's."""
        try:
            return self._ph.check_needs_rehash(stored)
        except InvalidHashError:
            return True
