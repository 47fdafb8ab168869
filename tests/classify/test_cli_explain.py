"""``govloop classify FILE --explain``: the reasoning per regime in en, zh, zh-en and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govloop.cli.main import build_app

APP = build_app()

#: The issue's filing: exam proctoring that reports students' emotions, deployed in the EU.
EXAM = """\
provider:
  name: 示例教育科技有限公司
  code: 001191320594MA1YX7NU2P1EM01
  role: service-provider
model_name: exam-mood
versions:
  - {version: "1.0", date: 2025-02-14}
functions: [video, text]
service_forms: [web]
audience: business
domain: general
public_opinion_attributes: false
social_mobilisation: false
deployment_regions: [EU]
eu:
  emotion_recognition: true
  annex_iii_area: education
"""


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")


@pytest.fixture
def exam(tmp_path: Path) -> Path:
    path = tmp_path / "exam.yaml"
    path.write_text(EXAM, encoding="utf-8")
    return path


def test_explain_in_english(cli: CliRunner, exam: Path) -> None:
    result = cli.invoke(APP, ["classify", str(exam), "--explain", "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "eu — EU AI Act (Regulation (EU) 2024/1689): tier prohibited" in out
    assert (
        "• eu-art5-1-f  Emotion recognition in the workplace or education → prohibited "
        "(AI Act Art. 5(1)(f))"
    ) in out
    assert "Findings (contradictions, not resolved):" in out
    assert "! eu-contra-undeclared-5-1-f" in out
    # CN fires nothing: the default tier, with every fact it checked.
    cn = out.split("\ncn — ", 1)[1].split("\neu — ", 1)[0]
    assert "No rule gave a tier: the default tier out-of-scope applies. Facts checked:" in cn
    assert 'deployment_regions = ["EU"]' in cn and 'audience = "business"' in cn
    assert 'add "CN" to deployment_regions (now ["EU"])' in cn
    # A near-miss names the field and the value.
    assert "set eu.social_scoring to true (now false)" in out
    assert "触发" not in out


def test_explain_in_chinese(cli: CliRunner, exam: Path) -> None:
    result = cli.invoke(APP, ["classify", str(exam), "--explain", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "等级 prohibited" in out and "触发的规则：" in out
    assert "工作场所或教育机构中的情绪识别 → prohibited (AI Act Art. 5(1)(f))" in out
    assert "出于医疗或安全原因的除外" in out
    assert "没有规则给出等级：适用默认等级 out-of-scope。检查过的事实：" in out
    assert '在 deployment_regions 中加入 "CN"（当前 ["EU"]）' in out
    assert "Rules that fired" not in out


def test_explain_bilingual_by_default(cli: CliRunner, exam: Path) -> None:
    result = cli.invoke(APP, ["classify", str(exam), "--explain"])
    assert result.exit_code == 0, result.output
    assert "触发的规则： / Rules that fired:" in result.output


def test_explain_json(cli: CliRunner, exam: Path) -> None:
    result = cli.invoke(APP, ["classify", str(exam), "--explain", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    regimes = {r["regime"]: r for r in data["regimes"]}
    eu = regimes["eu"]
    assert eu["tier"] == "prohibited" and eu["default_tier"] is False
    f = next(r for r in eu["fired"] if r["rule_id"] == "eu-art5-1-f")
    assert f["source"] == "AI Act Art. 5(1)(f)" and f["title_zh"]
    assert [g["rule_id"] for g in eu["findings"]] == ["eu-contra-undeclared-5-1-f"]
    miss = next(m for m in eu["near_misses"] if m["rule_id"] == "eu-art5-1-c")
    assert miss == {
        "rule_id": "eu-art5-1-c",
        "title": "Social scoring",
        "title_zh": "社会评分",
        "tier": "prohibited",
        "source": "AI Act Art. 5(1)(c)",
        "field": "eu.social_scoring",
        "change": "set",
        "current": False,
        "values": [True],
    }
    cn = regimes["cn"]
    assert cn["default_tier"] is True and cn["fired"] == []
    assert {"field": "deployment_regions", "value": ["EU"]} in cn["checked"]


def test_plain_classify_shows_findings(cli: CliRunner, exam: Path) -> None:
    result = cli.invoke(APP, ["classify", str(exam)])
    assert result.exit_code == 0, result.output
    assert "Findings (contradictions)" in result.output
    assert "eu-contra-undeclared-5-1-f" in result.output
    data = json.loads(cli.invoke(APP, ["classify", str(exam), "--json"]).output)
    eu = next(r for r in data["regimes"] if r["regime"] == "eu")
    assert eu["tier"] == "prohibited" and eu["tier_rules"] == ["eu-art5-1-f"]


def test_bad_lang_is_an_error_naming_the_option(cli: CliRunner, exam: Path) -> None:
    result = cli.invoke(APP, ["classify", str(exam), "--explain", "--lang", "fr"])
    assert result.exit_code == 1
    assert "--lang 'fr': use zh, en or zh-en" in result.output
    assert "Traceback" not in result.output
