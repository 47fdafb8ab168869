from __future__ import annotations

from pathlib import Path

import pytest

from govloop.registry import FilingCreate, Registry, load_filing
from govloop.store import Store

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "filings"
REALISTIC = ASSETS / "realistic"
SHA = "ab" * 32


@pytest.fixture
def chatbot() -> FilingCreate:
    return load_filing(REALISTIC / "cn-public-chatbot.yaml")


@pytest.fixture
def registry(store: Store) -> Registry:
    return Registry(store, classifier=lambda doc: None)


PATHS = {
    "draft": [],
    "submitted": ["submitted"],
    "assessing": ["submitted", "assessing"],
    "approved": ["submitted", "assessing", "approved"],
    "suspended": ["submitted", "assessing", "approved", "suspended"],
    "revoked": ["revoked"],
}


def drive(registry: Registry, filing_id: str, state: str) -> None:
    for step in PATHS[state]:
        if step == "approved":
            registry.attach_assessment(
                filing_id,
                run_id="run-ok",
                report_sha256=SHA,
                passed=True,
                reasons=[],
                actor="assessor",
            )
        registry.transition(filing_id, step, actor="tester", reason=f"to {step}")
