"""`govloop demo` runs the whole loop and every stage's result is real and checkable."""

from __future__ import annotations

import json

import pytest

from govloop.cli.main import build_app
from govloop.config import Settings
from govloop.demo import run_demo
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.registry import Registry
from govloop.store import Store


class _Collect:
    def __init__(self) -> None:
        self.stages: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}

    def stage(self, title: str) -> None:
        self.stages.append(title)

    def table(self, title: str, columns: list[str], rows: list[list[str]]) -> None:
        self.tables[title] = rows

    def note(self, text: str) -> None:
        pass


@pytest.mark.slow
@pytest.mark.db
def test_demo_closes_the_loop(settings: Settings) -> None:
    out = _Collect()
    summary = run_demo(settings, out)

    assert len(out.stages) >= 5
    assert summary.tiers["demo"]["cn"] == "filing-and-assessment"
    assert summary.tiers["example-cv-screener"]["eu"] == "high"
    assert summary.assessment["passed"] is True
    assert summary.filing_number and summary.filing_number.startswith("GL-")

    produced = {o["produce_id"] for o in summary.outputs}
    assert len(produced) == 3
    for traced in summary.traces:
        assert traced["produce_id"] in produced, traced
        assert traced["proof_verified"] is True
        assert traced["confidence"] > 0.9

    gw = summary.gateway
    assert len(gw["produce_ids"]) == 3
    assert gw["traced_produce_id"] == gw["produce_ids"][0]
    assert gw["proof_verified"] is True
    assert "403" in gw["while_suspended"] and "suspended" in gw["while_suspended"]

    store = Store.open(settings.db_url)
    try:
        filing = Registry(store).get("demo")
        states = [e.to_state.value for e in Registry(store).events("demo") if e.to_state]
        assert states[-2:] == ["suspended", "approved"]
        assert filing.state.value == "approved"
        ledger = Ledger.open(store, KeyStore.open(settings.keys_dir), settings)
        report_entry = ledger.find_by_sha256(filing.latest_assessment.report_sha256)
        assert report_entry, "the approved assessment's report is in the ledger"
        assert ledger.verify().ok
        # The complaint was traced to the demo filing; each of its steps is a ledger entry.
        from govloop.accounts import Accounts
        from govloop.feedback import Complaints, is_feedback_entry

        complaint = Complaints(store, ledger=ledger).by_receipt(summary.complaint["receipt"])
        assert complaint.filing_id == filing.id and complaint.state.value == "resolved"
        assert [a.action for a in complaint.actions] == ["suspend", "reinstate"]
        indexes = summary.complaint["ledger_indexes"]
        assert len(indexes) == 5 and all(is_feedback_entry(ledger.get(i).entry) for i in indexes)
        provider = Accounts(store).authenticate("demo-provider", "provider-demo-2026")
        assert provider.provider == filing.provider_code
        assert set(summary.accounts) == {u.username for u in Accounts(store).list_users()}
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.db
def test_demo_cli_json_and_rerun(cli, settings: Settings) -> None:
    app = build_app()
    first = cli.invoke(app, ["demo", "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert data["assessment"]["passed"] is True
    again = cli.invoke(app, ["demo", "--json"])
    assert again.exit_code == 0, again.output
    second = json.loads(again.output)
    assert second["filings"] == data["filings"], "a rerun reuses the registered filings"
