"""Classification cases written from the articles: each names the article it tests.

Every Art. 5(1) practice, every Annex III area with and without an Art. 6(3) derogation,
Art. 50(1)-(4), the GPAI and systemic-risk thresholds, and China's scope, filing and
registration. The service is small on purpose (video and text outputs, business customers) so
that each case changes only the facts its article is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from govloop.classify import classify

from .test_derived import filing


@dataclass(frozen=True)
class Case:
    article: str
    regime: str
    tier: str
    eu: dict[str, Any] = field(default_factory=dict)
    top: dict[str, Any] = field(default_factory=dict)
    fires: frozenset[str] = frozenset()
    not_fires: frozenset[str] = frozenset()
    designations: frozenset[str] = frozenset()


def case(article: str, regime: str, tier: str, **kw: Any) -> Case:
    for key in ("fires", "not_fires", "designations"):
        if key in kw:
            kw[key] = frozenset(kw[key])
    return Case(article, regime, tier, **kw)


RTBI = {
    "remote_biometric_identification": "real-time",
    "use_contexts": ["publicly-accessible-spaces", "law-enforcement"],
}
AREAS = [
    "biometrics",
    "critical-infrastructure",
    "education",
    "employment",
    "essential-services",
    "law-enforcement",
    "migration",
    "justice-democracy",
]
CN_PUBLIC = {"deployment_regions": ["CN"], "audience": "public", "public_opinion_attributes": True}
FILED_BASE = [
    {
        "version": "1.0",
        "date": "2025-02-14",
        "base_model": "qwen-72b",
        "base_model_filed": True,
        "base_model_modified": False,
    }
]

CASES: dict[str, Case] = {
    "art5-1-a-declared": case(
        "AI Act Art. 5(1)(a)",
        "eu",
        "prohibited",
        eu={"prohibited_practices": ["subliminal-manipulation"]},
        fires={"eu-art5-prohibited"},
    ),
    "art5-1-b-declared": case(
        "AI Act Art. 5(1)(b)",
        "eu",
        "prohibited",
        eu={"prohibited_practices": ["exploiting-vulnerabilities"]},
        fires={"eu-art5-prohibited"},
    ),
    "art5-1-c-social-scoring": case(
        "AI Act Art. 5(1)(c)",
        "eu",
        "prohibited",
        eu={"social_scoring": True},
        fires={"eu-art5-1-c"},
    ),
    "art5-1-d-profiling-only": case(
        "AI Act Art. 5(1)(d)",
        "eu",
        "prohibited",
        eu={"crime_risk_prediction": "profiling-only"},
        fires={"eu-art5-1-d"},
    ),
    "art5-1-d-supports-human-assessment": case(
        "AI Act Art. 5(1)(d), exception",
        "eu",
        "limited",
        eu={"crime_risk_prediction": "supports-human-assessment"},
        not_fires={"eu-art5-1-d"},
    ),
    "art5-1-e-untargeted-scraping": case(
        "AI Act Art. 5(1)(e)",
        "eu",
        "prohibited",
        eu={"untargeted_facial_scraping": True},
        fires={"eu-art5-1-e"},
    ),
    "art5-1-f-workplace": case(
        "AI Act Art. 5(1)(f)",
        "eu",
        "prohibited",
        eu={"emotion_recognition": True, "use_contexts": ["workplace"]},
        fires={"eu-art5-1-f"},
    ),
    "art5-1-f-education-area": case(
        "AI Act Art. 5(1)(f)",
        "eu",
        "prohibited",
        eu={"emotion_recognition": True, "annex_iii_area": "education"},
        fires={"eu-art5-1-f"},
    ),
    "art5-1-f-medical": case(
        "AI Act Art. 5(1)(f), medical exception",
        "eu",
        "high",
        eu={
            "emotion_recognition": True,
            "use_contexts": ["workplace"],
            "emotion_recognition_exception": "medical",
        },
        not_fires={"eu-art5-1-f"},
        fires={"eu-annex-iii-high-risk"},
    ),
    "art5-1-f-safety": case(
        "AI Act Art. 5(1)(f), safety exception",
        "eu",
        "high",
        eu={
            "emotion_recognition": True,
            "annex_iii_area": "education",
            "emotion_recognition_exception": "safety",
        },
        not_fires={"eu-art5-1-f"},
    ),
    "art5-1-f-elsewhere": case(
        "AI Act Art. 5(1)(f) (outside work and education), Annex III 1(c)",
        "eu",
        "high",
        eu={"emotion_recognition": True},
        not_fires={"eu-art5-1-f"},
        fires={"eu-art50-3"},
    ),
    "art5-1-g-sensitive-traits": case(
        "AI Act Art. 5(1)(g)",
        "eu",
        "prohibited",
        eu={"biometric_categorisation": True, "biometric_inferred_traits": ["religious-beliefs"]},
        fires={"eu-art5-1-g"},
    ),
    "art5-1-h-real-time-law-enforcement": case(
        "AI Act Art. 5(1)(h)", "eu", "prohibited", eu=RTBI, fires={"eu-art5-1-h"}
    ),
    "art5-1-h-exception": case(
        "AI Act Art. 5(1)(h)(ii), Art. 5(2)-(3)",
        "eu",
        "high",
        eu={**RTBI, "rbi_exception": "imminent-threat"},
        fires={"eu-art5-1-h-exception"},
        not_fires={"eu-art5-1-h"},
    ),
    "art5-1-h-post": case(
        "AI Act Art. 5(1)(h) (real-time only), Annex III 1(a)",
        "eu",
        "high",
        eu={**RTBI, "remote_biometric_identification": "post"},
        not_fires={"eu-art5-1-h"},
    ),
    "art5-1-h-not-law-enforcement": case(
        "AI Act Art. 5(1)(h) (law enforcement only)",
        "eu",
        "high",
        eu={**RTBI, "use_contexts": ["publicly-accessible-spaces"]},
        not_fires={"eu-art5-1-h"},
    ),
    "art6-3-profiling-never-derogates": case(
        "AI Act Art. 6(3), last subparagraph",
        "eu",
        "high",
        eu={
            "annex_iii_area": "employment",
            "art_6_3_derogation": "preparatory-task",
            "profiling": True,
        },
        fires={"eu-annex-iii-high-risk"},
    ),
    "art6-1-annex-i-product": case(
        "AI Act Art. 6(1), Annex I",
        "eu",
        "high",
        eu={"annex_i_product": True},
        designations={"high-risk-annex-i"},
    ),
    "art50-1-interaction": case(
        "AI Act Art. 50(1)",
        "eu",
        "limited",
        eu={"interacts_with_natural_persons": True},
        top={"functions": ["code"]},
        fires={"eu-art50-1"},
    ),
    "art50-1-dialogue": case(
        "AI Act Art. 50(1)", "eu", "limited", top={"functions": ["dialogue"]}, fires={"eu-art50-1"}
    ),
    "art50-2-image": case(
        "AI Act Art. 50(2)", "eu", "limited", top={"functions": ["image"]}, fires={"eu-art50-2"}
    ),
    "art50-2-not-code": case(
        "AI Act Art. 50(2) (code completion read as assistive)",
        "eu",
        "minimal",
        top={"functions": ["code"]},
        not_fires={"eu-art50-2"},
    ),
    "art50-3-biometric-categorisation": case(
        "AI Act Art. 50(3)",
        "eu",
        "limited",
        eu={"biometric_categorisation": True},
        fires={"eu-art50-3"},
    ),
    "art50-4-deep-fakes": case(
        "AI Act Art. 50(4)", "eu", "limited", eu={"deep_fakes": True}, fires={"eu-art50-4"}
    ),
    "art50-4-public-interest-text": case(
        "AI Act Art. 50(4)",
        "eu",
        "limited",
        eu={"public_interest_text": True},
        fires={"eu-art50-4"},
    ),
    "art53-gpai": case(
        "AI Act Art. 53(1)", "eu", "limited", eu={"is_gpai": True}, designations={"gpai"}
    ),
    "art53-2-open-source-exempt": case(
        "AI Act Art. 53(2)",
        "eu",
        "limited",
        eu={"is_gpai": True, "open_source": True},
        top={"training_compute_flop": 1e23},
        fires={"eu-gpai"},
        not_fires={"eu-gpai-documentation"},
    ),
    "art51-2-above-1e25": case(
        "AI Act Art. 51(2)",
        "eu",
        "limited",
        eu={"is_gpai": True},
        top={"training_compute_flop": 3e25},
        designations={"gpai-systemic-risk"},
    ),
    "art51-2-exactly-1e25": case(
        "AI Act Art. 51(2) (greater than 10^25)",
        "eu",
        "limited",
        eu={"is_gpai": True},
        top={"training_compute_flop": 1e25},
        not_fires={"eu-gpai-systemic-risk"},
    ),
    "art51-1-b-designated": case(
        "AI Act Art. 51(1)(b)",
        "eu",
        "limited",
        eu={"is_gpai": True, "systemic_risk_designated": True},
        fires={"eu-gpai-systemic-risk"},
    ),
    "art2-eu-not-deployed": case(
        "AI Act Art. 2",
        "eu",
        "out-of-scope",
        eu={"social_scoring": True},
        top={"deployment_regions": ["US"]},
    ),
    "cn-art2-not-in-china": case("Interim Measures Art. 2", "cn", "out-of-scope"),
    "cn-art2-internal": case(
        "Interim Measures Art. 2", "cn", "out-of-scope", top={**CN_PUBLIC, "audience": "internal"}
    ),
    "cn-art17-filing": case(
        "Interim Measures Art. 17",
        "cn",
        "filing-and-assessment",
        top=CN_PUBLIC,
        fires={"cn-filing-and-assessment"},
    ),
    "cn-registration": case(
        "CAC registration practice (登记)",
        "cn",
        "registration",
        top={**CN_PUBLIC, "versions": FILED_BASE},
        fires={"cn-registration"},
        not_fires={"cn-filing-and-assessment"},
    ),
    "cn-baseline-no-public-opinion": case(
        "Interim Measures Art. 2, Art. 17",
        "cn",
        "baseline",
        top={**CN_PUBLIC, "public_opinion_attributes": False},
        not_fires={"cn-filing-and-assessment"},
    ),
}
for _area in AREAS:
    CASES[f"annex-iii-{_area}"] = case(
        "AI Act Art. 6(2), Annex III",
        "eu",
        "high",
        eu={"annex_iii_area": _area},
        designations={"high-risk-annex-iii"},
    )
    CASES[f"annex-iii-{_area}-derogation"] = case(
        "AI Act Art. 6(3)",
        "eu",
        "limited",
        eu={"annex_iii_area": _area, "art_6_3_derogation": "narrow-procedural-task"},
        designations={"annex-iii-derogated"},
        not_fires={"eu-annex-iii-high-risk"},
    )


def test_there_are_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str) -> None:
    c = CASES[name]
    result = classify(filing(c.eu, **c.top)).result(c.regime)
    fired = {f.rule_id for f in result.fired}
    assert result.tier == c.tier, (c.article, result.tier_rules)
    assert c.fires <= fired, (c.article, fired)
    assert not (c.not_fires & fired), (c.article, fired)
    assert c.designations <= {d.id for d in result.designations}, c.article
