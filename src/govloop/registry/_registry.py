"""The registry: filings, their lifecycle, assessments, filing numbers and audit trail."""

from __future__ import annotations

import builtins
import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from govloop.errors import (
    ConfigError,
    FilingError,
    InputError,
    NotFoundError,
    StateError,
    TransitionError,
)
from govloop.ids import new_produce_id
from govloop.registry._lifecycle import (
    EDITABLE,
    NEEDS_PASSED_ASSESSMENT,
    REENTERS_ASSESSMENT,
    FilingState,
    check_transition,
    parse_state,
)
from govloop.registry._loader import SourceDocument, describe_validation_error
from govloop.registry._models import (
    NON_MATERIAL_FIELDS,
    AssessmentRecord,
    AuditEvent,
    Filing,
    document_diff,
)
from govloop.registry._schema import FilingCreate, ModelVersion
from govloop.registry._servability import Servability
from govloop.registry._tables import AssessmentRow, FilingEventRow, FilingNumberRow, FilingRow
from govloop.store import Store

#: Computes the risk profile stored with a filing (JSON), or None to store none.
Classifier = Callable[[FilingCreate], Mapping[str, Any] | None]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def as_filing_create(
    doc: FilingCreate | Mapping[str, Any], *, source: str = "<document>"
) -> FilingCreate:
    """Validate a mapping into a :class:`FilingCreate` (raising :class:`FilingError`)."""
    if isinstance(doc, FilingCreate):
        return doc
    try:
        return FilingCreate.model_validate(dict(doc))
    except ValidationError as exc:
        raise FilingError(describe_validation_error(exc, SourceDocument(source, doc))) from exc


class Registry:
    """Filings stored in the project database.

    ``classifier`` computes the risk profile kept with each filing whenever its document changes
    (usually :func:`govloop.classify.filing_classifier`, passed in by the faces so the registry
    does not depend on the classifier). It is needed only to register or update a filing; a
    registry opened without one reads, transitions and attaches assessments.
    """

    def __init__(self, store: Store, *, classifier: Classifier | None = None) -> None:
        self.store = store
        self._classifier = classifier

    def _classify(self, doc: FilingCreate) -> Mapping[str, Any] | None:
        if self._classifier is None:
            raise ConfigError(
                "this Registry was opened without a classifier; pass "
                "classifier=govloop.classify.filing_classifier() to register or update filings"
            )
        return self._classifier(doc)

    # -- reading -----------------------------------------------------------------------------

    def _row(self, session: Session, key: str, *, lock: bool = False) -> FilingRow:
        q = sa.select(FilingRow).where(
            sa.or_(FilingRow.id == key, FilingRow.model_name == key, FilingRow.filing_number == key)
        )
        if lock:
            q = q.with_for_update()
        row = session.scalars(q.limit(1)).first()
        if row is None and len(key) >= 4 and re.fullmatch(r"[0-9A-Za-z]+", key):
            rows = session.scalars(
                sa.select(FilingRow).where(FilingRow.id.startswith(key.upper())).limit(2)
            ).all()
            if len(rows) > 1:
                raise NotFoundError(f"filing id prefix {key!r} is ambiguous; give more characters")
            row = rows[0] if rows else None
        if row is None:
            raise NotFoundError(f"no filing with id, filing number or model name {key!r}")
        return row

    def _latest_assessment(self, session: Session, filing_id: str) -> AssessmentRecord | None:
        row = session.scalars(
            sa.select(AssessmentRow)
            .where(AssessmentRow.filing_id == filing_id)
            .order_by(AssessmentRow.id.desc())
            .limit(1)
        ).first()
        return None if row is None else _assessment(row)

    def _public(self, session: Session, row: FilingRow) -> Filing:
        return Filing(
            id=row.id,
            model_name=row.model_name,
            provider_code=row.provider_code,
            provider_name=row.provider_name,
            state=FilingState(row.state),
            filing_number=row.filing_number,
            regulator_filing_number=row.regulator_filing_number,
            current_version=row.current_version,
            serving_version=row.serving_version,
            document=FilingCreate.model_validate(row.document),
            risk_profile=row.risk_profile,
            latest_assessment=self._latest_assessment(session, row.id),
            created_at=_aware(row.created_at),
            updated_at=_aware(row.updated_at),
        )

    def get(self, filing_id: str) -> Filing:
        """The filing with this id, id prefix, registry filing number or model name."""
        with self.store.session() as session:
            return self._public(session, self._row(session, filing_id))

    def list(self, *, state: FilingState | str | None = None) -> builtins.list[Filing]:
        """Every filing (optionally only those in ``state``), oldest first."""
        q = sa.select(FilingRow).order_by(FilingRow.created_at, FilingRow.id)
        if state is not None:
            q = q.where(FilingRow.state == parse_state(str(state)).value)
        with self.store.session() as session:
            return [self._public(session, row) for row in session.scalars(q)]

    def events(self, filing_id: str) -> builtins.list[AuditEvent]:
        """The audit trail of a filing, oldest first."""
        with self.store.session() as session:
            row = self._row(session, filing_id)
            rows = session.scalars(
                sa.select(FilingEventRow)
                .where(FilingEventRow.filing_id == row.id)
                .order_by(FilingEventRow.id)
            )
            return [
                AuditEvent(
                    filing_id=e.filing_id,
                    at=_aware(e.at),
                    actor=e.actor,
                    action=e.action,
                    from_state=FilingState(e.from_state) if e.from_state else None,
                    to_state=FilingState(e.to_state) if e.to_state else None,
                    reason=e.reason,
                    diff=e.diff,
                )
                for e in rows
            ]

    def assessments(self, filing_id: str) -> builtins.list[AssessmentRecord]:
        """Every assessment attached to a filing, oldest first."""
        with self.store.session() as session:
            row = self._row(session, filing_id)
            rows = session.scalars(
                sa.select(AssessmentRow)
                .where(AssessmentRow.filing_id == row.id)
                .order_by(AssessmentRow.id)
            )
            return [_assessment(a) for a in rows]

    def is_servable(self, filing_id_or_model_name: str) -> Servability:
        """Whether the gateway may serve this filing's model now, and why (one indexed query)."""
        key = filing_id_or_model_name
        q = (
            sa.select(
                FilingRow.state,
                FilingRow.serving_version,
                FilingRow.current_version,
                FilingRow.filing_number,
                FilingRow.model_name,
            )
            .where(
                sa.or_(
                    FilingRow.id == key, FilingRow.model_name == key, FilingRow.filing_number == key
                )
            )
            .limit(1)
        )
        with self.store.engine.connect() as conn:
            found = conn.execute(q).first()
        if found is None:
            return Servability.unknown(f"no filing for {key!r}: the model is not registered")
        raw, serving, current, number, name = found
        state = FilingState(raw)
        if state == FilingState.APPROVED:
            return Servability(True, state, f"{name} is approved ({number}, version {serving})")
        if state in (FilingState.SUBMITTED, FilingState.ASSESSING) and serving:
            why = f"{name} version {serving} is approved ({number}); version {current} is {state}"
            return Servability(True, state, why)
        if state in (FilingState.SUSPENDED, FilingState.REVOKED):
            why = f"{name} filing {number or ''} is {state}".replace("  ", " ")
            return Servability(False, state, why)
        return Servability(False, state, f"{name} is {state}, not approved")

    # -- writing -----------------------------------------------------------------------------

    def _event(
        self,
        session: Session,
        row: FilingRow,
        *,
        actor: str,
        action: str,
        reason: str,
        from_state: str | None,
        diff: builtins.list[dict[str, Any]],
        at: dt.datetime,
    ) -> None:
        session.add(
            FilingEventRow(
                filing_id=row.id,
                at=at,
                actor=actor,
                action=action,
                from_state=from_state,
                to_state=row.state,
                reason=reason,
                diff=diff,
            )
        )

    def register(
        self, doc: FilingCreate | Mapping[str, Any], *, actor: str, reason: str = "registered"
    ) -> Filing:
        """Store a new filing in ``draft``; the model name must not be registered yet."""
        filing = as_filing_create(doc)
        _need(actor, "actor")
        profile = self._classify(filing)
        data = filing.model_dump(mode="json")
        now = _now()
        with self.store.session() as session:
            existing = session.scalars(
                sa.select(FilingRow.id).where(FilingRow.model_name == filing.model_name)
            ).first()
            if existing is not None:
                raise FilingError(
                    f"model name {filing.model_name!r} is already registered as filing {existing}; "
                    "add a version to it instead"
                )
            row = FilingRow(
                id=new_produce_id(),
                model_name=filing.model_name,
                provider_code=filing.provider.code,
                provider_name=filing.provider.name,
                state=FilingState.DRAFT.value,
                filing_number=None,
                regulator_filing_number=filing.regulator_filing_number,
                current_version=filing.current.version,
                serving_version=None,
                document=data,
                risk_profile=dict(profile) if profile is not None else None,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            self._event(
                session,
                row,
                actor=actor,
                action="register",
                reason=reason,
                from_state=None,
                diff=document_diff(None, data),
                at=now,
            )
            return self._public(session, row)

    def update(
        self, filing_id: str, doc: FilingCreate | Mapping[str, Any], *, actor: str, reason: str
    ) -> Filing:
        """Replace the document; a material change to an assessed filing re-enters assessment."""
        filing = as_filing_create(doc)
        _need(actor, "actor")
        _need(reason, "reason")
        profile = self._classify(filing)
        data = filing.model_dump(mode="json")
        now = _now()
        with self.store.session() as session:
            row = self._row(session, filing_id, lock=True)
            state = FilingState(row.state)
            if state not in EDITABLE:
                raise StateError(f"filing {row.id} is {state}; it can no longer be changed")
            if filing.model_name != row.model_name or filing.provider.code != row.provider_code:
                raise FilingError(
                    "model_name and provider.code identify a filing and cannot change; "
                    "register a new filing instead"
                )
            diff = document_diff(row.document, data)
            if not diff:
                raise InputError(f"filing {row.id}: the document is unchanged")
            material = any(d["path"].split(".")[0] not in NON_MATERIAL_FIELDS for d in diff)
            before = row.state
            if material and state in REENTERS_ASSESSMENT:
                row.state = FilingState.SUBMITTED.value
            row.document = data
            row.provider_name = filing.provider.name
            row.regulator_filing_number = filing.regulator_filing_number
            row.current_version = filing.current.version
            row.risk_profile = dict(profile) if profile is not None else None
            row.updated_at = now
            self._event(
                session,
                row,
                actor=actor,
                action="update",
                reason=reason,
                from_state=before,
                diff=diff,
                at=now,
            )
            session.flush()
            return self._public(session, row)

    def add_version(
        self, filing_id: str, version: ModelVersion | Mapping[str, Any], *, actor: str, reason: str
    ) -> Filing:
        """Append a new version; an assessed filing re-enters assessment."""
        current = self.get(filing_id)
        try:
            new = (
                version
                if isinstance(version, ModelVersion)
                else ModelVersion.model_validate(version)
            )
        except ValidationError as exc:
            raise FilingError(
                describe_validation_error(exc, SourceDocument("version", version))
            ) from exc
        data = current.document.model_dump(mode="json")
        data["versions"].append(new.model_dump(mode="json"))
        return self.update(current.id, data, actor=actor, reason=reason)

    def transition(
        self, filing_id: str, state: FilingState | str, *, actor: str, reason: str
    ) -> Filing:
        """Move a filing to ``state``; illegal moves raise :class:`TransitionError`."""
        target = parse_state(str(state))
        _need(actor, "actor")
        _need(reason, "reason")
        now = _now()
        with self.store.session() as session:
            row = self._row(session, filing_id, lock=True)
            current = FilingState(row.state)
            check_transition(current, target)
            diff: builtins.list[dict[str, Any]] = [
                {"path": "state", "old": current.value, "new": target.value}
            ]
            if target in NEEDS_PASSED_ASSESSMENT:
                _require_passed(self._latest_assessment(session, row.id), row, target)
                if row.filing_number is None:
                    number = FilingNumberRow(filing_id=row.id, issued_at=now)
                    session.add(number)
                    session.flush()
                    row.filing_number = f"GL-{now.year}-{number.id:06d}"
                    diff.append({"path": "filing_number", "old": None, "new": row.filing_number})
                if row.serving_version != row.current_version:
                    diff.append(
                        {
                            "path": "serving_version",
                            "old": row.serving_version,
                            "new": row.current_version,
                        }
                    )
                    row.serving_version = row.current_version
            elif target in (FilingState.SUSPENDED, FilingState.REVOKED) and row.serving_version:
                diff.append({"path": "serving_version", "old": row.serving_version, "new": None})
                row.serving_version = None
            row.state = target.value
            row.updated_at = now
            self._event(
                session,
                row,
                actor=actor,
                action="transition",
                reason=reason,
                from_state=current.value,
                diff=diff,
                at=now,
            )
            session.flush()
            return self._public(session, row)

    def attach_assessment(
        self,
        filing_id: str,
        *,
        run_id: str,
        report_sha256: str,
        passed: bool,
        reasons: builtins.list[str],
        actor: str,
    ) -> Filing:
        """Record an assessment run against the filing's current version."""
        _need(run_id, "run_id")
        _need(actor, "actor")
        digest = report_sha256.lower()
        if not _SHA256.match(digest):
            raise InputError(f"report_sha256 {report_sha256!r} is not 64 hex digits")
        now = _now()
        with self.store.session() as session:
            row = self._row(session, filing_id, lock=True)
            state = FilingState(row.state)
            if state in (FilingState.DRAFT, FilingState.REVOKED):
                raise StateError(
                    f"filing {row.id} is {state}; assessments attach to submitted filings"
                )
            record = AssessmentRow(
                filing_id=row.id,
                version=row.current_version,
                run_id=run_id,
                report_sha256=digest,
                passed=passed,
                reasons=list(reasons),
                actor=actor,
                attached_at=now,
            )
            session.add(record)
            row.updated_at = now
            verdict = "passed" if passed else "failed"
            self._event(
                session,
                row,
                actor=actor,
                action="assessment",
                reason=f"assessment {run_id} {verdict}"
                + (f": {'; '.join(reasons)}" if reasons else ""),
                from_state=row.state,
                diff=[
                    {
                        "path": "assessment",
                        "old": None,
                        "new": {
                            "run_id": run_id,
                            "report_sha256": digest,
                            "passed": passed,
                            "version": row.current_version,
                        },
                    }
                ],
                at=now,
            )
            session.flush()
            return self._public(session, row)

    def set_risk_profile(self, filing_id: str, profile: Mapping[str, Any], *, actor: str) -> Filing:
        """Store a (re)computed risk profile; tier changes are audited."""
        now = _now()
        with self.store.session() as session:
            row = self._row(session, filing_id, lock=True)
            old = _tiers(row.risk_profile)
            new = _tiers(profile)
            row.risk_profile = dict(profile)
            if old != new:
                row.updated_at = now
                self._event(
                    session,
                    row,
                    actor=actor,
                    action="classify",
                    reason="risk profile recomputed",
                    from_state=row.state,
                    diff=document_diff({"tiers": old}, {"tiers": new}),
                    at=now,
                )
            session.flush()
            return self._public(session, row)


def _tiers(profile: Mapping[str, Any] | None) -> dict[str, Any]:
    if not profile:
        return {}
    return {r.get("regime"): r.get("tier") for r in profile.get("regimes", [])}


def _need(value: str, name: str) -> None:
    if not value or not value.strip():
        raise InputError(f"{name} must not be empty")


def _assessment(row: AssessmentRow) -> AssessmentRecord:
    return AssessmentRecord(
        run_id=row.run_id,
        report_sha256=row.report_sha256,
        passed=row.passed,
        reasons=list(row.reasons),
        version=row.version,
        actor=row.actor,
        attached_at=_aware(row.attached_at),
    )


def _require_passed(latest: AssessmentRecord | None, row: FilingRow, target: FilingState) -> None:
    verb = "approve" if target == FilingState.APPROVED else f"move to {target}"
    if latest is None:
        raise TransitionError(
            f"cannot {verb} filing {row.id}: no assessment is attached; run one and attach it"
        )
    if latest.version != row.current_version:
        raise TransitionError(
            f"cannot {verb} filing {row.id}: the latest assessment ({latest.run_id}) covers "
            f"version "
            f"{latest.version}, the current version is {row.current_version}"
        )
    if not latest.passed:
        why = "; ".join(latest.reasons) or "no reasons given"
        raise TransitionError(
            f"cannot {verb} filing {row.id}: the latest assessment ({latest.run_id}) failed: {why}"
        )
