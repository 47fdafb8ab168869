"""Accounts in the project database: users, password sign-in and API tokens.

A token is ``glt_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is
stored: for a secret of that entropy a fast hash is enough (no salt or slow hash needed), and a
lookup by hash is one indexed query. The token text is returned once, when it is issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

import sqlalchemy as sa

from govloop.accounts._models import Role, TokenInfo, User
from govloop.accounts._passwords import Hasher, check_password_rule
from govloop.accounts._tables import TokenRow, UserRow
from govloop.errors import AccessError, InputError, NotFoundError
from govloop.ids import new_produce_id
from govloop.store import Store

TOKEN_PREFIX = "glt_"
"""Prefix of platform API tokens (the gateway's keys use ``glk_``)."""
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_BAD_LOGIN = "unknown username or wrong password"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def hash_token(token: str) -> str:
    """SHA-256 (hex) of an API token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=Role(row.role),
        display_name=row.display_name,
        provider=row.provider,
        jurisdiction=row.jurisdiction,
        active=row.active,
    )


def _token(row: TokenRow) -> TokenInfo:
    created = _aware(row.created_at)
    assert created is not None
    return TokenInfo(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        created_at=created,
        last_used_at=_aware(row.last_used_at),
        revoked_at=_aware(row.revoked_at),
    )


def _role(value: Role | str) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError as exc:
        names = ", ".join(r.value for r in Role)
        raise InputError(f"field 'role': {value!r} is not a role; roles are {names}") from exc


class Accounts:
    """Users and API tokens kept in ``store`` (tables of the ``accounts`` branch).

    ``hasher`` defaults to argon2id with argon2-cffi's parameters; tests may pass cheaper ones.
    """

    def __init__(self, store: Store, *, hasher: Hasher | None = None) -> None:
        self.store = store
        self._hasher = hasher or Hasher()

    # -- users ---------------------------------------------------------------------------------
    def create_user(
        self,
        username: str,
        password: str,
        role: Role | str,
        *,
        display_name: str = "",
        provider: str | None = None,
        jurisdiction: str | None = None,
    ) -> User:
        """Create an account; :class:`InputError` names the field that is wrong.

        A provider account needs ``provider`` (the provider code whose filings it owns), a
        regulator account ``jurisdiction``; the other roles take neither.
        """
        name = (username or "").strip().lower()
        if not _USERNAME.match(name):
            raise InputError(
                f"field 'username': {username!r} must be 2 to 64 characters of a-z, 0-9, "
                "'.', '_', '@' or '-', starting with a letter or digit"
            )
        the_role = _role(role)
        check_password_rule(password, username=name)
        provider = (provider or "").strip() or None
        jurisdiction = (jurisdiction or "").strip() or None
        if the_role is Role.PROVIDER and provider is None:
            raise InputError("field 'provider': a provider account must name its provider code")
        if the_role is Role.REGULATOR and jurisdiction is None:
            raise InputError("field 'jurisdiction': a regulator account must name a jurisdiction")
        if provider is not None and the_role is not Role.PROVIDER:
            raise InputError(f"field 'provider': only provider accounts own a provider, not {role}")
        if jurisdiction is not None and the_role is not Role.REGULATOR:
            raise InputError(f"field 'jurisdiction': only regulator accounts have one, not {role}")
        display = (display_name or "").strip() or name
        if len(display) > 200:
            raise InputError("field 'display_name': must have at most 200 characters")
        digest = self._hasher.hash(password)
        now = _now()
        with self.store.session() as s:
            taken = s.scalars(sa.select(UserRow.id).where(UserRow.username == name)).first()
            if taken is not None:
                raise InputError(f"field 'username': {name!r} is already taken")
            row = UserRow(
                id=new_produce_id(),
                username=name,
                password_hash=digest,
                role=the_role.value,
                display_name=display,
                provider=provider,
                jurisdiction=jurisdiction,
                active=True,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            return _user(row)

    def authenticate(self, username: str, password: str) -> User:
        """The account for this username and password; :class:`AccessError` otherwise.

        Unknown user, wrong password and deactivated account give the same message, and an
        unknown user costs one argon2 verification like a known one. A hash made with older
        parameters is replaced on success.
        """
        name = (username or "").strip().lower()
        with self.store.session() as s:
            row = s.scalars(sa.select(UserRow).where(UserRow.username == name)).first()
            ok = self._hasher.verify(row.password_hash if row else None, password or "")
            if row is None or not ok or not row.active:
                raise AccessError(_BAD_LOGIN)
            if self._hasher.needs_rehash(row.password_hash):
                row.password_hash = self._hasher.hash(password)
                row.updated_at = _now()
            return _user(row)

    def get(self, user_id: str) -> User:
        """The account with this id; :class:`NotFoundError` when there is none."""
        with self.store.session() as s:
            row = s.get(UserRow, user_id)
            if row is None:
                raise NotFoundError(f"no account with id {user_id!r}")
            return _user(row)

    def by_username(self, username: str) -> User:
        """The account with this username; :class:`NotFoundError` when there is none."""
        name = (username or "").strip().lower()
        with self.store.session() as s:
            row = s.scalars(sa.select(UserRow).where(UserRow.username == name)).first()
            if row is None:
                raise NotFoundError(f"no account named {username!r}")
            return _user(row)

    def list_users(self, *, role: Role | str | None = None) -> list[User]:
        """Every account (optionally of one role), by username."""
        q = sa.select(UserRow).order_by(UserRow.username)
        if role is not None:
            q = q.where(UserRow.role == _role(role).value)
        with self.store.session() as s:
            return [_user(r) for r in s.scalars(q)]

    def set_password(self, user_id: str, password: str) -> None:
        """Replace an account's password (the rule applies); its tokens stay valid."""
        with self.store.session() as s:
            row = s.get(UserRow, user_id)
            if row is None:
                raise NotFoundError(f"no account with id {user_id!r}")
            check_password_rule(password, username=row.username)
            row.password_hash = self._hasher.hash(password)
            row.updated_at = _now()

    def set_active(self, user_id: str, active: bool) -> User:
        """Deactivate (or reactivate) an account; a deactivated one cannot sign in or use tokens."""
        with self.store.session() as s:
            row = s.get(UserRow, user_id)
            if row is None:
                raise NotFoundError(f"no account with id {user_id!r}")
            row.active = active
            row.updated_at = _now()
            return _user(row)

    # -- tokens --------------------------------------------------------------------------------
    def issue_token(self, user_id: str, name: str) -> tuple[str, TokenInfo]:
        """A new API token for the account: ``(token text, its description)``.

        The text is shown only now; the database keeps its SHA-256.
        """
        label = (name or "").strip()
        if not label or len(label) > 100:
            raise InputError(f"field 'name': {name!r} must have 1 to 100 characters")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.store.session() as s:
            user = s.get(UserRow, user_id)
            if user is None:
                raise NotFoundError(f"no account with id {user_id!r}")
            if not user.active:
                raise AccessError(f"account {user.username!r} is deactivated")
            row = TokenRow(
                id="tok_" + secrets.token_hex(6),
                user_id=user_id,
                name=label,
                token_sha256=hash_token(token),
                created_at=_now(),
                last_used_at=None,
                revoked_at=None,
            )
            s.add(row)
            s.flush()
            return token, _token(row)

    def user_for_token(self, token: str) -> User:
        """The account a token acts for; :class:`AccessError` when unknown or revoked."""
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            raise AccessError("invalid or revoked API token")
        with self.store.session() as s:
            row = s.scalars(
                sa.select(TokenRow).where(TokenRow.token_sha256 == hash_token(token))
            ).first()
            if row is None or row.revoked_at is not None:
                raise AccessError("invalid or revoked API token")
            user = s.get(UserRow, row.user_id)
            if user is None or not user.active:
                raise AccessError("invalid or revoked API token")
            row.last_used_at = _now()
            return _user(user)

    def revoke_token(self, token_id: str) -> None:
        """Revoke a token by id (revoking twice is harmless); :class:`NotFoundError` if none."""
        with self.store.session() as s:
            row = s.get(TokenRow, token_id)
            if row is None:
                raise NotFoundError(f"no API token with id {token_id!r}")
            if row.revoked_at is None:
                row.revoked_at = _now()

    def token_info(self, token_id: str) -> TokenInfo:
        """One token's description; :class:`NotFoundError` if none."""
        with self.store.session() as s:
            row = s.get(TokenRow, token_id)
            if row is None:
                raise NotFoundError(f"no API token with id {token_id!r}")
            return _token(row)

    def list_tokens(self, user_id: str) -> list[TokenInfo]:
        """The account's tokens, oldest first, revoked ones included."""
        with self.store.session() as s:
            rows = s.scalars(
                sa.select(TokenRow)
                .where(TokenRow.user_id == user_id)
                .order_by(TokenRow.created_at, TokenRow.id)
            )
            return [_token(r) for r in rows]
