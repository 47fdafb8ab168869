"""Realistic filings classified under cn, eu and nist: the tiers and duties a reviewer expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from govloop.classify import classify
from govloop.registry import example_filings, load_filing

REALISTIC = Path(__file__).resolve().parents[1] / "assets" / "filings" / "realistic"

# file: (cn, eu, nist tiers, {obligation: regimes requiring it}, designations, absent duties)
CASES = {
    "cn-public-chatbot.yaml": (
        "filing-and-assessment",
        "out-of-scope",
        "elevated",
        {
            "regulator-filing": ["cn"],
            "security-assessment": ["cn"],
            "explicit-labeling": ["cn"],
            "machine-readable-marking": ["cn", "nist"],
            "log-retention-6-months": ["cn"],
            "complaint-mechanism": ["cn", "nist"],
            "minors-protection": ["cn"],
            "adversarial-testing": ["cn", "nist"],
        },
        {"cn": {"genai-service", "deep-synthesis", "public-opinion"}},
        set(),
    ),
    "cn-app-calls-filed-model.yaml": (
        "registration",
        "out-of-scope",
        "elevated",
        {
            "regulator-filing": ["cn"],
            "display-filing-number": ["cn"],
            "value-chain-due-diligence": ["cn", "nist"],
        },
        {"cn": {"filed-model-app"}},
        {"security-assessment"},
    ),
    "eu-cv-screening.yaml": (
        "out-of-scope",
        "high",
        "high",
        {
            "risk-management": ["eu", "nist"],
            "human-oversight": ["eu", "nist"],
            "regulator-filing": ["eu"],
            "log-retention-6-months": ["eu"],
            "bias-mitigation": ["eu", "nist"],
            "security-assessment": ["eu"],
        },
        {"eu": {"high-risk-annex-iii"}},
        set(),
    ),
    "gpai-3e25.json": (
        "baseline",
        "limited",
        "high",
        {
            "systemic-risk-notification": ["eu"],
            "adversarial-testing": ["eu", "nist"],
            "technical-documentation": ["eu"],
            "training-data-summary": ["eu"],
            "copyright-policy": ["cn", "eu", "nist"],
            "authorised-representative": ["eu"],
            "machine-readable-marking": ["cn", "eu", "nist"],
            "cbrn-safeguards": ["nist"],
            "environmental-reporting": ["eu", "nist"],
        },
        {"eu": {"gpai", "gpai-systemic-risk"}, "nist": {"cbrn", "environmental"}},
        {"regulator-filing"},
    ),
    "internal-code-assistant.yaml": (
        "out-of-scope",
        "minimal",
        "baseline",
        {"ai-literacy": ["eu", "nist"], "model-evaluation": ["nist"], "cybersecurity": ["nist"]},
        {"nist": {"confabulation", "information-security"}},
        {
            "regulator-filing",
            "machine-readable-marking",
            "explicit-labeling",
            "complaint-mechanism",
        },
    ),
    "image-generator-cn-eu.yaml": (
        "filing-and-assessment",
        "limited",
        "elevated",
        {
            "machine-readable-marking": ["cn", "eu", "nist"],
            "explicit-labeling": ["cn", "eu"],
            "regulator-filing": ["cn"],
            "content-moderation": ["cn", "nist"],
        },
        {"nist": {"obscene-content", "information-integrity", "intellectual-property"}},
        set(),
    ),
    "medical-advice-assistant.yaml": (
        "baseline",
        "high",
        "high",
        {
            "model-evaluation": ["cn", "nist"],
            "human-oversight": ["cn", "nist"],
            "security-assessment": ["eu"],
            "ai-interaction-disclosure": ["cn", "eu", "nist"],
        },
        {"cn": {"high-security-service-type"}, "eu": {"high-risk-annex-i"}},
        {"regulator-filing"},
    ),
    "open-source-small-gpai.yaml": (
        "out-of-scope",
        "limited",
        "baseline",
        {"copyright-policy": ["eu", "nist"], "training-data-summary": ["eu"]},
        {"eu": {"gpai"}},
        {
            "technical-documentation",
            "downstream-information",
            "systemic-risk-notification",
            "authorised-representative",
        },
    ),
    "cn-voice-cloning.yaml": (
        "filing-and-assessment",
        "out-of-scope",
        "elevated",
        {
            "explicit-labeling": ["cn"],
            "real-name-verification": ["cn"],
            "machine-readable-marking": ["cn", "nist"],
        },
        {"cn": {"deep-synthesis", "conspicuous-label-service"}},
        set(),
    ),
    "eu-credit-scoring.yaml": (
        "out-of-scope",
        "high",
        "high",
        {"fundamental-rights-impact-assessment": ["eu", "nist"], "quality-management": ["eu"]},
        {"eu": {"high-risk-annex-iii"}},
        {"authorised-representative"},
    ),
    "eu-essay-feedback-derogation.yaml": (
        "out-of-scope",
        "limited",
        "high",
        {
            "technical-documentation": ["eu"],
            "regulator-filing": ["eu"],
            "machine-readable-marking": ["eu"],
        },
        {"eu": {"annex-iii-derogated"}},
        {"quality-management", "log-retention-6-months"},
    ),
    "eu-workplace-emotion.yaml": (
        "out-of-scope",
        "prohibited",
        "high",
        {"prohibited-practice-cessation": ["eu"], "ai-interaction-disclosure": ["eu"]},
        {},
        set(),
    ),
    "us-marketing-copy.yaml": (
        "out-of-scope",
        "out-of-scope",
        "baseline",
        {"value-chain-due-diligence": ["nist"], "model-evaluation": ["nist"]},
        {"nist": {"value-chain", "confabulation"}},
        {"regulator-filing", "machine-readable-marking"},
    ),
}


def test_every_realistic_filing_has_expectations() -> None:
    assert sorted(CASES) == sorted(p.name for p in REALISTIC.iterdir())
    assert len(CASES) >= 10


@pytest.mark.parametrize("name", sorted(CASES))
def test_realistic_filing_tiers_and_obligations(name: str) -> None:
    cn, eu, nist, duties, designations, absent = CASES[name]
    profile = classify(load_filing(REALISTIC / name))
    assert (profile.tier("cn"), profile.tier("eu"), profile.tier("nist")) == (cn, eu, nist)
    for duty, regimes in duties.items():
        ob = profile.obligation(duty)
        assert ob is not None, f"{duty} missing"
        assert sorted(ob.regimes) == sorted(regimes), duty
        for src in ob.sources:
            assert src.text and src.source and src.rule_id
    for duty in absent:
        assert profile.obligation(duty) is None, f"{duty} should not apply"
    for regime, expected in designations.items():
        assert expected <= {d.id for d in profile.result(regime).designations}


def test_the_rule_that_set_each_tier_is_reported() -> None:
    profile = classify(load_filing(REALISTIC / "eu-cv-screening.yaml"))
    eu = profile.result("eu")
    assert eu.tier_rules == ["eu-annex-iii-high-risk"]
    fired = {f.rule_id: f for f in eu.fired}
    assert "Annex III" in fired["eu-annex-iii-high-risk"].source
    assert profile.result("cn").tier_rules == []  # default tier: no rule fired


def test_nist_lists_risks_and_rmf_functions() -> None:
    nist = classify(load_filing(REALISTIC / "image-generator-cn-eu.yaml")).result("nist")
    assert set(nist.functions) == {"GOVERN", "MAP", "MEASURE", "MANAGE"}
    names = {d.name for d in nist.designations}
    assert "Obscene, Degrading, and/or Abusive Content" in names


def test_shipped_examples_classify() -> None:
    paths = example_filings()
    assert {p.name for p in paths} >= {"demo-chat.yaml", "demo-image.yaml"}
    for p in paths:
        assert classify(load_filing(p)).regimes
