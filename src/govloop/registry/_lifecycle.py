"""The filing lifecycle: states, the transition table and the servability rule.

::

    draft ──▶ submitted ──▶ assessing ──▶ approved ──▶ suspended ──▶ revoked
      ▲  ◀──────┘  ▲  ◀───────┘ │            │  ▲         │ │
      └────────────┼────────────┘            │  └─────────┘ │ (reinstated)
                   │      (failed / returned) └──▶ assessing ◀┘ (re-assessment)

A change to an assessed filing (a new version or any material field) sends it back to
``submitted``; while that happens the previously approved version keeps serving.
``revoked`` is final. Approval and reinstatement need the latest attached assessment to have
passed for the current version (checked by the registry, not by this table).
"""

from __future__ import annotations

from enum import StrEnum

from govloop.errors import TransitionError


class FilingState(StrEnum):
    """Where a filing stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ASSESSING = "assessing"
    APPROVED = "approved"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


_S = FilingState

#: Allowed manual transitions: from-state -> {to-state: what the move means}.
TRANSITIONS: dict[FilingState, dict[FilingState, str]] = {
    _S.DRAFT: {_S.SUBMITTED: "submit for review", _S.REVOKED: "withdraw"},
    _S.SUBMITTED: {
        _S.ASSESSING: "start the assessment",
        _S.DRAFT: "return to the provider for correction",
        _S.REVOKED: "withdraw or reject",
    },
    _S.ASSESSING: {
        _S.APPROVED: "approve (needs a passed assessment)",
        _S.SUBMITTED: "assessment failed or must be rerun",
        _S.DRAFT: "return to the provider for correction",
        _S.REVOKED: "reject",
    },
    _S.APPROVED: {
        _S.SUSPENDED: "suspend the service",
        _S.ASSESSING: "order a re-assessment (service continues)",
        _S.REVOKED: "revoke",
    },
    _S.SUSPENDED: {
        _S.APPROVED: "reinstate (needs a passed assessment)",
        _S.ASSESSING: "re-assess before reinstatement",
        _S.REVOKED: "revoke",
    },
    _S.REVOKED: {},
}

#: States in which the document may be edited or a version added.
EDITABLE = frozenset({_S.DRAFT, _S.SUBMITTED, _S.ASSESSING, _S.APPROVED, _S.SUSPENDED})

#: States from which a material change sends the filing back to ``submitted``.
REENTERS_ASSESSMENT = frozenset({_S.ASSESSING, _S.APPROVED, _S.SUSPENDED})

#: Target states that require the latest assessment to have passed.
NEEDS_PASSED_ASSESSMENT = frozenset({_S.APPROVED})


def parse_state(value: str) -> FilingState:
    """The state named ``value``; an :class:`InputError`-like refusal lists the valid names."""
    try:
        return FilingState(value.strip().lower())
    except ValueError as exc:
        names = ", ".join(s.value for s in FilingState)
        raise TransitionError(f"unknown filing state {value!r}; states are: {names}") from exc


def allowed_from(state: FilingState) -> list[FilingState]:
    """The states reachable from ``state`` by a manual transition."""
    return list(TRANSITIONS[state])


def check_transition(current: FilingState, target: FilingState) -> str:
    """Return the meaning of ``current -> target`` or raise :class:`TransitionError`."""
    meaning = TRANSITIONS[current].get(target)
    if meaning is None:
        allowed = allowed_from(current)
        options = ", ".join(f"{s.value} ({TRANSITIONS[current][s]})" for s in allowed) or "none"
        raise TransitionError(
            f"cannot move a filing from {current.value} to {target.value}; "
            f"allowed from {current.value}: {options}"
        )
    return meaning
