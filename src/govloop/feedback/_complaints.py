"""The complaint channel's library: intake with tracing, the handling states, actions, figures.

Every face (the web pages, the REST API, the demo) calls :class:`Complaints`, so the rules hold
whichever door a complaint comes through:

* Intake traces the evidence (:func:`govloop.trace.trace`) and links the complaint to the
  filing and ledger entry it points to.
* The receipt, every state change and every action is a ledger entry **before** it is a row:
  the ledger is appended first and the rows are written after, in one transaction. A crash in
  between leaves a ledger entry without a row (visible to an auditor as a receipt the provider
  cannot show), never a row the ledger does not know, so a complaint cannot be dropped silently.
* State changes are checked against :data:`~govloop.feedback.TRANSITIONS` and written with an
  optimistic check on the state read, so two handlers cannot both close the same complaint.
"""

from __future__ import annotations

import asyncio
import builtins
import datetime as dt
import hashlib
import statistics
import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa

from govloop.errors import GovloopError, InputError, NotFoundError, StateError
from govloop.feedback._categories import REASSESS_RISKS, RISK_CATEGORIES
from govloop.feedback._intake import new_receipt, normalize_receipt, validate_complaint
from govloop.feedback._limits import DEFAULT_TIME_LIMITS, TimeLimits
from govloop.feedback._models import (
    ACTIONS,
    CLOSED,
    Complaint,
    ComplaintAction,
    ComplaintEvent,
    ComplaintIn,
    ComplaintState,
    ComplaintStats,
    check_complaint_transition,
)
from govloop.feedback._record import append_event, event_record, receipt_digest
from govloop.feedback._requesters import (
    requester_for_pseudonym,
    requester_standing,
    set_requester_standing,
)
from govloop.feedback._tables import ComplaintEventRow, ComplaintRow, EvidenceRow
from govloop.ids import new_produce_id
from govloop.ledger import Ledger
from govloop.store import Store

TRACE_CONFIDENCE = 0.5
"""The least combined confidence at which a traced entry is taken as the complaint's subject."""

REASSESS_KINDS = ("generated-content", "should-refuse")
"""The kinds of bank item a targeted reassessment asks (the category's unsafe questions)."""

_STATE_REASON = frozenset({ComplaintState.REJECTED, ComplaintState.RESOLVED})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Complaints:
    """Complaints and reports from the public, and their handling (Interim Measures Art. 14, 15).

    ``registry`` (a :class:`govloop.registry.Registry`) links complaints to filings and carries
    out suspensions; without one, complaints are kept unlinked and ``suspend``/``reinstate``/
    ``reassess`` are refused. ``limits`` are the published time limits; ``sources`` the trace
    evidence sources (None = trace's defaults).
    """

    def __init__(
        self,
        store: Store,
        *,
        ledger: Ledger,
        registry: Any = None,
        limits: TimeLimits = DEFAULT_TIME_LIMITS,
        sources: Sequence[Any] | None = None,
    ) -> None:
        self.store = store
        self.ledger = ledger
        self.registry = registry
        self.limits = limits
        self.sources = sources
        self._lock = threading.Lock()

    # -- intake ------------------------------------------------------------------------------

    def submit(self, complaint: ComplaintIn) -> Complaint:
        """Validate, trace the evidence, record the receipt in the ledger, then store it."""
        return self.submit_once(complaint)[0]

    def submit_once(self, complaint: ComplaintIn) -> tuple[Complaint, bool]:
        """:meth:`submit`, idempotent on ``report_key``: the complaint and whether it is new.

        ``(complaint, True)`` when filed now, ``(the earlier complaint, False)`` when one with
        the same key exists (then nothing is written).

        Within a process the check and the write hold one lock; across processes the unique
        key decides, and the loser's receipt entry stays in the ledger without a row (as after
        a crash between the two writes) while its caller gets the winner's complaint.
        """
        c = validate_complaint(complaint)
        if c.report_key is not None:
            earlier = self.by_report_key(c.report_key)
            if earlier is not None:
                return earlier, False
        evidence, filename = self._evidence(c)
        summary, traced_index, traced_filing = self._trace(evidence, filename)
        filing = self._filing(c.filing_id, "filing_id") if c.filing_id else None
        if filing is None and traced_filing:
            filing = self._filing(traced_filing, None)
        now = _now()
        complaint_id = new_produce_id()
        receipt = new_receipt()
        provider = filing.provider_code if filing is not None else None
        fields: dict[str, Any] = {
            "complaint_id": complaint_id,
            "seq": 0,
            "event": "received",
            "receipt_sha256": receipt_digest(receipt),
            "category": c.category,
            "filing_id": filing.id if filing is not None else None,
            "traced_entry_index": traced_index,
            "evidence_sha256": hashlib.sha256(evidence).hexdigest() if evidence else None,
            "at": now.isoformat(),
        }
        record = event_record(fields)
        with self._lock:
            if c.report_key is not None:
                earlier = self.by_report_key(c.report_key)
                if earlier is not None:
                    return earlier, False
            index = append_event(
                self.ledger,
                record,
                complaint_id=complaint_id,
                seq=0,
                name="received",
                provider_code=provider or self.ledger.settings.provider_code,
                filing_id=filing.id if filing is not None else None,
                model_name=filing.model_name if filing is not None else None,
            )
            try:
                with self.store.session() as s, s.begin():
                    s.add(
                        ComplaintRow(
                            id=complaint_id,
                            receipt=receipt,
                            category=c.category,
                            description=c.description,
                            state=ComplaintState.RECEIVED.value,
                            filing_id=filing.id if filing is not None else None,
                            model_name=filing.model_name if filing is not None else None,
                            provider=provider,
                            jurisdictions=_regions(filing),
                            ledger_index=index,
                            traced_entry_index=traced_index,
                            trace_summary=summary,
                            evidence_url=c.evidence_url,
                            evidence_filename=filename if c.evidence_bytes else None,
                            contact=c.contact,
                            lang=c.lang,
                            result=None,
                            report_key=c.report_key,
                            created_at=now,
                            triage_due_at=now + self.limits.triage,
                            due_at=now + self.limits.resolve_for(c.category),
                            closed_at=None,
                            updated_at=now,
                        )
                    )
                    s.flush()
                    if evidence:
                        s.add(
                            EvidenceRow(
                                complaint_id=complaint_id,
                                filename=filename,
                                sha256=hashlib.sha256(evidence).hexdigest(),
                                data=evidence,
                            )
                        )
                    s.add(
                        ComplaintEventRow(
                            complaint_id=complaint_id,
                            seq=0,
                            kind="state",
                            name=ComplaintState.RECEIVED.value,
                            actor=c.reporter or "public",
                            reason="received",
                            outcome={},
                            at=now,
                            record=record,
                            ledger_index=index,
                        )
                    )
            except sa.exc.IntegrityError:
                earlier = self.by_report_key(c.report_key) if c.report_key else None
                if earlier is None:
                    raise
                return earlier, False  # another process filed the same key first
        return self.get(complaint_id), True

    @staticmethod
    def _evidence(c: ComplaintIn) -> tuple[bytes | None, str]:
        if c.evidence_bytes:
            return c.evidence_bytes, c.evidence_filename or "evidence.bin"
        if c.evidence_text:
            return c.evidence_text.encode("utf-8"), "evidence.txt"
        return None, ""

    def _trace(
        self, data: bytes | None, filename: str
    ) -> tuple[dict[str, Any], int | None, str | None]:
        """Trace the evidence: ``(summary, entry index, filing id)`` of the best candidate."""
        if not data:
            return {"traced": False, "reason": "no evidence"}, None, None
        from govloop.trace import trace

        try:
            report = trace(
                data, filename=filename, ledger=self.ledger, sources=self.sources, limit=3
            )
        except GovloopError as exc:
            return {"traced": False, "reason": exc.diagnostics()}, None, None
        sources = [{"name": r.name, "status": r.status, "found": r.found} for r in report.sources]
        best = report.candidates[0] if report.candidates else None
        if best is None or best.confidence < TRACE_CONFIDENCE:
            summary: dict[str, Any] = {
                "traced": False,
                "reason": "no ledger entry matched the evidence"
                if best is None
                else f"best match {best.confidence:.3f} is below {TRACE_CONFIDENCE}",
                "sha256": report.sha256,
                "media_type": report.media_type,
                "sources": sources,
            }
            return summary, None, None
        summary = {
            "traced": True,
            "sha256": report.sha256,
            "media_type": report.media_type,
            "index": best.index,
            "confidence": best.confidence,
            "proof_verified": best.proof_verified,
            "produce_id": best.entry.produce_id,
            "model": best.entry.model,
            "requester": best.entry.requester,
            "evidence": sorted({e.source for e in best.evidence}),
            "sources": sources,
        }
        return summary, best.index, best.filing_id

    def _filing(self, key: str, field: str | None) -> Any:
        """The filing named by ``key``; a bad given one names ``field``, a traced one is None."""
        if self.registry is None:
            if field is None:
                return None
            raise InputError(f"field {field!r}: this deployment links no filings")
        try:
            return self.registry.get(key)
        except NotFoundError as exc:
            if field is None:
                return None
            raise InputError(f"field {field!r}: no filing {key[:60]!r} is registered") from exc

    # -- reading -----------------------------------------------------------------------------

    def get(self, complaint_id: str) -> Complaint:
        """The complaint with this id (:class:`NotFoundError` if there is none)."""
        with self.store.session() as s:
            row = s.get(ComplaintRow, complaint_id)
            if row is None:
                raise NotFoundError(f"no complaint {complaint_id[:40]!r}")
            return self._public(s, row)

    def by_receipt(self, receipt: str) -> Complaint:
        """The complaint with this receipt number (typed in any case, with O/I/L confusions)."""
        key = normalize_receipt(receipt)
        with self.store.session() as s:
            row = s.scalars(sa.select(ComplaintRow).where(ComplaintRow.receipt == key)).first()
            if row is None:
                raise NotFoundError(f"no complaint has the receipt number {key[:20]!r}")
            return self._public(s, row)

    def by_report_key(self, key: str) -> Complaint | None:
        """The complaint filed with this idempotency key, or None."""
        with self.store.session() as s:
            row = s.scalars(sa.select(ComplaintRow).where(ComplaintRow.report_key == key)).first()
            return None if row is None else self._public(s, row)

    def list(self) -> builtins.list[Complaint]:
        """Every complaint, oldest first."""
        with self.store.session() as s:
            rows = s.scalars(
                sa.select(ComplaintRow).order_by(ComplaintRow.created_at, ComplaintRow.id)
            ).all()
            events = _events_by_complaint(s, [r.id for r in rows])
            return [self._public(s, r, events.get(r.id, [])) for r in rows]

    def evidence(self, complaint_id: str) -> tuple[str | None, bytes] | None:
        """The kept evidence ``(filename, bytes)``, or None when none was given."""
        with self.store.session() as s:
            row = s.get(EvidenceRow, complaint_id)
            return None if row is None else (row.filename, row.data)

    def records(self, complaint_id: str) -> builtins.list[tuple[int | None, bytes]]:
        """Each event's ``(ledger index, canonical record)``, to check against the ledger."""
        with self.store.session() as s:
            rows = s.scalars(
                sa.select(ComplaintEventRow)
                .where(ComplaintEventRow.complaint_id == complaint_id)
                .order_by(ComplaintEventRow.seq)
            )
            return [(r.ledger_index, r.record) for r in rows]

    def _public(
        self,
        s: Any,
        row: ComplaintRow,
        events: builtins.list[ComplaintEventRow] | None = None,
    ) -> Complaint:
        if events is None:
            events = _events_by_complaint(s, [row.id]).get(row.id, [])
        has_evidence = s.get(EvidenceRow, row.id) is not None
        history = [
            ComplaintEvent(
                seq=e.seq,
                state=ComplaintState(e.name),
                actor=e.actor,
                reason=e.reason,
                at=_aware(e.at),
                ledger_index=e.ledger_index,
            )
            for e in events
            if e.kind == "state"
        ]
        actions = [
            ComplaintAction(
                seq=e.seq,
                action=e.name,
                actor=e.actor,
                reason=e.reason,
                at=_aware(e.at),
                ledger_index=e.ledger_index,
                outcome=dict(e.outcome or {}),
            )
            for e in events
            if e.kind == "action"
        ]
        return Complaint(
            id=row.id,
            receipt=row.receipt,
            category=row.category,
            description=row.description,
            state=ComplaintState(row.state),
            filing_id=row.filing_id,
            model_name=row.model_name,
            provider=row.provider,
            jurisdictions=[j for j in row.jurisdictions.split("|") if j],
            ledger_index=row.ledger_index,
            traced_entry_index=row.traced_entry_index,
            trace_summary=dict(row.trace_summary or {}),
            evidence_url=row.evidence_url,
            evidence_filename=row.evidence_filename,
            has_evidence=has_evidence,
            contact=row.contact,
            lang=row.lang,
            created_at=_aware(row.created_at),
            triage_due_at=_aware(row.triage_due_at),
            due_at=_aware(row.due_at),
            closed_at=_aware(row.closed_at) if row.closed_at else None,
            history=history,
            actions=actions,
            result=row.result,
        )

    # -- handling ----------------------------------------------------------------------------

    def transition(
        self, complaint_id: str, state: ComplaintState | str, *, actor: str, reason: str
    ) -> Complaint:
        """Move a complaint to ``state``; resolving or rejecting sets the complainant's result.

        A reason is required to reject, to resolve (it is the result) and to reopen; a refused
        move raises :class:`StateError` and changes nothing.
        """
        try:
            target = ComplaintState(str(state))
        except ValueError as exc:
            names = ", ".join(s.value for s in ComplaintState)
            raise InputError(f"field 'state': {state!r} is not a state; use {names}") from exc
        actor = _need(actor, "actor")
        reason = (reason or "").strip()
        current = self.get(complaint_id)
        check_complaint_transition(current.state, target)
        reopen = current.state in CLOSED
        if not reason and (target in _STATE_REASON or reopen):
            what = "reopen" if reopen else f"move a complaint to {target.value}"
            raise InputError(f"field 'note': a reason is required to {what}")
        if len(reason) > 5000:
            raise InputError("field 'note': at most 5000 characters")
        now = _now()
        updates: dict[str, Any] = {"state": target.value, "updated_at": now}
        if target in CLOSED:
            updates["closed_at"] = now
            updates["result"] = reason
        elif reopen:
            updates["closed_at"] = None
        self._write(
            current,
            kind="state",
            name=target.value,
            actor=actor,
            reason=reason or check_complaint_transition(current.state, target),
            outcome={"from": current.state.value},
            updates=updates,
            expect_state=current.state,
            now=now,
        )
        return self.get(complaint_id)

    def act(
        self,
        complaint_id: str,
        action: str,
        *,
        actor: str,
        reason: str,
        requester: str | None = None,
    ) -> Complaint:
        """Do ``action`` about a complaint and record it (Interim Measures Art. 14).

        ``suspend`` and ``reinstate`` move the linked filing (the gateway stops or resumes
        serving within its 1 s cache); ``reassess`` runs a targeted assessment drawn from the
        complaint's category; ``warn`` records a warning to the requester; ``restrict``
        throttles the requester at the gateway. The requester is ``requester`` or the one
        behind the traced ledger entry.
        """
        if action not in ACTIONS:
            raise InputError(f"field 'action': {action!r}; use one of {', '.join(ACTIONS)}")
        actor = _need(actor, "actor")
        reason = _need(reason, "note")
        c = self.get(complaint_id)
        if c.state in CLOSED:
            raise StateError(
                f"complaint {c.receipt} is {c.state.value}; reopen it before acting on it"
            )
        if action in ("suspend", "reinstate", "reassess"):
            outcome = self._act_on_filing(c, action, actor=actor, reason=reason)
        else:
            outcome = self._act_on_requester(c, action, reason=reason, requester=requester)
        self._write(
            c,
            kind="action",
            name=action,
            actor=actor,
            reason=reason,
            outcome=outcome,
            updates={"updated_at": _now()},
            expect_state=None,
            now=_now(),
        )
        return self.get(complaint_id)

    def _linked_filing(self, c: Complaint, action: str) -> str:
        if self.registry is None:
            raise StateError(f"cannot {action}: this deployment links no filings")
        if c.filing_id is None:
            raise StateError(
                f"cannot {action}: complaint {c.receipt} is linked to no filing (its evidence "
                "traced to none and none was named)"
            )
        return c.filing_id

    def _act_on_filing(
        self, c: Complaint, action: str, *, actor: str, reason: str
    ) -> dict[str, Any]:
        from govloop.registry import FilingState

        fid = self._linked_filing(c, action)
        if action == "reassess":
            return self._reassess(c, fid)
        target = FilingState.SUSPENDED if action == "suspend" else FilingState.APPROVED
        done = self.registry.transition(
            fid, target, actor=actor, reason=f"complaint {c.receipt}: {reason}"
        )
        return {"filing_id": done.id, "filing_state": done.state.value}

    def _reassess(self, c: Complaint, filing_id: str) -> dict[str, Any]:
        """Run the category's questions against the model of the filing's last assessment."""
        from govloop.assess import (
            Bank,
            RunOptions,
            conclude_assessment,
            get_run,
            load_bank,
            run_assessment,
        )

        if c.category in RISK_CATEGORIES:
            prefixes: tuple[str, ...] = (c.category + ".",)
        else:
            prefixes = tuple(REASSESS_RISKS.get(c.category, ()))
        if not prefixes:
            raise InputError(
                f"cannot reassess: category {c.category!r} has no safety questions; "
                "use warn, restrict or suspend"
            )
        last = None
        for record in reversed(self.registry.assessments(filing_id)):
            try:
                last = get_run(self.store, record.run_id)
            except NotFoundError:
                continue  # attached from elsewhere (another home); its run is not here
            break
        if last is None:
            raise StateError(
                f"cannot reassess: filing {filing_id} has no assessment run in this database "
                "to take the model from (run govloop assess first)"
            )
        items = tuple(
            i
            for i in load_bank().items
            if i.kind in REASSESS_KINDS and any(i.risk.startswith(p) for p in prefixes)
        )
        if not items:
            raise StateError(f"cannot reassess: the bank has no questions for {c.category}")
        base = RunOptions.from_json(last.config)
        options = RunOptions(
            sizes={k: len(items) for k in REASSESS_KINDS},
            seed=base.seed,
            max_tokens=base.max_tokens,
            temperature=base.temperature,
            judges=base.judges,
            keywords=base.keywords,
            guard_model=base.guard_model,
            judge_params=base.judge_params,
        )
        summary = asyncio.run(
            run_assessment(self.store, last.model, Bank(items=items), options, filing_id=filing_id)
        )
        done = conclude_assessment(
            self.store,
            summary.run_id,
            ledger=self.ledger,
            provider_code=c.provider or self.ledger.settings.provider_code,
            filing_id=filing_id,
            attach=False,  # evidence for the handler, not the filing's assessment
        )
        report, entry = done.report, done.entry
        return {
            "filing_id": filing_id,
            "run_id": summary.run_id,
            "questions": len(items),
            "risks": sorted({i.risk for i in items}),
            "answered": summary.answered,
            "passed": bool(report.get("passed")),
            "reasons": list(report.get("reasons", []))[:10],
            "report_ledger_index": entry.index,
            "note": "targeted run: evidence for the handler, not the filing's assessment",
        }

    def _act_on_requester(
        self, c: Complaint, action: str, *, reason: str, requester: str | None
    ) -> dict[str, Any]:
        who = (requester or "").strip() or self._traced_requester(c)
        if who is None:
            raise StateError(
                f"cannot {action}: no requester is known for complaint {c.receipt}; "
                "give field 'requester'"
            )
        if action == "warn":
            status, _ = requester_standing(self.store, who)
            return {"requester": who, "standing": status, "warning": reason}
        set_requester_standing(self.store, who, "throttled", f"complaint {c.receipt}: {reason}")
        return {"requester": who, "standing": "throttled"}

    def _traced_requester(self, c: Complaint) -> str | None:
        pseudonym = c.trace_summary.get("requester")
        if not pseudonym:
            return None
        try:
            return requester_for_pseudonym(self.store, str(pseudonym), self.ledger.pseudonym)
        except NotFoundError:
            return None

    def _write(
        self,
        c: Complaint,
        *,
        kind: str,
        name: str,
        actor: str,
        reason: str,
        outcome: dict[str, Any],
        updates: dict[str, Any],
        expect_state: ComplaintState | None,
        now: dt.datetime,
    ) -> None:
        """Ledger first, then the event row and the complaint's new fields, in one transaction."""
        with self._lock:
            with self.store.session() as s:
                seq = 1 + int(
                    s.scalar(
                        sa.select(sa.func.max(ComplaintEventRow.seq)).where(
                            ComplaintEventRow.complaint_id == c.id
                        )
                    )
                    or 0
                )
                state_now = s.scalar(sa.select(ComplaintRow.state).where(ComplaintRow.id == c.id))
            if expect_state is not None and state_now != expect_state.value:
                raise StateError(
                    f"complaint {c.receipt} moved to {state_now} meanwhile; reload and retry"
                )
            record = event_record(
                {
                    "complaint_id": c.id,
                    "seq": seq,
                    "event": name,
                    "type": kind,
                    "actor_sha256": hashlib.sha256(actor.encode("utf-8")).hexdigest(),
                    "reason_sha256": hashlib.sha256(reason.encode("utf-8")).hexdigest(),
                    "outcome": outcome,
                    "at": now.isoformat(),
                }
            )
            index = append_event(
                self.ledger,
                record,
                complaint_id=c.id,
                seq=seq,
                name=name,
                provider_code=c.provider or self.ledger.settings.provider_code,
                filing_id=c.filing_id,
                model_name=c.model_name,
            )
            with self.store.session() as s, s.begin():
                q = sa.update(ComplaintRow).where(ComplaintRow.id == c.id)
                if expect_state is not None:
                    q = q.where(ComplaintRow.state == expect_state.value)
                done = cast(sa.CursorResult[Any], s.execute(q.values(**updates)))
                if done.rowcount != 1:
                    raise StateError(f"complaint {c.receipt} changed meanwhile; reload and retry")
                s.add(
                    ComplaintEventRow(
                        complaint_id=c.id,
                        seq=seq,
                        kind=kind,
                        name=name,
                        actor=actor,
                        reason=reason,
                        outcome=outcome,
                        at=now,
                        record=record,
                        ledger_index=index,
                    )
                )

    # -- figures -----------------------------------------------------------------------------

    def stats(self, now: dt.datetime | None = None) -> ComplaintStats:
        """Counts per category and state, open and overdue, time to close (no personal data)."""
        moment = now or _now()
        with self.store.session() as s:
            rows = s.execute(
                sa.select(
                    ComplaintRow.category,
                    ComplaintRow.state,
                    ComplaintRow.created_at,
                    ComplaintRow.due_at,
                    ComplaintRow.closed_at,
                )
            ).all()
        closed_states = {x.value for x in CLOSED}
        hours: builtins.list[float] = []
        in_time = 0
        open_count = overdue = 0
        for _category, state, created, due, closed in rows:
            if state in closed_states and closed is not None:
                hours.append((_aware(closed) - _aware(created)).total_seconds() / 3600)
                in_time += _aware(closed) <= _aware(due)
            else:
                open_count += 1
                overdue += moment > _aware(due)
        return ComplaintStats(
            total=len(rows),
            by_category=dict(Counter(r[0] for r in rows)),
            by_state=dict(Counter(r[1] for r in rows)),
            open=open_count,
            overdue=overdue,
            median_hours_to_close=round(statistics.median(hours), 3) if hours else None,
            closed_within_limit=round(in_time / len(hours), 4) if hours else None,
        )


def _events_by_complaint(
    s: Any, ids: builtins.list[str]
) -> dict[str, builtins.list[ComplaintEventRow]]:
    out: dict[str, builtins.list[ComplaintEventRow]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = s.scalars(
            sa.select(ComplaintEventRow)
            .where(ComplaintEventRow.complaint_id.in_(chunk))
            .order_by(ComplaintEventRow.complaint_id, ComplaintEventRow.seq)
        )
        for r in rows:
            out.setdefault(r.complaint_id, []).append(r)
    return out


def _regions(filing: Any) -> str:
    if filing is None:
        return "||"
    regions = [str(r) for r in filing.document.deployment_regions]
    return "|" + "|".join(regions) + "|"


def _need(value: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InputError(f"field {field!r}: must not be empty")
    if len(text) > 5000:
        raise InputError(f"field {field!r}: at most 5000 characters")
    return text
