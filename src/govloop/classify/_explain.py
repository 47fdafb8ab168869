"""Why a filing got its tiers: the rules that fired, the near-misses and the facts checked.

A near-miss is a rule that did not fire but would if one named field of the filing had another
value (a boolean flipped, another value of a closed field, one more item in a list, a number past
the threshold the rule compares). Each candidate is applied to the filing document and validated
again, so only filings that could exist are considered, and derived facts (``derived.outputs``
from ``functions``...) follow the change. Where no rule fires, the facts checked say what the
regime looked at, so "out of scope" comes with its reasons.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from govloop.classify._attributes import (
    DERIVED_FROM,
    attribute_catalog,
    display_field,
    filing_context,
)
from govloop.classify._expr import Compare, Path, evaluate, resolve, walk
from govloop.classify._expr import Literal as ExprLiteral
from govloop.classify._profile import Finding, FiredRule, classify
from govloop.classify._regime import Regime, Rule, shipped_regimes
from govloop.registry import Filing, FilingCreate


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)


class NearMiss(_Out):
    """A rule that would fire if one named field of the filing changed."""

    rule_id: str
    """The rule."""

    title: str
    """Its title."""

    title_zh: str | None
    """Its title in Chinese, when the regime file gives one."""

    tier: str | None
    """The tier it would give."""

    source: str
    """Its source reference (the article)."""

    field: str
    """The filing field to change (``versions[-1].x`` for the current version)."""

    change: Literal["set", "add"]
    """``set`` the field to one of ``values``, or ``add`` one of ``values`` to the list."""

    current: Any
    """The field's value in the filing."""

    values: list[Any]
    """Each value that alone would make the rule fire."""


class CheckedFact(_Out):
    """A fact a regime's rules read, with its value in the filing."""

    field: str
    """Attribute path (``derived.*`` facts are computed from other fields)."""

    value: Any
    """Its value (null when absent)."""


class RegimeExplanation(_Out):
    """One regime's reasoning about the filing."""

    regime: str
    """Regime id."""

    name: str
    """Regime name."""

    tier: str
    """The resulting tier."""

    default_tier: bool
    """True when no rule gave a tier (the regime's default applies)."""

    declared_tier: str | None
    """The tier the provider declared, if the regime reads one."""

    fired: list[FiredRule]
    """Every rule that fired, with article and reason."""

    findings: list[Finding]
    """Contradictions between answers, and a declared tier the facts contradict."""

    near_misses: list[NearMiss]
    """Rules one field away from firing."""

    checked: list[CheckedFact]
    """Every fact the regime's rules read, with the filing's value."""


class Explanation(_Out):
    """The reasoning behind a risk profile, per regime."""

    model_name: str
    """The classified model or service."""

    filing_id: str | None
    """Registry id, when explained from a stored filing."""

    regimes: list[RegimeExplanation]
    """Per regime, in the order classified."""

    def result(self, regime: str) -> RegimeExplanation:
        """The reasoning under ``regime`` (KeyError if it was not evaluated)."""
        for r in self.regimes:
            if r.regime == regime:
                return r
        raise KeyError(regime)


def _location(path: str) -> list[str | int] | None:
    if path.startswith("derived.") or path == "latest_version":
        return None
    if path.startswith("latest_version."):
        return ["versions", -1, *path.removeprefix("latest_version.").split(".")]
    return list(path.split("."))


def _literals(regimes: Sequence[Regime]) -> dict[str, list[tuple[str, Any]]]:
    out: dict[str, list[tuple[str, Any]]] = {}
    for regime in regimes:
        for rule in regime.rules:
            for node in walk(rule.condition):
                if not isinstance(node, Compare):
                    continue
                if isinstance(node.left, Path) and isinstance(node.right, ExprLiteral):
                    out.setdefault(str(node.left), []).append((node.op, node.right.value))
    return out


def _number_candidate(op: str, limit: Any) -> Any:
    if isinstance(limit, bool) or not isinstance(limit, (int, float)):
        return None
    if op == ">":
        return limit * 10 if limit > 0 else limit + 1
    if op == "<":
        return limit / 10 if limit > 0 else limit - 1
    return limit if op in (">=", "<=", "==") else None


def _candidates(
    path: str, current: Any, literals: list[tuple[str, Any]]
) -> Iterator[tuple[str, Any]]:
    attr = attribute_catalog().get(path)
    if attr is None:
        return
    if attr.kind == "bool":
        yield "set", not bool(current)
    elif attr.kind == "list" and attr.allowed is not None:
        have = current if isinstance(current, list) else []
        for item in attr.allowed:
            if item not in have:
                yield "add", item
    elif attr.kind == "string" and attr.allowed is not None:
        for value in attr.allowed:
            if value != current:
                yield "set", value
    elif attr.kind == "number":
        for op, limit in literals:
            value = _number_candidate(op, limit)
            if value is not None and value != current:
                yield "set", value
    elif attr.kind == "string":
        for op, value in literals:
            if op in ("==", "in") and isinstance(value, str) and value != current:
                yield "set", value


def _changed(data: dict[str, Any], where: list[str | int], change: str, value: Any) -> Any:
    out = copy.deepcopy(data)
    target: Any = out
    for key in where[:-1]:
        if isinstance(target, dict):
            target = target.setdefault(str(key), {})
        else:
            target = target[int(key)]
    last = where[-1]
    if change == "add":
        target[last] = [*(target.get(last) or []), value]
    else:
        target[last] = value
    return out


def _reads(rule: Rule) -> set[str]:
    out = set(rule.fields)
    for field in rule.fields:
        out.update(DERIVED_FROM.get(field, ()))
    return out


def _near_misses(
    regime: Regime,
    doc: FilingCreate,
    context: dict[str, Any],
    literals: dict[str, list[tuple[str, Any]]],
) -> list[NearMiss]:
    pending = [r for r in regime.rules if r.kind == "rule" and not evaluate(r.condition, context)]
    paths = list(dict.fromkeys(p for r in pending for p in r.fields))
    paths += [p for r in pending for f in r.fields for p in DERIVED_FROM.get(f, ())]
    data = doc.model_dump(mode="json")
    hits: dict[tuple[str, str], tuple[str, list[Any]]] = {}
    for path in dict.fromkeys(paths):
        where = _location(path)
        if where is None:
            continue
        current = resolve(context, Path(tuple(path.split("."))))
        readers = [r for r in pending if path in _reads(r)]
        for change, value in _candidates(path, current, literals.get(path, [])):
            try:
                changed = FilingCreate.model_validate(_changed(data, where, change, value))
            except ValidationError:
                continue
            trial = filing_context(changed)
            for rule in readers:
                if evaluate(rule.condition, trial):
                    entry = hits.setdefault((rule.id, path), (change, []))
                    if value not in entry[1]:
                        entry[1].append(value)
    out: list[NearMiss] = []
    for rule in pending:
        for path in dict.fromkeys(paths):
            if (rule.id, path) not in hits:
                continue
            change, values = hits[(rule.id, path)]
            out.append(
                NearMiss(
                    rule_id=rule.id,
                    title=rule.title,
                    title_zh=rule.title_zh,
                    tier=rule.tier,
                    source=rule.source,
                    field=display_field(path),
                    change="add" if change == "add" else "set",
                    current=resolve(context, Path(tuple(path.split(".")))),
                    values=values,
                )
            )
    return out


def _checked(regime: Regime, context: dict[str, Any]) -> list[CheckedFact]:
    fields = dict.fromkeys(f for r in regime.rules for f in r.fields)
    return [
        CheckedFact(field=display_field(f), value=resolve(context, Path(tuple(f.split(".")))))
        for f in fields
    ]


def explain(filing: Filing | FilingCreate, regimes: Sequence[Regime] | None = None) -> Explanation:
    """The reasoning behind ``classify(filing, regimes)``: fired rules, near-misses, facts."""
    doc = filing.document if isinstance(filing, Filing) else filing
    chosen = list(regimes) if regimes is not None else shipped_regimes()
    profile = classify(filing, chosen)
    context = filing_context(doc)
    literals = _literals(chosen)
    out: list[RegimeExplanation] = []
    for regime, result in zip(chosen, profile.regimes, strict=True):
        out.append(
            RegimeExplanation(
                regime=result.regime,
                name=result.name,
                tier=result.tier,
                default_tier=not result.tier_rules,
                declared_tier=result.declared_tier,
                fired=result.fired,
                findings=result.findings,
                near_misses=_near_misses(regime, doc, context, literals),
                checked=_checked(regime, context),
            )
        )
    return Explanation(model_name=profile.model_name, filing_id=profile.filing_id, regimes=out)
