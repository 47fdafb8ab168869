"""Requester standing at the gateway, set from the library (Interim Measures Art. 14(2)).

The gateway keeps each requester's standing (``active``, ``throttled``, ``suspended``) in its
``gateway_requesters`` table and re-reads it within its key cache time (1 s). The gateway's
:class:`~govloop.gateway.ApiKeys` lives in a face package (it imports FastAPI), so complaint
handling writes the same table here through SQL Core, naming only its columns.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from govloop.errors import InputError, NotFoundError
from govloop.store import Store

STANDINGS = ("active", "throttled", "suspended")
"""The standings the gateway knows."""

_REQUESTERS = sa.table(
    "gateway_requesters",
    sa.column("requester", sa.String),
    sa.column("status", sa.String),
    sa.column("reason", sa.Text),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def requester_standing(store: Store, requester: str) -> tuple[str, str]:
    """A requester's ``(status, reason)``; ``("active", "")`` when the gateway has no row."""
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(_REQUESTERS.c.status, _REQUESTERS.c.reason).where(
                _REQUESTERS.c.requester == requester
            )
        ).first()
    return ("active", "") if row is None else (str(row[0]), str(row[1]))


def set_requester_standing(store: Store, requester: str, status: str, reason: str) -> None:
    """Set a requester's standing; the gateway applies it within 1 s."""
    if status not in STANDINGS:
        raise InputError(f"requester status {status!r} must be one of {', '.join(STANDINGS)}")
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as conn:
        done = conn.execute(
            sa.update(_REQUESTERS)
            .where(_REQUESTERS.c.requester == requester)
            .values(status=status, reason=reason, updated_at=now)
        ).rowcount
        if not done:
            conn.execute(
                sa.insert(_REQUESTERS).values(
                    requester=requester, status=status, reason=reason, updated_at=now
                )
            )


def requester_for_pseudonym(store: Store, pseudonym: str, pseudonymize: object) -> str:
    """The gateway requester whose keyed pseudonym (as the ledger records it) is ``pseudonym``.

    ``pseudonymize`` is the ledger's :meth:`~govloop.ledger.Ledger.pseudonym`. The ledger keeps
    only pseudonyms, so the requester is found by pseudonymising each known one.
    """
    keys = sa.table("gateway_api_keys", sa.column("requester", sa.String))
    with store.engine.connect() as conn:
        names = {str(r[0]) for r in conn.execute(sa.select(_REQUESTERS.c.requester))}
        names |= {str(r[0]) for r in conn.execute(sa.select(keys.c.requester).distinct())}
    for name in sorted(names):
        if pseudonymize(name) == pseudonym:  # type: ignore[operator]
            return name
    raise NotFoundError(f"no gateway requester has the pseudonym {pseudonym[:16]}…")
