"""Searching filings in SQL, so a registry of 100,000 filings is not loaded to find ten.

The public registry page and API filter by words in the model or provider name, provider code
and filing number; those filters run here as one indexed query over the registry's columns and
return only ids and risk profiles (the caller filters tiers from the profiles and loads just
the page it shows).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from govloop.registry._lifecycle import FilingState
from govloop.registry._tables import FilingRow
from govloop.store import Store


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(column: Any, text: str) -> Any:
    return sa.func.lower(column).like(_like(text), escape="\\")


def search_filings(
    store: Store,
    *,
    states: Iterable[FilingState | str],
    q: str | None = None,
    provider: str | None = None,
    filing_number: str | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """``(filing id, risk profile)`` of the filings in ``states`` matching every given text.

    ``q`` is looked for in the model and provider names, ``provider`` in the provider name and
    code, ``filing_number`` in the filing number (case-insensitive substrings; ``%`` and ``_``
    match themselves). Newest change first.
    """
    query = sa.select(FilingRow.id, FilingRow.risk_profile).where(
        FilingRow.state.in_(sorted(str(FilingState(s).value) for s in states))
    )
    if q:
        query = query.where(
            sa.or_(_contains(FilingRow.model_name, q), _contains(FilingRow.provider_name, q))
        )
    if provider:
        query = query.where(
            sa.or_(
                _contains(FilingRow.provider_name, provider),
                _contains(FilingRow.provider_code, provider),
            )
        )
    if filing_number:
        query = query.where(_contains(FilingRow.filing_number, filing_number))
    query = query.order_by(FilingRow.updated_at.desc(), FilingRow.id)
    with store.engine.connect() as conn:
        return [(str(fid), dict(profile or {})) for fid, profile in conn.execute(query)]
