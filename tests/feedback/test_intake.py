"""Intake validation and receipt numbers, fuzzed: bad input names its field, never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govloop.errors import InputError
from govloop.feedback import (
    CATEGORIES,
    ComplaintIn,
    new_receipt,
    normalize_receipt,
    validate_complaint,
)

_FIELDS = (
    "category",
    "description",
    "evidence_text",
    "evidence_bytes",
    "evidence_filename",
    "evidence_url",
    "contact",
    "filing_id",
    "lang",
)
_anything = st.one_of(st.none(), st.text(max_size=300), st.binary(max_size=64), st.integers())


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({k: _anything for k in _FIELDS}))
def test_any_submission_is_cleaned_or_refused_naming_a_field(fields: dict[str, object]) -> None:
    try:
        clean = validate_complaint(ComplaintIn(**fields))  # type: ignore[arg-type]
    except InputError as exc:
        assert "field '" in str(exc) or "category" in str(exc)
        return
    assert clean.category in CATEGORIES and clean.description.strip()
    assert clean.lang in ("zh", "en")
    assert not (clean.evidence_text and clean.evidence_bytes)


@given(st.text(max_size=40))
def test_normalize_receipt_is_total_and_idempotent(text: str) -> None:
    once = normalize_receipt(text)
    assert once.startswith("GL-") and normalize_receipt(once) == once


def test_typed_receipts_find_the_issued_one() -> None:
    for _ in range(50):
        r = new_receipt()
        assert normalize_receipt(r) == r
        typed = r.lower().replace("0", "o").replace("1", "l").replace("-", " ")
        assert normalize_receipt(typed) == r
