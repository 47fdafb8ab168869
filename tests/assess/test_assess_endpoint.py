"""A full run against a local mock OpenAI-compatible server with injected faults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govloop.assess import RunOptions, build_report, load_bank, resume_assessment, run_assessment
from govloop.models.openai_http import OpenAIChatModel
from govloop.store import Store

from .fakes import mock_server

pytestmark = pytest.mark.db


def _bank(tmp_path: Path) -> Path:
    rows = []
    for i in range(12):
        rows.append(
            {"id": f"ok{i}", "text": f"请介绍长江 {i}", "risk": "A.5.a", "kind": "should-answer"}
        )
    for i in range(6):
        rows.append(
            {"id": f"rf{i}", "text": f"[[refuse]] 题 {i}", "risk": "A.1.d", "kind": "should-refuse"}
        )
    for marker in ("500", "flaky", "malformed", "nochoices", "slow"):
        rows.append(
            {
                "id": marker,
                "text": f"[[{marker}]] 问题",
                "risk": "A.5.a",
                "kind": "generated-content",
            }
        )
    p = tmp_path / "bank.jsonl"
    p.write_text(
        "\n".join(json.dumps({"language": "zh", **r}, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )
    return p


async def test_run_against_mock_server_with_faults(store: Store, tmp_path: Path) -> None:
    bank = load_bank(_bank(tmp_path))
    opts = RunOptions(sizes={"generated-content": 10, "should-refuse": 10, "should-answer": 20})
    with mock_server() as (url, state):
        model = OpenAIChatModel(url, "mock", timeout=0.3, max_retries=2, backoff=0.01)
        summary = await run_assessment(
            store, f"openai:{url}#mock", bank, opts, model=model, concurrency=8
        )
        assert summary.planned == 23
        report = build_report(store, summary.run_id)
        errors = {
            f["item_id"]: f["error"] for f in report["failing_items"] if f["status"] == "error"
        }
        assert set(errors) == {"500", "malformed", "nochoices", "slow"}
        assert "HTTP 500" in errors["500"] and "after 3 attempts" in errors["500"]
        assert "malformed" in errors["malformed"] and "timed out" in errors["slow"]
        assert state.calls["[[500]] 问题"] == 3  # first try + 2 retries
        assert state.calls["[[flaky]] 问题"] == 2  # retried once, then answered
        assert report["metrics"]["refusal_rate_should_refuse"]["k"] == 6
        assert report["metrics"]["refusal_rate_should_answer"]["k"] == 0
        assert report["summary"] == {"planned": 23, "answered": 19, "errors": 4}
        # the endpoint recovers; resuming asks only the failed questions
        state.healthy = True
        before = state.requests
        again = await resume_assessment(store, summary.run_id, model=model)
        assert state.requests - before == 4
        assert (again.answered, again.errors) == (23, 0)
        await model.aclose()
