"""Risk classification under several regimes at once; regimes are YAML rule files (data).

Typical use::

    from govloop.classify import classify, load_regimes

    profile = classify(filing, load_regimes(home=settings.home))
    profile.tier("eu"), profile.obligation("machine-readable-marking")
"""

from govloop.classify._attributes import (
    Attribute,
    attribute_catalog,
    display_field,
    filing_context,
)
from govloop.classify._explain import (
    CheckedFact,
    Explanation,
    NearMiss,
    RegimeExplanation,
    explain,
)
from govloop.classify._expr import ExprError, evaluate, parse_condition, parse_expression
from govloop.classify._profile import (
    CrosswalkObligation,
    Designation,
    Finding,
    FiredRule,
    ObligationSource,
    RegimeResult,
    RiskProfile,
    classify,
    filing_classifier,
)
from govloop.classify._regime import (
    Regime,
    RegimeSpec,
    Rule,
    VocabularyEntry,
    crosswalk_vocabulary,
    load_regime,
    load_regimes,
    parse_regime,
    shipped_regime_paths,
    shipped_regimes,
)

__all__ = [
    "Attribute",
    "CheckedFact",
    "CrosswalkObligation",
    "Designation",
    "Explanation",
    "ExprError",
    "Finding",
    "FiredRule",
    "NearMiss",
    "ObligationSource",
    "Regime",
    "RegimeExplanation",
    "RegimeResult",
    "RegimeSpec",
    "RiskProfile",
    "Rule",
    "VocabularyEntry",
    "attribute_catalog",
    "classify",
    "crosswalk_vocabulary",
    "display_field",
    "evaluate",
    "explain",
    "filing_classifier",
    "filing_context",
    "load_regime",
    "load_regimes",
    "parse_condition",
    "parse_expression",
    "parse_regime",
    "shipped_regime_paths",
    "shipped_regimes",
]
