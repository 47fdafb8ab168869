"""Pydantic models of the API's request and response bodies (the OpenAPI document's schemas)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_In):
    """Credentials for a password sign-in."""

    username: str = Field(min_length=1, max_length=64)
    """Login name."""
    password: str = Field(min_length=1, max_length=1024)
    """Password."""


class UserOut(BaseModel):
    """An account as the API shows it."""

    id: str
    """Account id."""
    username: str
    """Login name."""
    role: str
    """provider, regulator, platform, observer or admin."""
    display_name: str
    """Name shown on pages."""
    provider: str | None
    """Provider code a provider account owns."""
    jurisdiction: str | None
    """A regulator's jurisdiction."""


class LoginOut(BaseModel):
    """A new session: the account and the CSRF token for state-changing calls."""

    user: UserOut
    """Who signed in."""
    csrf_token: str
    """Send it as ``X-CSRF-Token`` (or the ``csrf_token`` form field) with cookie sessions."""


class TokenIn(_In):
    """A request for a new API token."""

    name: str = Field(min_length=1, max_length=100)
    """What the token is for."""


class TokenOut(BaseModel):
    """An API token as listed (never the token text)."""

    id: str
    """Token id."""
    name: str
    """Its name."""
    created_at: dt.datetime
    """When it was issued."""
    last_used_at: dt.datetime | None
    """When it last authenticated a call."""
    revoked_at: dt.datetime | None
    """When it was revoked."""


class NewTokenOut(TokenOut):
    """A token just issued: the text is shown this once."""

    token: str
    """The token text (``glt_...``); only its hash is kept."""


class DecisionIn(_In):
    """A review decision on a filing."""

    decision: str = Field(pattern=r"^(approve|reject|suspend|reinstate|reassess|return)$")
    """approve, reject, suspend, reinstate, reassess (order a re-assessment) or return."""
    comment: str = Field(min_length=1, max_length=4000)
    """The reviewer's reasons, kept in the audit trail."""


class TransitionIn(_In):
    """A complaint state change or action."""

    action: str = Field(min_length=1, max_length=40)
    """What to do (see the complaint's allowed actions)."""
    note: str = Field(default="", max_length=4000)
    """Reason or reply, shown to the complainant where the action says so."""
    requester: str | None = Field(default=None, max_length=200)
    """For warn/restrict: the requester concerned."""


class Page(BaseModel):
    """A page of results."""

    total: int
    """How many match."""
    limit: int
    """Page size."""
    offset: int
    """Where this page starts."""
    items: list[dict[str, Any]]
    """The results."""
