"""What the accounts library hands out: roles, users and API token descriptions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a signed-in person may do on the platform (the web layer maps roles to routes)."""

    PROVIDER = "provider"
    """A provider: its own filings, assessments and the complaints about its services."""
    REGULATOR = "regulator"
    """A regulator or sandbox operator: everything in its jurisdiction, review decisions."""
    PLATFORM = "platform"
    """A content platform: label checks and propagation, bulk trace, forwarded reports."""
    OBSERVER = "observer"
    """Academia or civil society: aggregate statistics and open data exports."""
    ADMIN = "admin"
    """The deployment's administrator: accounts."""


@dataclass(frozen=True)
class User:
    """An account as the library hands it out (never the password hash)."""

    id: str
    """Account id (a ULID)."""
    username: str
    """Login name, unique, compared case-insensitively."""
    role: Role
    """The account's role."""
    display_name: str
    """Name shown on pages."""
    provider: str | None
    """For providers: the 27-character provider code whose filings the account owns."""
    jurisdiction: str | None
    """For regulators: ``CN``, ``EU``, ``US`` or a sandbox name; None for the others."""
    active: bool
    """False once deactivated: it can no longer sign in or use tokens."""


@dataclass(frozen=True)
class TokenInfo:
    """An API token as listed: its id and name, never the token or its hash."""

    id: str
    """Public token id (``tok_`` + 12 hex digits)."""
    user_id: str
    """The account the token acts for."""
    name: str
    """What the holder called it (``ci``, ``ingest``)."""
    created_at: dt.datetime
    """When it was issued (UTC)."""
    last_used_at: dt.datetime | None
    """When it last authenticated a call (UTC), None if never."""
    revoked_at: dt.datetime | None
    """When it was revoked (UTC), None while valid."""

    @property
    def active(self) -> bool:
        """Whether the token still authenticates."""
        return self.revoked_at is None
