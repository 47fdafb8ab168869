from __future__ import annotations

import re
from itertools import product

import pytest

from govloop.errors import FilingError, InputError, NotFoundError, StateError, TransitionError
from govloop.registry import FilingCreate, FilingState, Registry, Servability, check_transition

from .conftest import SHA, drive

STATES = [s.value for s in FilingState]

# The table as the docs state it (independent of the implementation's dict).
LEGAL = {
    ("draft", "submitted"),
    ("draft", "revoked"),
    ("submitted", "assessing"),
    ("submitted", "draft"),
    ("submitted", "revoked"),
    ("assessing", "approved"),
    ("assessing", "submitted"),
    ("assessing", "draft"),
    ("assessing", "revoked"),
    ("approved", "suspended"),
    ("approved", "assessing"),
    ("approved", "revoked"),
    ("suspended", "approved"),
    ("suspended", "assessing"),
    ("suspended", "revoked"),
}
PAIRS = list(product(STATES, STATES))


@pytest.mark.parametrize(("src", "dst"), PAIRS)
def test_transition_table(src: str, dst: str) -> None:
    if (src, dst) in LEGAL:
        assert check_transition(FilingState(src), FilingState(dst))
    else:
        with pytest.raises(TransitionError, match=f"cannot move a filing from {src} to {dst}"):
            check_transition(FilingState(src), FilingState(dst))


@pytest.mark.db
@pytest.mark.parametrize(("src", "dst"), PAIRS)
def test_transition_in_database(
    registry: Registry, chatbot: FilingCreate, src: str, dst: str
) -> None:
    filing = registry.register(chatbot, actor="alice")
    drive(registry, filing.id, src)
    if dst == "approved" and src not in ("draft", "revoked"):
        registry.attach_assessment(
            filing.id, run_id="run-2", report_sha256=SHA, passed=True, reasons=[], actor="assessor"
        )
    before = registry.events(filing.id)
    if (src, dst) in LEGAL:
        moved = registry.transition(filing.id, dst, actor="bob", reason="because")
        assert moved.state == dst
        last = registry.events(filing.id)[-1]
        assert (last.actor, last.action, last.from_state, last.to_state, last.reason) == (
            "bob",
            "transition",
            src,
            dst,
            "because",
        )
        assert {"path": "state", "old": src, "new": dst} in last.diff
    else:
        with pytest.raises(TransitionError) as info:
            registry.transition(filing.id, dst, actor="bob", reason="because")
        allowed = sorted(d for s, d in LEGAL if s == src)
        message = str(info.value)
        assert f"allowed from {src}:" in message
        for state in allowed:
            assert re.search(rf"\b{state} \(", message)
        assert registry.get(filing.id).state == src
        assert registry.events(filing.id) == before


@pytest.mark.db
def test_approval_needs_a_passed_assessment(registry: Registry, chatbot: FilingCreate) -> None:
    filing = registry.register(chatbot, actor="alice")
    drive(registry, filing.id, "assessing")
    with pytest.raises(TransitionError, match="no assessment is attached"):
        registry.transition(filing.id, "approved", actor="r", reason="ok")
    registry.attach_assessment(
        filing.id,
        run_id="run-1",
        report_sha256=SHA,
        passed=False,
        reasons=["refusal rate 91% < 95%", "keyword library too small"],
        actor="assessor",
    )
    with pytest.raises(
        TransitionError, match="run-1.*failed: refusal rate 91% < 95%; keyword library"
    ):
        registry.transition(filing.id, "approved", actor="r", reason="ok")
    assert registry.get(filing.id).state == "assessing"
    registry.attach_assessment(
        filing.id,
        run_id="run-2",
        report_sha256=SHA.upper(),
        passed=True,
        reasons=[],
        actor="assessor",
    )
    approved = registry.transition(filing.id, "approved", actor="r", reason="passed")
    assert approved.state == "approved"
    assert approved.latest_assessment is not None and approved.latest_assessment.run_id == "run-2"
    assert approved.latest_assessment.report_sha256 == SHA
    assert [a.passed for a in registry.assessments(filing.id)] == [False, True]


@pytest.mark.db
def test_filing_numbers_are_assigned_once(registry: Registry, chatbot: FilingCreate) -> None:
    first = registry.register(chatbot, actor="a")
    second = registry.register(chatbot.model_copy(update={"model_name": "other-chat"}), actor="a")
    assert first.filing_number is None
    drive(registry, first.id, "approved")
    drive(registry, second.id, "approved")
    n1 = registry.get(first.id).filing_number
    n2 = registry.get(second.id).filing_number
    assert n1 and re.fullmatch(r"GL-\d{4}-000001", n1)
    assert n2 and n2.endswith("-000002")
    registry.transition(first.id, "suspended", actor="r", reason="incident")
    registry.transition(first.id, "approved", actor="r", reason="reinstated")
    assert registry.get(first.id).filing_number == n1
    assert registry.get(n1).id == first.id


@pytest.mark.db
def test_new_version_reenters_assessment_and_old_version_keeps_serving(
    registry: Registry, chatbot: FilingCreate
) -> None:
    filing = registry.register(chatbot, actor="a")
    drive(registry, filing.id, "approved")
    assert registry.is_servable("yunyu-chat").servable
    updated = registry.add_version(
        filing.id,
        {
            "version": "2.0",
            "date": "2025-06-01",
            "base_model": "yunyu-base",
            "base_model_filed": True,
        },
        actor="provider",
        reason="new release",
    )
    assert updated.state == "submitted"
    assert (updated.current_version, updated.serving_version) == ("2.0", "1.1")
    answer = registry.is_servable(filing.id)
    assert answer.servable and answer.state == FilingState.SUBMITTED
    assert "1.1 is approved" in answer.reason and "2.0 is submitted" in answer.reason
    registry.transition(filing.id, "assessing", actor="r", reason="assess 2.0")
    with pytest.raises(TransitionError, match="covers version 1.1, the current version is 2.0"):
        registry.transition(filing.id, "approved", actor="r", reason="try")
    registry.transition(filing.id, "submitted", actor="r", reason="rerun")
    event = registry.events(filing.id)[-3]
    assert (
        event.action == "update"
        and event.from_state == "approved"
        and event.to_state == "submitted"
    )
    assert any(d["path"] == "versions" for d in event.diff)


@pytest.mark.db
def test_non_material_change_keeps_approval(registry: Registry, chatbot: FilingCreate) -> None:
    filing = registry.register(chatbot, actor="a")
    drive(registry, filing.id, "approved")
    doc = chatbot.model_dump(mode="json")
    doc["contacts"] = [{"name": "New safety office", "email": "s@example.com"}]
    updated = registry.update(filing.id, doc, actor="provider", reason="new contact")
    assert updated.state == "approved"
    with pytest.raises(InputError, match="unchanged"):
        registry.update(filing.id, doc, actor="provider", reason="again")


@pytest.mark.db
def test_identity_fields_cannot_change_and_revoked_is_final(
    registry: Registry, chatbot: FilingCreate
) -> None:
    filing = registry.register(chatbot, actor="a")
    with pytest.raises(FilingError, match="cannot change"):
        registry.update(
            filing.id, chatbot.model_copy(update={"model_name": "renamed"}), actor="a", reason="x"
        )
    registry.transition(filing.id, "revoked", actor="r", reason="withdrawn")
    with pytest.raises(StateError, match="can no longer be changed"):
        registry.update(filing.id, chatbot, actor="a", reason="x")
    with pytest.raises(StateError, match="revoked"):
        registry.attach_assessment(
            filing.id, run_id="r", report_sha256=SHA, passed=True, reasons=[], actor="a"
        )


@pytest.mark.db
@pytest.mark.parametrize(
    ("state", "servable", "fragment"),
    [
        ("draft", False, "is draft, not approved"),
        ("assessing", False, "is assessing, not approved"),
        ("approved", True, "is approved (GL-"),
        ("suspended", False, "is suspended"),
        ("revoked", False, "is revoked"),
    ],
)
def test_is_servable(
    registry: Registry, chatbot: FilingCreate, state: str, servable: bool, fragment: str
) -> None:
    filing = registry.register(chatbot, actor="a")
    drive(registry, filing.id, state)
    for key in (filing.id, "yunyu-chat"):
        answer = registry.is_servable(key)
        assert answer.servable is servable
        assert answer.state == FilingState(state)
        assert fragment in answer.reason
        assert answer.refusal == (
            None if servable else state if state in ("suspended", "revoked") else "not_approved"
        )


@pytest.mark.db
def test_is_servable_unknown_model(registry: Registry) -> None:
    assert registry.is_servable("nope") == Servability(
        False, None, "no filing for 'nope': the model is not registered"
    )
    assert registry.is_servable("nope").refusal == "not_approved"


@pytest.mark.db
def test_register_refuses_duplicate_name_and_writes_nothing(
    registry: Registry, chatbot: FilingCreate
) -> None:
    registry.register(chatbot, actor="a")
    with pytest.raises(FilingError, match="already registered"):
        registry.register(chatbot, actor="a")
    assert len(registry.list()) == 1


@pytest.mark.db
def test_lookup_by_prefix_and_errors(registry: Registry, chatbot: FilingCreate) -> None:
    filing = registry.register(chatbot, actor="a")
    assert registry.get(filing.id[:10].lower()).id == filing.id
    with pytest.raises(NotFoundError, match="no filing"):
        registry.get("missing-model")
    with pytest.raises(TransitionError, match="unknown filing state 'live'"):
        registry.transition(filing.id, "live", actor="a", reason="x")
    with pytest.raises(InputError, match="reason must not be empty"):
        registry.transition(filing.id, "submitted", actor="a", reason=" ")
    with pytest.raises(InputError, match="64 hex"):
        registry.attach_assessment(
            filing.id, run_id="r", report_sha256="xyz", passed=True, reasons=[], actor="a"
        )


@pytest.mark.db
def test_audit_event_records_who_when_what_why(registry: Registry, chatbot: FilingCreate) -> None:
    filing = registry.register(chatbot, actor="alice", reason="first filing")
    (event,) = registry.events(filing.id)
    assert (event.actor, event.action, event.reason, event.from_state, event.to_state) == (
        "alice",
        "register",
        "first filing",
        None,
        "draft",
    )
    assert event.at.tzinfo is not None
    assert {"path": "model_name", "old": None, "new": "yunyu-chat"} in event.diff


def test_a_registry_without_classifier_reads_but_will_not_register(store, chatbot) -> None:
    from govloop.errors import ConfigError

    bare = Registry(store)
    with pytest.raises(ConfigError, match="classifier"):
        bare.register(chatbot, actor="a")
    assert bare.list() == []


def test_filing_classifier_stores_the_shipped_profile(store, chatbot) -> None:
    from govloop.classify import classify, filing_classifier

    filing = Registry(store, classifier=filing_classifier()).register(chatbot, actor="a")
    expected = classify(chatbot).model_dump(mode="json")
    stored = dict(filing.risk_profile or {})
    assert stored.pop("classified_at") and expected.pop("classified_at")
    assert stored == expected
    assert {r["regime"] for r in filing.risk_profile["regimes"]} >= {"cn", "eu"}
