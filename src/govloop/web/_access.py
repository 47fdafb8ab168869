"""Ownership and jurisdiction: which filings and complaints an account may see and act on.

A provider owns the filings of its organisation: provider codes that agree on their first 22
characters (format, subject type, binding and the 18-character USCC; TC260 provider coding),
whatever their 5-character service extension, so one company's account sees all its services.
A regulator's jurisdiction is a deployment region (``CN``, ``EU``, ``US``) of the filing, or,
for a sandbox operator, a ``sandbox:<name>`` tag on it. Refusals for things outside an account's
reach are 404s (the thing is not *yours*), so ids of other providers' filings leak nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from govloop.errors import NotFoundError

if TYPE_CHECKING:
    from govloop.accounts import User
    from govloop.registry import Filing

ORGANISATION_CHARS = 22
"""Length of the organisation part of a 27-character provider code."""


def same_organisation(code_a: str | None, code_b: str | None) -> bool:
    """Whether two provider codes belong to the same organisation."""
    if not code_a or not code_b:
        return False
    return code_a[:ORGANISATION_CHARS] == code_b[:ORGANISATION_CHARS]


def in_jurisdiction(jurisdiction: str | None, regions: Iterable[str], tags: Iterable[str]) -> bool:
    """Whether a regulator of ``jurisdiction`` oversees a service deployed in ``regions``."""
    if not jurisdiction:
        return False
    j = jurisdiction.strip()
    return j.upper() in {r.upper() for r in regions} or f"sandbox:{j}" in set(tags)


def may_see_filing(user: User, filing: Filing) -> bool:
    """Provider: its own; regulator: its jurisdiction; other roles: none of the private views."""
    role = user.role.value
    if role == "provider":
        return same_organisation(user.provider, filing.provider_code)
    if role == "regulator":
        doc = filing.document
        return in_jurisdiction(user.jurisdiction, doc.deployment_regions, doc.tags)
    return False


def check_filing(user: User, filing: Filing) -> Filing:
    """``filing`` when ``user`` may see it, else :class:`NotFoundError` (nothing leaks)."""
    if not may_see_filing(user, filing):
        raise NotFoundError(f"no filing {filing.id[:8]}… among the filings you can see")
    return filing


def may_see_complaint(user: User, provider: str | None, jurisdictions: Iterable[str]) -> bool:
    """Provider: complaints about its services; regulator: those in its jurisdiction.

    An unlinked complaint (no filing found) is in every regulator's queue, so none is lost.
    """
    role = user.role.value
    if role == "provider":
        return same_organisation(user.provider, provider)
    if role == "regulator":
        regions = list(jurisdictions)
        return not regions or in_jurisdiction(user.jurisdiction, regions, ())
    return False
