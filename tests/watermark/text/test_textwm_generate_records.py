"""`govloop generate` records its output, so trace finds it with a verified proof."""

import json
from pathlib import Path

import pytest

from govloop.cli.main import build_app


@pytest.mark.db
def test_generate_records_and_trace_finds_it(cli, tmp_path: Path) -> None:
    app = build_app()
    out = tmp_path / "answer.txt"
    # 600 tokens, not the default 300: at 300 about 3 texts in 100 have one of the 12 payload
    # digits misread (the mark itself is found, p < 1e-40), and trace's one-digit correction
    # recovers only some of those; at 600 none of 200 trials misread a digit.
    made = cli.invoke(
        app,
        ["generate", "-p", "讲讲江南的雨", "-o", str(out), "--seed", "3", "--max-tokens", "600"]
        + ["--json"],
    )
    assert made.exit_code == 0, made.output
    info = json.loads(made.output)
    assert info["ledger_index"] == 0
    traced = cli.invoke(app, ["trace", str(out), "--json"])
    assert traced.exit_code == 0, traced.output
    best = json.loads(traced.output)["candidates"][0]
    assert best["entry"]["produce_id"] == info["produce_id"]
    assert best["proof_verified"] is True
    assert {e["source"] for e in best["evidence"]} >= {"digest", "watermark"}


def test_generate_no_record_leaves_ledger_empty(cli, tmp_path: Path) -> None:
    app = build_app()
    out = tmp_path / "a.txt"
    made = cli.invoke(app, ["generate", "-p", "hello", "-o", str(out), "--no-record", "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["ledger_index"] is None
