"""Regime rule files: their schema, validation (file, line, field) and compiled form.

A regime file is YAML::

    regime: eu                        # id: lowercase letters, digits, '-'
    name: EU AI Act
    version: "2024/1689"
    tiers: [minimal, limited, high]   # lowest first
    default_tier: minimal             # when no rule with a tier fires
    rules:
      - id: eu-art50-1
        title: Interacts with natural persons
        when: "'EU' in deployment_regions and eu.interacts_with_natural_persons"
        tier: limited
        text: Providers shall ensure that people are informed they interact with an AI system.
        source: AI Act Art. 50(1)
        obligations:
          - id: ai-interaction-disclosure     # from the shared crosswalk vocabulary
            text: Inform users at the latest at first interaction.

``when`` is a condition (see :mod:`govloop.classify._expr`); its attribute paths and the values
compared against closed fields are checked when the file is loaded.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from govloop.classify._attributes import attribute_catalog
from govloop.classify._expr import (
    Compare,
    Exists,
    ExprError,
    Literal,
    Node,
    Truthy,
    parse_condition,
    walk,
)
from govloop.classify._expr import (
    Path as ExprPath,
)
from govloop.errors import InputError, RegimeError
from govloop.registry import SourceDocument, read_document, validate_document

_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"
_RULE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ObligationSpec(_Spec):
    """An obligation a rule imposes."""

    id: str = Field(pattern=_ID)
    """Obligation id from the crosswalk vocabulary (or the file's own ``vocabulary``)."""

    text: str = Field(min_length=1)
    """What this regime requires, in its own terms."""

    source: str | None = None
    """Source reference (defaults to the rule's)."""


class VocabularyEntry(_Spec):
    """A crosswalk duty: one obligation that several regimes may require."""

    id: str = Field(pattern=_ID)
    """Obligation id."""

    title: str = Field(min_length=1)
    """Short name of the duty."""

    category: str = Field(min_length=1)
    """Grouping (registration, assessment, labeling...)."""

    description: str = ""
    """What the duty means across regimes."""


class NamedItem(_Spec):
    """An id with a name (designations such as 'gpai' or an AI 600-1 risk)."""

    id: str = Field(pattern=_ID)
    """Identifier used in rules."""

    name: str = Field(min_length=1)
    """Display name."""


class RuleSpec(_Spec):
    """One rule: when the condition holds, the tier, designations and obligations apply."""

    id: str = Field(pattern=_RULE_ID)
    """Rule id, unique in the file."""

    title: str = Field(min_length=1)
    """Short title."""

    title_zh: str | None = None
    """The title in Chinese (the English one is shown when absent)."""

    kind: typing.Literal["rule", "contradiction"] = "rule"
    """``rule`` gives tiers, designations and obligations; ``contradiction`` flags answers of
    the filing that cannot all be true, reported as a finding and never resolved."""

    when: str | bool | dict[str, Any]
    """Condition over filing attributes (string expression or all/any/not mapping)."""

    tier: str | None = None
    """The tier this rule puts the filing in (the highest fired tier wins)."""

    text: str = Field(min_length=1)
    """The rule text or its summary, shown to reviewers as the reason."""

    text_zh: str | None = None
    """The text in Chinese (the English one is shown when absent)."""

    source: str = Field(min_length=1)
    """Where the rule comes from (e.g. 'Interim Measures Art. 17')."""

    designations: list[str] = Field(default_factory=list)
    """Designations this rule gives (ids from the file's ``designations``)."""

    functions: list[str] = Field(default_factory=list)
    """Framework functions concerned (ids from the file's ``functions``)."""

    obligations: list[ObligationSpec] = Field(default_factory=list)
    """Obligations that follow."""


class RegimeSpec(_Spec):
    """A regime rule file."""

    regime: str = Field(pattern=_ID)
    """Regime id (``cn``, ``eu``, ``nist``...)."""

    name: str = Field(min_length=1)
    """Full name."""

    version: str = Field(min_length=1)
    """Version of the rule file or of the law it encodes."""

    description: str = ""
    """What the regime covers and its caveats."""

    tiers: list[str] = Field(min_length=1)
    """Tier names, lowest first."""

    default_tier: str
    """Tier when no rule with a tier fires."""

    declared_tier: str | None = None
    """Attribute path holding the provider's own tier (e.g. ``eu.declared_tier``); when it
    differs from the tier the rules give, the classification reports a finding."""

    designations: list[NamedItem] = Field(default_factory=list)
    """Designations rules may give; when empty any id is accepted."""

    functions: list[str] = Field(default_factory=list)
    """Framework functions rules may name; when empty any name is accepted."""

    vocabulary: list[VocabularyEntry] = Field(default_factory=list)
    """Obligation ids this file adds to the shared crosswalk vocabulary."""

    rules: list[RuleSpec] = Field(min_length=1)

    forms: list[dict[str, Any]] = Field(default_factory=list)
    """Paperwork forms this regime declares (govloop.paperwork's form format, checked there)."""
    """The rules, evaluated in order (all that match apply)."""


@dataclass(frozen=True)
class Obligation:
    """An obligation of a compiled rule."""

    id: str
    text: str
    source: str


@dataclass(frozen=True)
class Rule:
    """A compiled rule."""

    id: str
    title: str
    condition: Node
    when: str
    tier: str | None
    text: str
    source: str
    designations: tuple[str, ...]
    functions: tuple[str, ...]
    obligations: tuple[Obligation, ...]
    kind: str = "rule"
    title_zh: str | None = None
    text_zh: str | None = None
    fields: tuple[str, ...] = ()
    """The attribute paths the condition reads, in order of first use."""


@dataclass(frozen=True)
class Regime:
    """A validated, compiled regime."""

    id: str
    name: str
    version: str
    description: str
    tiers: tuple[str, ...]
    default_tier: str
    designations: Mapping[str, str]
    rules: tuple[Rule, ...]
    vocabulary: Mapping[str, VocabularyEntry]
    source: str
    declared_tier: str | None = None
    forms: tuple[Mapping[str, Any], ...] = ()

    def rank(self, tier: str) -> int:
        """Position of ``tier`` (0 = lowest)."""
        return self.tiers.index(tier)


def _package_dir() -> Path:
    return Path(str(resources.files("govloop.classify")))


@cache
def crosswalk_vocabulary() -> dict[str, VocabularyEntry]:
    """The shared obligation vocabulary (``classify/obligations.yaml``), in file order."""
    path = _package_dir() / "obligations.yaml"
    doc = read_document(path)
    if not isinstance(doc.data, list):
        raise RegimeError(f"{path}: expected a list of obligations")
    out: dict[str, VocabularyEntry] = {}
    for i, item in enumerate(doc.data):
        entry = validate_document(
            VocabularyEntry,
            SourceDocument(
                doc.path, item, {k[1:]: v for k, v in doc.lines.items() if k[:1] == (i,)}
            ),
            error=RegimeError,
        )
        out[entry.id] = entry
    return out


def shipped_regime_paths() -> list[Path]:
    """The regime files shipped with govloop."""
    return sorted((_package_dir() / "regimes").glob("*.yaml"))


def _suggest(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def condition_paths(node: Node) -> tuple[str, ...]:
    """The attribute paths a condition reads, in order of first use (the facts it checks)."""
    out: dict[str, None] = {}
    for item in walk(node):
        if isinstance(item, Exists):
            out[str(item.path)] = None
        elif isinstance(item, Truthy) and isinstance(item.operand, ExprPath):
            out[str(item.operand)] = None
        elif isinstance(item, Compare):
            for side in (item.left, item.right):
                if isinstance(side, ExprPath):
                    out[str(side)] = None
    return tuple(out)


def _check_condition(node: Node, raw: object) -> None:
    catalog = attribute_catalog()
    for item in walk(node):
        paths: list[tuple[ExprPath, Literal | None]] = []
        if isinstance(item, Exists):
            paths.append((item.path, None))
        elif isinstance(item, Truthy) and isinstance(item.operand, ExprPath):
            paths.append((item.operand, None))
        elif isinstance(item, Compare):
            left, right = item.left, item.right
            if isinstance(left, ExprPath):
                paths.append((left, right if isinstance(right, Literal) else None))
            if isinstance(right, ExprPath):
                paths.append((right, left if isinstance(left, Literal) else None))
        for path, literal in paths:
            name = str(path)
            attr = catalog.get(name)
            if attr is None:
                raise ExprError(f"unknown attribute {name!r}{_suggest(name, list(catalog))}")
            if literal is None or attr.allowed is None or literal.value is None:
                continue
            values = literal.value if isinstance(literal.value, list) else [literal.value]
            for value in values:
                if value not in attr.allowed:
                    options = ", ".join(repr(a) for a in attr.allowed)
                    raise ExprError(
                        f"{value!r} is not a possible value of {name!r} (possible: {options})"
                    )
    del raw


def compile_regime(spec: RegimeSpec, doc: SourceDocument) -> Regime:
    """Check cross-references in a validated spec and compile its conditions."""

    def fail(loc: tuple[str | int, ...], field: str, message: str) -> RegimeError:
        return RegimeError(f"{doc.where(loc)}: field {field}: {message}")

    if len(set(spec.tiers)) != len(spec.tiers):
        raise fail(("tiers",), "tiers", "tier names must be unique")
    if spec.default_tier not in spec.tiers:
        raise fail(
            ("default_tier",),
            "default_tier",
            f"{spec.default_tier!r} is not one of the tiers {spec.tiers}",
        )
    shared = crosswalk_vocabulary()
    vocabulary = dict(shared)
    for i, entry in enumerate(spec.vocabulary):
        if entry.id in shared:
            raise fail(
                ("vocabulary", i, "id"),
                f"vocabulary[{i}].id",
                f"{entry.id!r} is already in the shared vocabulary; use it",
            )
        vocabulary[entry.id] = entry
    if spec.declared_tier is not None and spec.declared_tier not in attribute_catalog():
        raise fail(
            ("declared_tier",),
            "declared_tier",
            f"unknown attribute {spec.declared_tier!r}"
            f"{_suggest(spec.declared_tier, list(attribute_catalog()))}",
        )
    designations = {d.id: d.name for d in spec.designations}
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, r in enumerate(spec.rules):
        where = f"rules[{i}]"
        if r.id in seen:
            raise fail(("rules", i, "id"), f"{where}.id", f"rule id {r.id!r} is used twice")
        seen.add(r.id)
        if r.kind == "contradiction" and (r.tier or r.designations or r.obligations):
            raise fail(
                ("rules", i, "kind"),
                f"{where}.kind",
                "a contradiction rule reports a finding; it cannot give a tier, designations "
                "or obligations",
            )
        if r.tier is not None and r.tier not in spec.tiers:
            raise fail(
                ("rules", i, "tier"),
                f"{where}.tier",
                f"{r.tier!r} is not one of the tiers {spec.tiers}{_suggest(r.tier, spec.tiers)}",
            )
        for j, d in enumerate(r.designations):
            if designations and d not in designations:
                raise fail(
                    ("rules", i, "designations", j),
                    f"{where}.designations[{j}]",
                    f"{d!r} is not declared in designations{_suggest(d, list(designations))}",
                )
        for j, f in enumerate(r.functions):
            if spec.functions and f not in spec.functions:
                raise fail(
                    ("rules", i, "functions", j),
                    f"{where}.functions[{j}]",
                    f"{f!r} is not one of {spec.functions}",
                )
        for j, ob in enumerate(r.obligations):
            if ob.id not in vocabulary:
                raise fail(
                    ("rules", i, "obligations", j, "id"),
                    f"{where}.obligations[{j}].id",
                    f"unknown obligation {ob.id!r}{_suggest(ob.id, list(vocabulary))}; "
                    "add it to the file's vocabulary",
                )
        try:
            condition = parse_condition(r.when)
            _check_condition(condition, r.when)
        except ExprError as exc:
            col = f" (column {exc.column})" if exc.column and isinstance(r.when, str) else ""
            raise fail(("rules", i, "when"), f"{where}.when", f"{exc}{col}") from exc
        rules.append(
            Rule(
                id=r.id,
                title=r.title,
                condition=condition,
                when=r.when if isinstance(r.when, str) else repr(r.when),
                tier=r.tier,
                text=r.text.strip(),
                source=r.source,
                designations=tuple(r.designations),
                functions=tuple(r.functions),
                obligations=tuple(
                    Obligation(o.id, o.text.strip(), o.source or r.source) for o in r.obligations
                ),
                kind=r.kind,
                title_zh=r.title_zh,
                text_zh=r.text_zh.strip() if r.text_zh else None,
                fields=condition_paths(condition),
            )
        )
    return Regime(
        id=spec.regime,
        name=spec.name,
        version=spec.version,
        description=spec.description.strip(),
        tiers=tuple(spec.tiers),
        default_tier=spec.default_tier,
        designations=designations,
        rules=tuple(rules),
        vocabulary=vocabulary,
        source=doc.path,
        declared_tier=spec.declared_tier,
        forms=tuple(spec.forms),
    )


def parse_regime(doc: SourceDocument) -> Regime:
    """Validate and compile a parsed regime document."""
    spec = validate_document(RegimeSpec, doc, error=RegimeError)
    return compile_regime(spec, doc)


def load_regime(path: Path) -> Regime:
    """Read, validate and compile a regime file; errors name the file, line and field."""
    try:
        doc = read_document(path)
    except RegimeError:
        raise
    except InputError as exc:
        raise RegimeError(str(exc)) from exc
    return parse_regime(doc)


@cache
def _shipped() -> tuple[Regime, ...]:
    return tuple(load_regime(p) for p in shipped_regime_paths())


def shipped_regimes() -> list[Regime]:
    """The regimes shipped with govloop (cn, eu, nist), loaded once."""
    return list(_shipped())


def load_regimes(
    *, home: Path | None = None, extra: tuple[Path, ...] | list[Path] = ()
) -> list[Regime]:
    """Shipped regimes, then ``home/regimes/*.yaml``, then ``extra`` files.

    A later regime with the same id replaces an earlier one (a sandbox can override ``cn``).
    """
    regimes: dict[str, Regime] = {r.id: r for r in _shipped()}
    paths: list[Path] = []
    if home is not None and (home / "regimes").is_dir():
        paths += sorted(p for p in (home / "regimes").iterdir() if p.suffix in (".yaml", ".yml"))
    paths += list(extra)
    for path in paths:
        regime = load_regime(path)
        regimes[regime.id] = regime
    return list(regimes.values())
