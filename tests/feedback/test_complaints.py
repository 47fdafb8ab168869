"""The complaint channel's library: traced intake, ledger records, states, actions, figures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pytest

from govloop.classify import filing_classifier
from govloop.config import Settings
from govloop.errors import InputError, NotFoundError, StateError
from govloop.feedback import (
    ComplaintIn,
    Complaints,
    ComplaintState,
    TimeLimits,
    is_feedback_entry,
    requester_standing,
)
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.registry import FilingState, Registry
from govloop.store import Store

pytestmark = pytest.mark.db

SMALL = {"generated-content": 12, "should-refuse": 6, "should-answer": 4}


@dataclass
class Loop:
    complaints: Complaints
    registry: Registry
    ledger: Ledger
    store: Store
    filing_id: str
    text: bytes
    """A labeled output the ledger recorded for the demo filing (requester ``alice``)."""


@pytest.fixture
def loop(settings: Settings, store: Store) -> Loop:
    from govloop.assess import run_demo_assessment
    from govloop.label import label_bytes
    from govloop.ledger import record_output
    from govloop.registry import example_filings, load_filing

    registry = Registry(store, classifier=filing_classifier())
    demo = next(p for p in example_filings() if "demo" in p.name)
    fid = registry.register(load_filing(demo), actor="test").id
    registry.transition(fid, "submitted", actor="test", reason="ready")
    registry.transition(fid, "assessing", actor="test", reason="assess")
    run_demo_assessment(store, filing_id=fid, sizes=SMALL, max_tokens=32)
    # The small run cannot pass the standard's sample sizes; a passed record lets it approve.
    registry.attach_assessment(
        fid, run_id="elsewhere", report_sha256="ab" * 32, passed=True, reasons=[], actor="test"
    )
    registry.transition(fid, "approved", actor="test", reason="passed")
    keys = KeyStore.open(settings.keys_dir)
    ledger = Ledger.open(store, keys, settings)
    filing = registry.get(fid)
    labeled, outcome = label_bytes(
        ("夜里的港口灯火通明，渔船陆续归来。" * 4).encode("utf-8"),
        filename="answer.txt",
        producer_code=filing.provider_code,
        signer=keys.active("label"),
    )
    record_output(
        ledger,
        labeled,
        media_type="text",
        model=filing.model_name,
        provider_code=filing.provider_code,
        filing_id=fid,
        model_version=filing.serving_version,
        requester="alice",
        label=outcome.label,
    )
    ledger.checkpoint()
    from govloop.gateway import ApiKeys

    ApiKeys(store).create("alice")  # alice is a gateway requester with a key
    return Loop(
        Complaints(store, ledger=ledger, registry=registry), registry, ledger, store, fid, labeled
    )


def _file(loop: Loop, **kw: Any) -> Any:
    fields: dict[str, Any] = {
        "category": "A.2",
        "description": "这个回答有歧视。",
        "evidence_text": loop.text.decode("utf-8"),
    }
    fields.update(kw)
    return loop.complaints.submit(ComplaintIn(**fields))


def test_evidence_is_traced_and_the_receipt_recorded(loop: Loop) -> None:
    before = loop.ledger.size()
    c = _file(loop, contact="me@example.org")
    assert c.filing_id == loop.filing_id and c.model_name == "demo"
    assert c.trace_summary["traced"] is True and c.trace_summary["proof_verified"] is True
    assert c.traced_entry_index is not None and c.traced_entry_index < before
    assert c.ledger_index == before and loop.ledger.size() == before + 1
    entry = loop.ledger.get(c.ledger_index).entry
    assert is_feedback_entry(entry) and entry.filing_id == loop.filing_id
    # The ledger keeps a digest of the receipt, never the receipt, contact or description.
    ((index, record),) = loop.complaints.records(c.id)
    assert index == c.ledger_index
    assert hashlib.sha256(record).hexdigest() == entry.content_sha256
    assert c.receipt.encode() not in record and b"me@example.org" not in record
    assert loop.complaints.by_receipt(c.receipt.lower().replace("-", " ")).id == c.id
    kept = loop.complaints.evidence(c.id)
    assert kept is not None and kept[1] == loop.text


def test_untraceable_evidence_keeps_the_complaint_unlinked(loop: Loop) -> None:
    c = _file(loop, evidence_text="nothing like any recorded output at all")
    assert c.filing_id is None and c.provider is None and c.jurisdictions == []
    assert c.trace_summary["traced"] is False
    with pytest.raises(StateError, match="linked to no filing"):
        loop.complaints.act(c.id, "suspend", actor="regulator:x", reason="no")


def test_a_named_filing_must_exist(loop: Loop) -> None:
    size = loop.ledger.size()
    with pytest.raises(InputError, match="filing_id"):
        _file(loop, filing_id="no-such-service", evidence_text=None)
    assert loop.ledger.size() == size and loop.complaints.list() == []


def test_the_state_machine_refuses_and_refusals_change_nothing(loop: Loop) -> None:
    c = _file(loop)
    size = loop.ledger.size()
    with pytest.raises(StateError, match="allowed from received"):
        loop.complaints.transition(c.id, "resolved", actor="p", reason="done")
    with pytest.raises(InputError, match="reason is required"):
        loop.complaints.transition(c.id, ComplaintState.REJECTED, actor="p", reason=" ")
    with pytest.raises(InputError, match="'state'"):
        loop.complaints.transition(c.id, "closed", actor="p", reason="x")
    assert loop.ledger.size() == size
    assert loop.complaints.get(c.id).history == c.history

    loop.complaints.transition(c.id, "triaged", actor="p", reason="looking")
    done = loop.complaints.transition(c.id, "resolved", actor="p", reason="answer corrected")
    assert done.state is ComplaintState.RESOLVED and done.result == "answer corrected"
    assert done.closed_at is not None and [e.seq for e in done.history] == [0, 1, 2]
    with pytest.raises(StateError, match="reopen it"):
        loop.complaints.act(c.id, "warn", actor="p", reason="late")
    with pytest.raises(InputError, match="reopen"):
        loop.complaints.transition(c.id, "investigating", actor="p", reason="")
    again = loop.complaints.transition(c.id, "investigating", actor="r", reason="not fixed")
    assert again.closed_at is None and again.state is ComplaintState.INVESTIGATING
    # Every event's stored record is the one whose digest the ledger carries.
    for index, record in loop.complaints.records(c.id):
        assert index is not None
        assert loop.ledger.get(index).entry.content_sha256 == hashlib.sha256(record).hexdigest()


def test_suspend_stops_serving_and_reinstate_restores_it(loop: Loop) -> None:
    c = _file(loop)
    done = loop.complaints.act(c.id, "suspend", actor="regulator:r", reason="harmful")
    assert done.actions[-1].outcome["filing_state"] == "suspended"
    assert loop.registry.get(loop.filing_id).state is FilingState.SUSPENDED
    answer = loop.registry.is_servable("demo")
    assert not answer.servable and answer.state == FilingState.SUSPENDED
    assert answer.refusal == "suspended" and "suspended" in answer.reason
    audit = loop.registry.events(loop.filing_id)[-1]
    assert c.receipt in (audit.reason or "")
    back = loop.complaints.act(c.id, "reinstate", actor="regulator:r", reason="fixed")
    assert back.actions[-1].outcome["filing_state"] == "approved"
    assert loop.registry.is_servable("demo").servable


def test_reassess_runs_the_categorys_questions_and_records_the_report(loop: Loop) -> None:
    c = _file(loop, category="A.2")
    size = loop.ledger.size()
    done = loop.complaints.act(c.id, "reassess", actor="provider:p", reason="check bias")
    out = done.actions[-1].outcome
    assert out["questions"] > 0 and out["answered"] == out["questions"]
    assert isinstance(out["passed"], bool) and out["run_id"]
    report_entry = loop.ledger.get(out["report_ledger_index"]).entry
    assert report_entry.media_type == "other" and out["report_ledger_index"] >= size
    from govloop.assess import build_report, report_digest

    assert out["risks"] and all(r.startswith("A.2.") for r in out["risks"])
    report = build_report(loop.store, out["run_id"])
    assert report["summary"]["planned"] == out["questions"]
    assert report_entry.content_sha256 == report_digest(report)
    # A label complaint has no safety questions to ask.
    label = _file(loop, category="labelling")
    with pytest.raises(InputError, match="no safety questions"):
        loop.complaints.act(label.id, "reassess", actor="p", reason="x")


def test_warn_and_restrict_the_traced_requester(loop: Loop) -> None:
    c = _file(loop)
    warned = loop.complaints.act(c.id, "warn", actor="provider:p", reason="first warning")
    assert warned.actions[-1].outcome == {
        "requester": "alice",
        "standing": "active",
        "warning": "first warning",
    }
    loop.complaints.act(c.id, "restrict", actor="provider:p", reason="repeated")
    assert requester_standing(loop.store, "alice")[0] == "throttled"
    with pytest.raises(InputError, match="'action'"):
        loop.complaints.act(c.id, "ban", actor="p", reason="x")


def test_stats_count_without_personal_data(loop: Loop) -> None:
    a = _file(loop, contact="secret@example.org")
    _file(loop, category="A.4")
    loop.complaints.transition(a.id, "rejected", actor="p", reason="not ours")
    stats = loop.complaints.stats()
    assert stats.total == 2 and stats.open == 1 and stats.overdue == 0
    assert stats.by_category == {"A.2": 1, "A.4": 1}
    assert stats.by_state == {"rejected": 1, "received": 1}
    assert stats.closed_within_limit == 1.0 and stats.median_hours_to_close is not None
    assert "secret" not in stats.model_dump_json()


def test_published_limits_set_the_clock(loop: Loop) -> None:
    import datetime as dt

    limits = TimeLimits(resolve=dt.timedelta(days=7), by_category={"A.1": dt.timedelta(days=1)})
    fast = Complaints(loop.store, ledger=loop.ledger, registry=loop.registry, limits=limits)
    c = fast.submit(ComplaintIn(category="A.1", description="x"))
    assert c.due_at - c.created_at == dt.timedelta(days=1)
    assert fast.stats(now=c.due_at + dt.timedelta(seconds=1)).overdue == 1


def test_unknown_ids_and_receipts(loop: Loop) -> None:
    with pytest.raises(NotFoundError):
        loop.complaints.get("nope")
    with pytest.raises(NotFoundError):
        loop.complaints.by_receipt("GL-0000000000")
