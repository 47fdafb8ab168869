"""The assessment loop step every face shares: attach the report to the filing, then record it."""

from __future__ import annotations

import pytest

from govloop.assess import conclude_assessment, report_digest, run_demo_assessment
from govloop.classify import filing_classifier
from govloop.config import Settings
from govloop.errors import NotFoundError
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.registry import Registry, example_filings, load_filing
from govloop.store import Store

SMALL = {"generated-content": 6, "should-refuse": 3, "should-answer": 3}


def _assessing(store: Store) -> str:
    registry = Registry(store, classifier=filing_classifier())
    demo = next(p for p in example_filings() if "demo" in p.name)
    fid = registry.register(load_filing(demo), actor="test").id
    registry.transition(fid, "submitted", actor="test", reason="ready")
    registry.transition(fid, "assessing", actor="test", reason="assess")
    return fid


def test_conclude_attaches_then_records_the_same_report(settings: Settings, store: Store) -> None:
    fid = _assessing(store)
    ledger = Ledger.open(store, KeyStore.open(settings.keys_dir), settings)
    run, _ = run_demo_assessment(store, sizes=SMALL, max_tokens=16)
    size = ledger.size()
    done = conclude_assessment(
        store, run.run_id, ledger=ledger, provider_code=settings.provider_code, filing_id=fid
    )
    # The filing holds the digest of exactly the report the ledger recorded, and that report
    # names the filing (the link was stored before the report was built).
    assert done.report["run"]["filing_id"] == fid
    assert done.filing is not None and done.filing.latest_assessment is not None
    assert done.filing.latest_assessment.report_sha256 == report_digest(done.report)
    record = ledger.get(done.entry.index)
    assert done.entry.index == size
    assert record.entry.content_sha256 == report_digest(done.report)
    assert record.entry.filing_id == fid and record.entry.media_type == "other"


def test_evidence_only_leaves_the_filing_as_it_was(settings: Settings, store: Store) -> None:
    fid = _assessing(store)
    ledger = Ledger.open(store, KeyStore.open(settings.keys_dir), settings)
    run, _ = run_demo_assessment(store, sizes=SMALL, max_tokens=16)
    done = conclude_assessment(
        store,
        run.run_id,
        ledger=ledger,
        provider_code=settings.provider_code,
        filing_id=fid,
        attach=False,
    )
    assert done.filing is None
    assert Registry(store).get(fid).latest_assessment is None
    assert ledger.get(done.entry.index).entry.content_sha256 == report_digest(done.report)


def test_an_unknown_run_records_nothing(settings: Settings, store: Store) -> None:
    fid = _assessing(store)
    ledger = Ledger.open(store, KeyStore.open(settings.keys_dir), settings)
    size = ledger.size()
    with pytest.raises(NotFoundError, match="no-such-run"):
        conclude_assessment(
            store, "no-such-run", ledger=ledger, provider_code=settings.provider_code, filing_id=fid
        )
    assert ledger.size() == size
    assert Registry(store).get(fid).latest_assessment is None
