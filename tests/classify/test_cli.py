from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govloop.cli.main import build_app

REALISTIC = Path(__file__).resolve().parents[1] / "assets" / "filings" / "realistic"
APP = build_app()


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rich wraps at the terminal width; a wide one keeps each diagnosis on one line.
    monkeypatch.setenv("COLUMNS", "400")


EXTRA = """\
regime: sandbox
name: Sandbox
version: "1"
tiers: [low, high]
default_tier: low
rules:
  - id: sb-cn
    title: Offered in China
    when: "'CN' in deployment_regions"
    tier: high
    text: Offered in China.
    source: Sandbox §1
    obligations:
      - {id: complaint-mechanism, text: Sandbox hotline.}
"""


@pytest.mark.db
def test_classify_stored_filing(cli: CliRunner, home: Path, db_url: str, tmp_path: Path) -> None:
    assert (
        cli.invoke(
            APP, ["model", "register", str(REALISTIC / "image-generator-cn-eu.yaml")]
        ).exit_code
        == 0
    )
    result = cli.invoke(APP, ["classify", "huajing-image"])
    assert result.exit_code == 0, result.output
    assert "filing-and-assessment" in result.output and "Obligations" in result.output

    extra = tmp_path / "sandbox.yaml"
    extra.write_text(EXTRA, encoding="utf-8")
    result = cli.invoke(APP, ["classify", "huajing-image", "--regime", str(extra), "--json"])
    data = json.loads(result.output)
    assert {r["regime"]: r["tier"] for r in data["regimes"]}["sandbox"] == "high"
    complaint = next(o for o in data["obligations"] if o["id"] == "complaint-mechanism")
    assert "sandbox" in complaint["regimes"] and "cn" in complaint["regimes"]

    (home / "regimes").mkdir()
    (home / "regimes" / "sandbox.yaml").write_text(EXTRA, encoding="utf-8")
    result = cli.invoke(APP, ["classify", "huajing-image", "--json"])
    assert "sandbox" in {r["regime"] for r in json.loads(result.output)["regimes"]}
    shown = json.loads(cli.invoke(APP, ["model", "show", "huajing-image", "--json"]).output)
    assert "sandbox" in {r["regime"] for r in shown["risk_profile"]["regimes"]}
    listed = json.loads(cli.invoke(APP, ["regime", "list", "--json"]).output)
    assert [r["regime"] for r in listed] == ["cn", "eu", "nist", "sandbox"]


def test_classify_file_without_registering(cli: CliRunner) -> None:
    result = cli.invoke(APP, ["classify", str(REALISTIC / "eu-cv-screening.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["regimes"][1]["tier"] == "high"


def test_regime_validate(cli: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(EXTRA, encoding="utf-8")
    result = cli.invoke(APP, ["regime", "validate", str(good)])
    assert result.exit_code == 0 and "ok" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXTRA.replace("deployment_regions", "deployment_region"), encoding="utf-8")
    result = cli.invoke(APP, ["regime", "validate", str(bad)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "bad.yaml:9: field rules[0].when: unknown attribute 'deployment_region'" in lines[0]
    schema = json.loads(cli.invoke(APP, ["regime", "schema"]).output)
    assert "rules" in schema["properties"]
