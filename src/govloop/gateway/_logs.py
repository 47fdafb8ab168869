"""Records the gateway keeps: violations and deliveries, with policy and retention purge.

Violations: Interim Measures Art. 14; deliveries: Labeling Measures Art. 9.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from govloop.errors import StoreError
from govloop.gateway._accounts import ApiKeys, Principal
from govloop.gateway._config import ViolationPolicy
from govloop.gateway._ports import FilterVerdict
from govloop.gateway._tables import DeliveryRow, ViolationRow, utcnow
from govloop.store import Store, WouldBlock, sqlite_nowait


@dataclass(frozen=True)
class ViolationOutcome:
    """What the policy did after a blocked prompt."""

    count: int
    """Violations by this requester within the policy window, this one included."""
    action: str
    """``none``, ``warn``, ``throttle`` or ``suspend``."""

    def notice(self, policy: ViolationPolicy) -> str:
        """A sentence for the error message."""
        if self.action == "suspend":
            return (
                f"requester suspended after {self.count} violations (Interim Measures Art. 14(2))"
            )
        if self.action == "throttle":
            return (
                f"{self.count} violations: requests are throttled to {policy.throttle_rate}/s; "
                f"suspension at {policy.suspend_at}"
            )
        if self.action == "warn":
            return (
                f"warning: {self.count} violation(s); throttling at {policy.throttle_at}, "
                f"suspension at {policy.suspend_at}"
            )
        return ""


@dataclass(frozen=True)
class Delivery:
    """One delivered output (a row of the delivery log)."""

    key_id: str
    """API key used."""
    requester: str
    """Recipient."""
    model: str
    """Served model."""
    produce_id: str
    """Output's ProduceID."""
    media_type: str
    """``text`` or ``image``."""
    unlabeled: bool
    """Delivered without the explicit label (allowed by agreement)."""


class GatewayLog:
    """Violation records, requester standing updates and the delivery log."""

    def __init__(self, store: Store, policy: ViolationPolicy) -> None:
        self.store = store
        self.policy = policy
        self._keys = ApiKeys(store)

    def record_violation(
        self,
        principal: Principal,
        *,
        model: str,
        stage: str,
        verdict: FilterVerdict,
        text: str,
        produce_id: str | None = None,
        now: datetime | None = None,
    ) -> ViolationOutcome:
        """Keep a record of a blocked prompt (``stage="input"``) or filtered output.

        Only input violations count against the requester; the outcome's action is applied to
        the requester's standing here.
        """
        at = now or utcnow()
        row = ViolationRow(
            at=at,
            requester=principal.requester,
            key_id=principal.key_id,
            model=model,
            stage=stage,
            risks=",".join(verdict.risks),
            text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            produce_id=produce_id,
        )
        since = at - timedelta(seconds=self.policy.window_s)
        with self.store.session() as s:
            s.add(row)
            s.flush()
            count = s.scalar(
                select(func.count())
                .select_from(ViolationRow)
                .where(ViolationRow.requester == principal.requester)
                .where(ViolationRow.stage == "input")
                .where(ViolationRow.at >= since)
            )
        n = int(count or 0)
        if stage != "input":
            return ViolationOutcome(n, "none")
        p = self.policy
        if n >= p.suspend_at:
            action = "suspend"
            self._keys.set_standing(principal.requester, "suspended", f"{n} violations")
        elif n >= p.throttle_at:
            action = "throttle"
            self._keys.set_standing(principal.requester, "throttled", f"{n} violations")
        elif n >= p.warn_at:
            action = "warn"
        else:
            action = "none"
        return ViolationOutcome(n, action)

    def log_deliveries(self, deliveries: list[Delivery], *, nowait: bool = False) -> list[None]:
        """Append delivery-log rows (one transaction, one executemany: no ORM objects).

        ``nowait`` (SQLite only; elsewhere it raises at once): raise
        :class:`~govloop.store.WouldBlock` rather than wait for another writer's lock.
        """
        sqlite = self.store.engine.dialect.name == "sqlite"
        if nowait and not sqlite:
            raise WouldBlock("delivery-log writes to a network database go to a thread")
        at = utcnow()
        rows = [
            {
                "at": at,
                "key_id": d.key_id,
                "requester": d.requester,
                "model": d.model,
                "produce_id": d.produce_id,
                "media_type": d.media_type,
                "unlabeled": d.unlabeled,
            }
            for d in deliveries
        ]
        if rows:
            try:
                with self.store.engine.begin() as conn:
                    if nowait:
                        with sqlite_nowait(conn):
                            conn.execute(insert(DeliveryRow), rows)
                    else:
                        conn.execute(insert(DeliveryRow), rows)
            except SQLAlchemyError as exc:
                raise StoreError(f"database error: {exc}") from exc
        return [None] * len(deliveries)

    def deliveries(self, *, requester: str | None = None) -> list[Delivery]:
        """Logged deliveries, oldest first."""
        q = select(DeliveryRow).order_by(DeliveryRow.id)
        if requester is not None:
            q = q.where(DeliveryRow.requester == requester)
        with self.store.session() as s:
            return [
                Delivery(r.key_id, r.requester, r.model, r.produce_id, r.media_type, r.unlabeled)
                for r in s.scalars(q)
            ]


def purge_logs(store: Store, *, retention_days: int, now: datetime | None = None) -> dict[str, int]:
    """Delete delivery and violation records older than ``retention_days``; returns counts.

    ``Settings.log_retention_days`` is at least 183 (six months: CSL Art. 21, Labeling Measures
    Art. 9); callers pass it here.
    """
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    with store.session() as s:
        d = s.execute(delete(DeliveryRow).where(DeliveryRow.at < cutoff))
        v = s.execute(delete(ViolationRow).where(ViolationRow.at < cutoff))
        return {"deliveries": int(d.rowcount or 0), "violations": int(v.rowcount or 0)}  # type: ignore[attr-defined]
