"""API keys bound to requesters, hashed at rest, and the requesters' standing.

A token is ``glk_`` followed by 43 URL-safe characters (256 random bits); only its SHA-256 is
stored, which is enough for a token of that entropy (no salt or slow hash needed). The token is
shown once, at creation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from govloop.errors import InputError, NotFoundError
from govloop.gateway._tables import ApiKeyRow, RequesterRow, utcnow
from govloop.store import Store

TOKEN_PREFIX = "glk_"


def hash_token(token: str) -> str:
    """SHA-256 (hex) of an API token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    """An API key as listed (never the token itself)."""

    id: str
    """Public key id."""
    requester: str
    """Requester the key is bound to."""
    allow_unlabeled: bool
    """Whether the requester's agreement allows deliveries without explicit labels."""
    rate: float | None
    """Requests per second, None for the gateway default."""
    created_at: datetime
    """Creation time."""
    revoked_at: datetime | None
    """Revocation time, None while valid."""

    def to_json(self) -> dict[str, object]:
        """Plain dict for ``--json``."""
        return {
            "id": self.id,
            "requester": self.requester,
            "allow_unlabeled": self.allow_unlabeled,
            "rate": self.rate,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key, its requester and the requester's standing."""

    key_id: str
    """Key id."""
    requester: str
    """Requester identity."""
    allow_unlabeled: bool
    """May receive content without explicit labels."""
    rate: float | None
    """Per-key rate, None for the default."""
    status: str = "active"
    """``active``, ``throttled`` or ``suspended``."""
    reason: str = ""
    """Why the status is not ``active``."""


def _key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        row.id, row.requester, row.allow_unlabeled, row.rate, row.created_at, row.revoked_at
    )


class ApiKeys:
    """API keys and requester standing in the project database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(
        self, requester: str, *, allow_unlabeled: bool = False, rate: float | None = None
    ) -> tuple[ApiKey, str]:
        """Create a key for ``requester``; returns the key and its token (shown only now)."""
        requester = requester.strip()
        if not requester or len(requester) > 200:
            raise InputError(f"requester {requester!r} must have 1 to 200 characters")
        if rate is not None and rate <= 0:
            raise InputError(f"rate {rate} must be a positive number of requests per second")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = ApiKeyRow(
            id="key_" + secrets.token_hex(6),
            token_sha256=hash_token(token),
            requester=requester,
            allow_unlabeled=allow_unlabeled,
            rate=rate,
            created_at=utcnow(),
        )
        with self.store.session() as s:
            s.add(row)
            if s.get(RequesterRow, requester) is None:
                s.add(
                    RequesterRow(
                        requester=requester, status="active", reason="", updated_at=utcnow()
                    )
                )
            s.flush()
            key = _key(row)
        return key, token

    def list(self, *, include_revoked: bool = True) -> list[ApiKey]:
        """Every key, oldest first."""
        with self.store.session() as s:
            rows = s.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id)).all()
            return [_key(r) for r in rows if include_revoked or r.revoked_at is None]

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key; it stops working within the gateway's key cache time (1 s)."""
        with self.store.session() as s:
            row = s.get(ApiKeyRow, key_id)
            if row is None:
                raise NotFoundError(f"no API key with id {key_id!r}")
            if row.revoked_at is None:
                row.revoked_at = utcnow()
            return _key(row)

    def authenticate(self, token: str) -> Principal | None:
        """The principal for ``token``, or None when unknown or revoked."""
        with self.store.session() as s:
            row = s.scalars(
                select(ApiKeyRow).where(ApiKeyRow.token_sha256 == hash_token(token))
            ).first()
            if row is None or row.revoked_at is not None:
                return None
            standing = s.get(RequesterRow, row.requester)
            status, reason = (standing.status, standing.reason) if standing else ("active", "")
            return Principal(row.id, row.requester, row.allow_unlabeled, row.rate, status, reason)

    def set_standing(self, requester: str, status: str, reason: str = "") -> None:
        """Set a requester's standing: ``active`` (reinstate), ``throttled`` or ``suspended``."""
        if status not in ("active", "throttled", "suspended"):
            raise InputError(f"requester status {status!r} must be active, throttled or suspended")
        with self.store.session() as s:
            row = s.get(RequesterRow, requester)
            if row is None and status == "active":
                raise NotFoundError(
                    f"requester {requester!r} is not throttled or suspended: nothing to reinstate"
                )
            if row is None:
                s.add(
                    RequesterRow(
                        requester=requester, status=status, reason=reason, updated_at=utcnow()
                    )
                )
            else:
                row.status, row.reason, row.updated_at = status, reason, utcnow()
