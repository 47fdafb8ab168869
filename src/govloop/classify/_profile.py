"""Classifying a filing under every regime: tiers, designations and crosswalked obligations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from govloop.classify._attributes import filing_context, filing_fields
from govloop.classify._expr import Path, evaluate, resolve
from govloop.classify._regime import Regime, Rule, crosswalk_vocabulary, shipped_regimes
from govloop.registry import Classifier, Filing, FilingCreate


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)


class FiredRule(_Out):
    """A rule whose condition held: the reason behind a tier or obligation."""

    rule_id: str
    """Rule id in the regime file."""

    title: str
    """Rule title."""

    tier: str | None
    """Tier the rule gives, if any."""

    text: str
    """Rule text."""

    source: str
    """Source reference."""

    when: str
    """The condition that held."""

    title_zh: str | None = None
    """Title in Chinese, when the regime file gives one."""

    text_zh: str | None = None
    """Text in Chinese, when the regime file gives one."""

    fields: list[str] = []
    """The filing attributes the condition reads (the facts behind the reason)."""


class Finding(_Out):
    """Answers of a filing that cannot all be true: reported with the article, never resolved."""

    kind: Literal["contradiction", "declared-tier"]
    """A contradiction rule of the regime held, or the declared tier differs from the derived."""

    rule_id: str
    """The contradiction rule, or the rules that set the derived tier (comma-separated)."""

    title: str
    """What is contradictory."""

    text: str
    """Why, in the regime's terms."""

    source: str
    """The article concerned."""

    fields: list[str]
    """The filing fields involved."""

    title_zh: str | None = None
    """Title in Chinese, when known."""

    text_zh: str | None = None
    """Text in Chinese, when known."""


class Designation(_Out):
    """A designation given by a rule (e.g. GPAI model, an AI 600-1 risk)."""

    id: str
    """Designation id."""

    name: str
    """Display name."""

    rule_id: str
    """The rule that gave it."""


class RegimeResult(_Out):
    """The outcome under one regime."""

    regime: str
    """Regime id."""

    name: str
    """Regime name."""

    version: str
    """Rule-file version."""

    tier: str
    """The resulting tier (highest fired, else the default)."""

    tiers: list[str]
    """All tiers of the regime, lowest first."""

    tier_rules: list[str]
    """Ids of the fired rules that set the resulting tier."""

    designations: list[Designation]
    """Designations given."""

    functions: list[str]
    """Framework functions concerned (e.g. AI RMF GOVERN/MAP/MEASURE/MANAGE)."""

    fired: list[FiredRule]
    """Every rule that fired, in file order (contradiction rules are under ``findings``)."""

    findings: list[Finding] = []
    """Contradictions between the filing's answers, and a declared tier the facts contradict."""

    declared_tier: str | None = None
    """The tier the provider declared, when the regime reads one."""


class ObligationSource(_Out):
    """One regime's version of a crosswalked duty."""

    regime: str
    """Regime id."""

    rule_id: str
    """The rule that imposes it."""

    text: str
    """What the regime requires."""

    source: str
    """Source reference."""


class CrosswalkObligation(_Out):
    """One duty and every regime that requires it."""

    id: str
    """Obligation id in the crosswalk vocabulary."""

    title: str
    """Short name."""

    category: str
    """Category."""

    regimes: list[str]
    """Regimes requiring it."""

    sources: list[ObligationSource]
    """Each requirement with its rule, text and source."""


class RiskProfile(_Out):
    """A filing's classification under several regimes."""

    model_name: str
    """The classified model or service."""

    filing_id: str | None
    """Registry id, when classified from a stored filing."""

    classified_at: dt.datetime
    """When (UTC)."""

    regimes: list[RegimeResult]
    """Outcome per regime."""

    obligations: list[CrosswalkObligation]
    """Obligations, crosswalked across regimes."""

    def tier(self, regime: str) -> str:
        """The tier under ``regime`` (KeyError if it was not evaluated)."""
        for r in self.regimes:
            if r.regime == regime:
                return r.tier
        raise KeyError(regime)

    def result(self, regime: str) -> RegimeResult:
        """The full result under ``regime``."""
        for r in self.regimes:
            if r.regime == regime:
                return r
        raise KeyError(regime)

    def obligation(self, obligation_id: str) -> CrosswalkObligation | None:
        """The crosswalked obligation ``obligation_id``, if any regime requires it."""
        return next((o for o in self.obligations if o.id == obligation_id), None)


def fired_rule(rule: Rule) -> FiredRule:
    """The record of ``rule`` having fired."""
    return FiredRule(
        rule_id=rule.id,
        title=rule.title,
        tier=rule.tier,
        text=rule.text,
        source=rule.source,
        when=rule.when,
        title_zh=rule.title_zh,
        text_zh=rule.text_zh,
        fields=list(rule.fields),
    )


def _declared_finding(regime: Regime, declared: str, tier: str, tier_rules: list[Rule]) -> Finding:
    reasons = "; ".join(f"{r.id} ({r.source})" for r in tier_rules) or "no rule gives a tier"
    fields = filing_fields([f for r in tier_rules for f in r.fields])
    return Finding(
        kind="declared-tier",
        rule_id=",".join(r.id for r in tier_rules),
        title=f"Declared tier {declared!r}, but the stated facts give {tier!r}",
        title_zh=f"自报等级为 {declared!r}，但所述事实得出 {tier!r}",
        text=f"The tier follows the facts: {reasons}.",
        text_zh=f"等级以事实为准：{reasons}。",
        source="; ".join(dict.fromkeys(r.source for r in tier_rules)) or regime.name,
        fields=[str(regime.declared_tier), *fields],
    )


def _classify_one(
    regime: Regime, context: dict[str, object]
) -> tuple[RegimeResult, list[tuple[str, str, str, str]]]:
    held = [rule for rule in regime.rules if evaluate(rule.condition, context)]
    fired = [r for r in held if r.kind == "rule"]
    findings = [
        Finding(
            kind="contradiction",
            rule_id=r.id,
            title=r.title,
            title_zh=r.title_zh,
            text=r.text,
            text_zh=r.text_zh,
            source=r.source,
            fields=filing_fields(r.fields),
        )
        for r in held
        if r.kind == "contradiction"
    ]
    tiered = [r for r in fired if r.tier is not None]
    tier = max((r.tier for r in tiered if r.tier), key=regime.rank, default=regime.default_tier)
    designations: dict[str, Designation] = {}
    functions: list[str] = []
    duties: list[tuple[str, str, str, str]] = []
    for rule in fired:
        for d in rule.designations:
            designations.setdefault(
                d, Designation(id=d, name=regime.designations.get(d, d), rule_id=rule.id)
            )
        functions += [f for f in rule.functions if f not in functions]
        duties += [(o.id, rule.id, o.text, o.source) for o in rule.obligations]
    declared: str | None = None
    if regime.declared_tier is not None:
        value = resolve(context, Path(tuple(regime.declared_tier.split("."))))
        declared = str(value) if value is not None else None
    if declared is not None and declared != tier:
        findings.append(
            _declared_finding(regime, declared, tier, [r for r in tiered if r.tier == tier])
        )
    result = RegimeResult(
        regime=regime.id,
        name=regime.name,
        version=regime.version,
        tier=tier,
        tiers=list(regime.tiers),
        tier_rules=[r.id for r in tiered if r.tier == tier],
        designations=list(designations.values()),
        functions=functions,
        fired=[fired_rule(r) for r in fired],
        findings=findings,
        declared_tier=declared,
    )
    return result, duties


def classify(filing: Filing | FilingCreate, regimes: Sequence[Regime] | None = None) -> RiskProfile:
    """Classify ``filing`` under ``regimes`` (default: the shipped cn, eu and nist)."""
    doc = filing.document if isinstance(filing, Filing) else filing
    chosen = list(regimes) if regimes is not None else shipped_regimes()
    context = filing_context(doc)
    results: list[RegimeResult] = []
    collected: dict[str, list[ObligationSource]] = {}
    vocabulary = dict(crosswalk_vocabulary())
    for regime in chosen:
        vocabulary.update(regime.vocabulary)
        result, duties = _classify_one(regime, context)
        results.append(result)
        for ob_id, rule_id, text, source in duties:
            collected.setdefault(ob_id, []).append(
                ObligationSource(regime=regime.id, rule_id=rule_id, text=text, source=source)
            )
    order = {ob_id: i for i, ob_id in enumerate(vocabulary)}
    obligations = [
        CrosswalkObligation(
            id=ob_id,
            title=vocabulary[ob_id].title,
            category=vocabulary[ob_id].category,
            regimes=list(dict.fromkeys(s.regime for s in sources)),
            sources=sources,
        )
        for ob_id, sources in sorted(collected.items(), key=lambda kv: order[kv[0]])
    ]
    return RiskProfile(
        model_name=doc.model_name,
        filing_id=filing.id if isinstance(filing, Filing) else None,
        classified_at=dt.datetime.now(dt.UTC),
        regimes=results,
        obligations=obligations,
    )


def filing_classifier(regimes: Sequence[Regime] | None = None) -> Classifier:
    """The registry's classifier: the JSON risk profile under ``regimes`` (default: shipped).

    The registry stores what this returns with each filing; the faces (CLI, demo, web) pass it in
    as ``Registry(store, classifier=...)`` so that the registry never imports this package.
    """
    chosen = list(regimes) if regimes is not None else None

    def classifier(doc: FilingCreate) -> dict[str, Any]:
        return classify(doc, chosen).model_dump(mode="json")

    return classifier
