"""Watermark evidence when an edit made the text detector misread one payload digit."""

from __future__ import annotations

import pytest

from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.ids import new_produce_id, produce_tag
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.store import Store
from govloop.trace import Subject, record_output
from govloop.trace._sources import WatermarkSource
from govloop.watermark import WatermarkResult
from govloop.watermark.text import default_params, detect_text, generate_watermarked

BITS = default_params("gumbel").payload_bits
DETECT = "govloop.trace._sources.detect_with_keys"


def _result(payload: int, alternatives: list[int]) -> WatermarkResult:
    return WatermarkResult(
        detected=True,
        p_value=1e-30,
        payload=payload,
        payload_bits=BITS,
        scheme="gumbel",
        key_id=1,
        details={"payload_alternatives": alternatives},
    )


@pytest.fixture
def recorded(store: Store, keys: KeyStore, settings: Settings) -> tuple[Ledger, str, int]:
    ledger = Ledger.open(store, keys, settings)
    pid = new_produce_id()
    rec = record_output(
        ledger,
        b"some generated answer",
        media_type="text",
        model="demo",
        provider_code=DEMO_PROVIDER_CODE,
        produce_id=pid,
    )
    return ledger, pid, rec.index


@pytest.mark.db
def test_a_runner_up_payload_finds_the_entry_with_weaker_evidence(
    recorded: tuple[Ledger, str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, pid, index = recorded
    right = produce_tag(pid, BITS)
    wrong = right ^ (1 << 9)  # one 2-bit digit misread
    src = WatermarkSource()
    subject = Subject(b"edited text", "found.txt")

    monkeypatch.setattr(DETECT, lambda *a, **k: _result(right, []))
    exact = src.gather(subject, ledger)
    monkeypatch.setattr(
        "govloop.trace._sources.detect_with_keys",
        lambda *a, **k: _result(wrong, [wrong ^ 3, right]),
    )
    rescued = src.gather(subject, ledger)
    assert [e.index for e in exact] == [e.index for e in rescued] == [index]
    assert rescued[0].detail["corrected_digit"] is True
    assert rescued[0].detail["payload"] == f"{right:06x}"
    assert 0.9 < rescued[0].confidence <= exact[0].confidence
    # in a ledger as big as the payload space, a runner-up match proves nothing
    monkeypatch.setattr(ledger, "size", lambda: 1 << BITS)
    assert src.gather(subject, ledger) == []
    # no alternatives, or none that matches: no evidence
    monkeypatch.setattr(DETECT, lambda *a, **k: _result(wrong, [wrong ^ 3]))
    monkeypatch.setattr(ledger, "size", lambda: 1)
    assert src.gather(subject, ledger) == []


def test_alternatives_change_one_least_certain_digit() -> None:
    from govloop.models import GenerationRequest, LogitsModel, open_text_model
    from govloop.watermark import WatermarkKey

    model = open_text_model("demo")
    assert isinstance(model, LogitsModel)
    key = WatermarkKey(bytes(range(32)))
    params = default_params("gumbel")
    req = GenerationRequest.from_prompt("Tell me about the sea.", max_tokens=200, seed=3)
    gen = generate_watermarked(model, req, key=key, payload=0xA5C3F0, scheme="gumbel")
    res = detect_text(gen.text, key=key, schemes=[params])
    assert res.detected and res.payload == 0xA5C3F0
    alts = res.details["payload_alternatives"]
    margins = res.details["digit_margins"]
    assert len(alts) == 2 and len(set(alts)) == 2 and res.payload not in alts
    changed = []
    for alt in alts:
        diff = [m for m in range(params.digits) if (alt ^ res.payload) >> (2 * m) & 3]
        assert len(diff) == 1  # exactly one digit differs
        changed.append(diff[0])
    # the least certain digits come first
    assert [margins[m] for m in changed] == sorted(margins)[:2]
