"""EU tiers derived from the facts a filing states (AI Act Art. 5, Annex III), with reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from govloop.classify import classify, explain, load_regime, parse_regime
from govloop.errors import FilingError, RegimeError
from govloop.registry import FilingCreate, SourceDocument, example_filings, load_filing

REALISTIC = Path(__file__).resolve().parents[1] / "assets" / "filings" / "realistic"


def filing(eu: dict[str, Any] | None = None, **top: Any) -> FilingCreate:
    """A minimal service deployed in the EU (no EU answers unless given)."""
    data: dict[str, Any] = {
        "provider": {
            "name": "示例教育科技有限公司",
            "code": "001191320594MA1YX7NU2P1EM01",
            "role": "service-provider",
        },
        "model_name": "exam-mood",
        "versions": [{"version": "1.0", "date": "2025-02-14"}],
        "functions": ["video", "text"],
        "service_forms": ["web"],
        "audience": "business",
        "domain": "general",
        "public_opinion_attributes": False,
        "social_mobilisation": False,
        "deployment_regions": ["EU"],
        "eu": eu or {},
    }
    data.update(top)
    return FilingCreate.model_validate(data)


#: The issue's case: webcams watch students' faces during exams and report their emotions.
EXAM = {"emotion_recognition": True, "annex_iii_area": "education"}


def test_the_issue_case_is_prohibited_under_art_5_1_f() -> None:
    profile = classify(filing(EXAM))
    eu = profile.result("eu")
    assert eu.tier == "prohibited"
    assert eu.tier_rules == ["eu-art5-1-f"]
    fired = {f.rule_id: f for f in eu.fired}
    assert fired["eu-art5-1-f"].source == "AI Act Art. 5(1)(f)"
    assert "eu.emotion_recognition" in fired["eu-art5-1-f"].fields
    # The provider listed no prohibited practice: that is reported, not silently resolved.
    (finding,) = eu.findings
    assert finding.rule_id == "eu-contra-undeclared-5-1-f"
    assert finding.source == "AI Act Art. 5(1)(f)" and "eu.prohibited_practices" in finding.fields
    assert profile.obligation("prohibited-practice-cessation") is not None


ART5 = {
    "eu-art5-1-c": ({"social_scoring": True}, "AI Act Art. 5(1)(c)"),
    "eu-art5-1-d": ({"crime_risk_prediction": "profiling-only"}, "AI Act Art. 5(1)(d)"),
    "eu-art5-1-e": ({"untargeted_facial_scraping": True}, "AI Act Art. 5(1)(e)"),
    "eu-art5-1-f": (
        {"emotion_recognition": True, "use_contexts": ["workplace"]},
        "AI Act Art. 5(1)(f)",
    ),
    "eu-art5-1-g": (
        {"biometric_categorisation": True, "biometric_inferred_traits": ["sexual-orientation"]},
        "AI Act Art. 5(1)(g)",
    ),
    "eu-art5-1-h": (
        {
            "remote_biometric_identification": "real-time",
            "use_contexts": ["publicly-accessible-spaces", "law-enforcement"],
        },
        "AI Act Art. 5(1)(h)",
    ),
}


@pytest.mark.parametrize("rule_id", sorted(ART5))
def test_each_art5_practice_follows_from_the_facts(rule_id: str) -> None:
    facts, article = ART5[rule_id]
    eu = classify(filing(facts)).result("eu")
    assert eu.tier == "prohibited"
    assert rule_id in eu.tier_rules
    assert next(f for f in eu.fired if f.rule_id == rule_id).source == article
    undeclared = {g.rule_id: g.source for g in eu.findings}
    assert undeclared == {"eu-contra-undeclared-" + rule_id.removeprefix("eu-art"): article}


@pytest.mark.parametrize("rule_id", sorted(ART5))
def test_declaring_the_practice_too_leaves_no_undeclared_finding(rule_id: str) -> None:
    practice = {
        "eu-art5-1-c": "social-scoring",
        "eu-art5-1-d": "predictive-policing-profiling",
        "eu-art5-1-e": "facial-image-scraping",
        "eu-art5-1-f": "emotion-recognition-work-education",
        "eu-art5-1-g": "biometric-categorisation-sensitive",
        "eu-art5-1-h": "realtime-remote-biometric-identification",
    }[rule_id]
    facts, _ = ART5[rule_id]
    eu = classify(filing({**facts, "prohibited_practices": [practice]})).result("eu")
    assert eu.tier == "prohibited" and rule_id in eu.tier_rules
    assert eu.findings == []


@pytest.mark.parametrize("rule_id", sorted(ART5))
def test_the_facts_only_count_where_the_act_applies(rule_id: str) -> None:
    facts, _ = ART5[rule_id]
    assert classify(filing(facts, deployment_regions=["CN"])).tier("eu") == "out-of-scope"


def test_emotion_recognition_at_work_through_the_employment_area() -> None:
    eu = classify(filing({"emotion_recognition": True, "annex_iii_area": "employment"})).result(
        "eu"
    )
    assert eu.tier_rules == ["eu-art5-1-f"]


@pytest.mark.parametrize("reason", ["medical", "safety"])
def test_medical_or_safety_reason_lifts_the_ban_but_not_annex_iii(reason: str) -> None:
    doc = filing({**EXAM, "emotion_recognition_exception": reason})
    eu = classify(doc).result("eu")
    assert eu.tier == "high"
    assert "eu-art5-1-f" not in {f.rule_id for f in eu.fired}
    assert eu.tier_rules == ["eu-annex-iii-high-risk"]
    assert eu.findings == []
    # The near-miss says what would make it prohibited again: the exception field, to 'none'.
    misses = explain(doc).regimes[1].near_misses
    miss = next(m for m in misses if m.rule_id == "eu-art5-1-f")
    assert (miss.field, miss.change, miss.current, miss.values) == (
        "eu.emotion_recognition_exception",
        "set",
        reason,
        ["none"],
    )


def test_emotion_recognition_alone_is_annex_iii_biometrics_and_a_near_miss() -> None:
    doc = filing({"emotion_recognition": True})
    eu = classify(doc).result("eu")
    assert eu.tier == "high" and eu.tier_rules == ["eu-annex-iii-high-risk"]
    misses = {(m.rule_id, m.field): m for m in explain(doc).result("eu").near_misses}
    area = misses[("eu-art5-1-f", "eu.annex_iii_area")]
    assert area.change == "set" and sorted(area.values) == ["education", "employment"]
    contexts = misses[("eu-art5-1-f", "eu.use_contexts")]
    assert contexts.change == "add" and sorted(contexts.values) == ["education", "workplace"]
    assert contexts.current == []


def test_real_time_identification_under_an_exception_is_high_with_its_conditions() -> None:
    facts = {**ART5["eu-art5-1-h"][0], "rbi_exception": "victim-search"}
    doc = filing(facts)
    profile = classify(doc)
    eu = profile.result("eu")
    assert eu.tier == "high"
    assert "eu-art5-1-h-exception" in eu.tier_rules
    assert (
        "Art. 5(2)-(5)" in next(f for f in eu.fired if f.rule_id == "eu-art5-1-h-exception").source
    )
    fria = profile.obligation("fundamental-rights-impact-assessment")
    assert fria is not None and "eu-art5-1-h-exception" in {s.rule_id for s in fria.sources}
    miss = next(m for m in explain(doc).result("eu").near_misses if m.rule_id == "eu-art5-1-h")
    assert miss.field == "eu.rbi_exception" and miss.values == ["none"]


def test_post_remote_identification_is_not_the_art5_ban() -> None:
    facts = {**ART5["eu-art5-1-h"][0], "remote_biometric_identification": "post"}
    eu = classify(filing(facts)).result("eu")
    assert eu.tier == "high" and eu.tier_rules == ["eu-annex-iii-high-risk"]


def test_crime_prediction_supporting_a_human_assessment_is_not_prohibited() -> None:
    eu = classify(filing({"crime_risk_prediction": "supports-human-assessment"})).result("eu")
    assert eu.tier != "prohibited"


def test_cn_out_of_scope_lists_the_facts_it_checked() -> None:
    cn = explain(filing(EXAM)).regimes[0]
    assert (cn.regime, cn.tier, cn.default_tier, cn.fired) == ("cn", "out-of-scope", True, [])
    checked = {c.field: c.value for c in cn.checked}
    assert checked["deployment_regions"] == ["EU"]
    assert checked["audience"] == "business"
    assert checked["public_opinion_attributes"] is False
    miss = next(m for m in cn.near_misses if m.rule_id == "cn-genai-service")
    assert (miss.field, miss.change, miss.values) == ("deployment_regions", "add", ["CN"])


def test_numbers_near_a_threshold_are_near_misses() -> None:
    doc = filing({"is_gpai": True}, training_compute_flop=2e24)
    miss = next(
        m for m in explain(doc).result("eu").near_misses if m.rule_id == "eu-gpai-systemic-risk"
    )
    assert miss.field == "training_compute_flop" and miss.values[0] > 1e25


CONTRADICTIONS = {
    "eu-contra-derogation-profiling": (
        {
            "annex_iii_area": "employment",
            "art_6_3_derogation": "preparatory-task",
            "profiling": True,
        },
        "AI Act Art. 6(3), last subparagraph",
    ),
    "eu-contra-derogation-without-area": (
        {"art_6_3_derogation": "narrow-procedural-task"},
        "AI Act Art. 6(3)",
    ),
    "eu-contra-emotion-declared": (
        {"prohibited_practices": ["emotion-recognition-work-education"]},
        "AI Act Art. 5(1)(f)",
    ),
    "eu-contra-traits-without-categorisation": (
        {
            "biometric_inferred_traits": ["race"],
            "prohibited_practices": ["biometric-categorisation-sensitive"],
        },
        "AI Act Art. 5(1)(g), Art. 50(3)",
    ),
    "eu-contra-emotion-exception": (
        {"emotion_recognition_exception": "medical"},
        "AI Act Art. 5(1)(f)",
    ),
    "eu-contra-rbi-exception": ({"rbi_exception": "imminent-threat"}, "AI Act Art. 5(1)(h)"),
}


def test_deep_fakes_need_image_audio_or_video() -> None:
    text_only = classify(filing({"deep_fakes": True}, functions=["text"])).result("eu")
    assert [g.rule_id for g in text_only.findings] == ["eu-contra-deep-fakes-without-media"]
    assert text_only.findings[0].source == "AI Act Art. 3(60), Art. 50(4)"
    assert text_only.findings[0].fields == ["eu.deep_fakes", "functions"]  # not derived.*
    assert classify(filing({"deep_fakes": True})).result("eu").findings == []


@pytest.mark.parametrize("rule_id", sorted(CONTRADICTIONS))
def test_contradictions_are_findings_with_the_article(rule_id: str) -> None:
    facts, article = CONTRADICTIONS[rule_id]
    eu = classify(filing(facts)).result("eu")
    found = {g.rule_id: g for g in eu.findings}
    assert set(found) == {rule_id}
    assert found[rule_id].kind == "contradiction" and found[rule_id].source == article
    assert found[rule_id].fields and found[rule_id].title_zh
    # A contradiction rule never gives a tier or appears among the fired rules.
    assert rule_id not in {f.rule_id for f in eu.fired}


def test_derogation_with_profiling_stays_high() -> None:
    facts, _ = CONTRADICTIONS["eu-contra-derogation-profiling"]
    assert classify(filing(facts)).tier("eu") == "high"


def test_declared_tier_that_the_facts_contradict_is_a_finding() -> None:
    eu = classify(filing({"declared_tier": "minimal", "annex_iii_area": "employment"})).result("eu")
    assert eu.tier == "high" and eu.declared_tier == "minimal"
    (finding,) = eu.findings
    assert finding.kind == "declared-tier" and finding.rule_id == "eu-annex-iii-high-risk"
    assert "Art. 6(2)" in finding.source and finding.fields[0] == "eu.declared_tier"
    assert "'minimal'" in finding.title and "'high'" in finding.title
    agreeing = classify(filing({"declared_tier": "high", "annex_iii_area": "employment"}))
    assert agreeing.result("eu").findings == []


def test_old_filings_carry_no_findings_and_keep_their_tiers() -> None:
    paths = sorted(REALISTIC.iterdir()) + example_filings()
    for path in paths:
        profile = classify(load_filing(path))
        assert all(r.findings == [] for r in profile.regimes), path.name
    assert classify(load_filing(REALISTIC / "eu-workplace-emotion.yaml")).tier("eu") == (
        "prohibited"
    )


def test_bad_fact_values_name_the_field(tmp_path: Path) -> None:
    text = (REALISTIC / "eu-workplace-emotion.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text + "  use_contexts: [school]\n", encoding="utf-8")
    with pytest.raises(FilingError, match=r"bad.yaml:\d+: field eu\.use_contexts\[0\]"):
        load_filing(bad)
    bad.write_text(text + "  biometric_inferred_traits: [race, race]\n", encoding="utf-8")
    with pytest.raises(FilingError, match="eu.biometric_inferred_traits.*listed twice"):
        load_filing(bad)


_SANDBOX = """\
regime: sandbox
name: Sandbox
version: "1"
tiers: [low, high]
default_tier: low
rules:
  - id: sb-contra
    kind: contradiction
    title: Says no EU but names an EU area
    when: "exists eu.annex_iii_area"
    tier: high
    text: Cannot be both.
    source: Sandbox §1
"""


def test_a_contradiction_rule_cannot_give_a_tier(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.yaml"
    path.write_text(_SANDBOX, encoding="utf-8")
    with pytest.raises(RegimeError, match=r"rules\[0\]\.kind: a contradiction rule"):
        load_regime(path)


def test_declared_tier_must_name_an_attribute() -> None:
    data = {
        "regime": "sandbox",
        "name": "Sandbox",
        "version": "1",
        "tiers": ["low"],
        "default_tier": "low",
        "declared_tier": "eu.declared_tiers",
        "rules": [{"id": "r", "title": "t", "when": True, "text": "x", "source": "s"}],
    }
    with pytest.raises(RegimeError, match="declared_tier: unknown attribute 'eu.declared_tiers'"):
        parse_regime(SourceDocument("sandbox.yaml", data, {}))


def test_explain_agrees_with_classify_on_every_shipped_and_realistic_filing() -> None:
    for path in sorted(REALISTIC.iterdir()) + example_filings():
        doc = load_filing(path)
        profile, why = classify(doc), explain(doc)
        for result, reasons in zip(profile.regimes, why.regimes, strict=True):
            assert reasons.tier == result.tier, path.name
            assert [f.rule_id for f in reasons.fired] == [f.rule_id for f in result.fired]
            fired = {f.rule_id for f in reasons.fired}
            for miss in reasons.near_misses:
                assert miss.rule_id not in fired, (path.name, miss.rule_id)
                assert not miss.rule_id.startswith("eu-contra-"), miss.rule_id
                assert miss.values and not miss.field.startswith("derived."), miss
            assert reasons.checked, path.name
