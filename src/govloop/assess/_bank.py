"""Test banks: JSONL files of questions, validated line by line, and their coverage report.

One item a line::

    {"id": "gc-0001", "text": "...", "language": "zh", "risk": "A.1.d",
     "kind": "generated-content", "reference": null, "notes": null, "aspect": null}

``kind`` is ``generated-content`` (judge the answer), ``should-refuse`` (a safe model refuses)
or ``should-answer`` (a safe model answers; ``aspect`` names one of the 13 aspects of 8.3).
A first line ``{"bank": {"name": ..., "starter": true}}`` may carry metadata.

A ``.csv`` file is read as a CSV in MultiJail's columns (:mod:`._multijail`): the shipped
MultiJail bank, or an updated copy of it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from govloop.assess._multijail import multijail_lines, multijail_path
from govloop.assess._taxonomy import (
    ANSWER_ASPECTS,
    MIN_BANK_SIZES,
    MIN_PER_ASPECT,
    TC260_RISKS,
    Taxonomy,
)
from govloop.errors import BankError

Kind = Literal["generated-content", "should-refuse", "should-answer"]
KINDS: tuple[Kind, ...] = ("generated-content", "should-refuse", "should-answer")


class BankItem(BaseModel):
    """One test question."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=200)
    """Unique id within the bank."""
    text: str = Field(min_length=1)
    """The prompt sent to the model."""
    language: str = Field(min_length=2, max_length=16)
    """Language tag, ``zh`` or ``en`` (any BCP 47 tag is accepted)."""
    risk: str = Field(min_length=1)
    """Risk code of a known taxonomy (``A.1.a`` ... ``A.5.b``, ``NIST.*``, custom)."""
    kind: Kind
    """What a safe model does with it."""
    aspect: str | None = None
    """For should-answer items: one of the 13 aspects (system, beliefs, ... health)."""
    reference: str | None = None
    """Optional reference answer."""
    notes: str | None = None
    """Optional judging notes."""


class BankMeta(BaseModel):
    """Optional first-line metadata of a bank file."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    """Bank name."""
    starter: bool = False
    """True for the starter banks govloop ships: a starting point, not a vetted bank."""
    version: str = ""
    """Bank version or date."""


@dataclass(frozen=True)
class Bank:
    """A validated bank."""

    items: tuple[BankItem, ...]
    """Items in file order."""
    meta: BankMeta = field(default_factory=BankMeta)
    """Metadata line, if any."""
    source: str = ""
    """Where it was read from."""
    sha256: str = ""
    """SHA-256 of the file bytes (hex)."""

    def of_kind(self, kind: str) -> list[BankItem]:
        """Items of one kind, in file order."""
        return [i for i in self.items if i.kind == kind]


def starter_bank_path() -> Path:
    """The starter bank shipped with govloop."""
    return Path(str(resources.files("govloop.assess") / "data" / "starter-bank.jsonl"))


def multilingual_bank_path() -> Path:
    """The multilingual bank shipped with govloop: ten project-written prompts per language.

    The same ten prompts (six should-refuse, two should-answer, two generated-content, mapped
    to GB/T 45654 risk codes) in every language of :mod:`govloop.languages`, so a run on it
    compares one model's behaviour across languages. Written by the project, not drawn from a
    public safety set; far below the standard's sample sizes (a comparison, not a conformity
    test).
    """
    return Path(str(resources.files("govloop.assess") / "data" / "multilingual-bank.jsonl"))


#: Names ``load_bank`` accepts for the shipped banks (when no file of that name exists).
SHIPPED_BANKS = {
    "starter": starter_bank_path,
    "multilingual": multilingual_bank_path,
    "multijail": multijail_path,
}


def _field_of(err: Any) -> str:
    return ".".join(str(p) for p in err["loc"]) or "item"


def parse_bank(
    lines: Iterable[str], *, source: str = "<bank>", taxonomy: Taxonomy | None = None
) -> tuple[BankMeta, list[BankItem]]:
    """Validate bank lines; a :class:`BankError` names ``source``, the line and the field."""
    tax = taxonomy or Taxonomy.builtin()
    meta = BankMeta()
    items: list[BankItem] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BankError(f"{where}: not valid JSON: {exc.msg}") from exc
        except (ValueError, RecursionError) as exc:  # 4300-digit integers, deep nesting
            raise BankError(f"{where}: not valid JSON: {exc}") from exc
        if not isinstance(raw, dict):
            raise BankError(f"{where}: expected a JSON object, got {type(raw).__name__}")
        if "bank" in raw and not items and lineno == 1:
            try:
                meta = BankMeta.model_validate(raw["bank"])
            except ValidationError as exc:
                err = exc.errors()[0]
                raise BankError(f"{where}: field 'bank.{_field_of(err)}': {err['msg']}") from exc
            continue
        try:
            item = BankItem.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise BankError(f"{where}: field {_field_of(err)!r}: {err['msg']}") from exc
        if tax.get(item.risk) is None:
            raise BankError(f"{where}: field 'risk': unknown risk code {item.risk!r}")
        if item.aspect is not None and item.aspect not in ANSWER_ASPECTS:
            known = ", ".join(ANSWER_ASPECTS)
            raise BankError(f"{where}: field 'aspect': {item.aspect!r} is not one of {known}")
        if item.id in seen:
            raise BankError(
                f"{where}: field 'id': {item.id!r} already used on line {seen[item.id]}"
            )
        seen[item.id] = lineno
        items.append(item)
    return meta, items


def load_bank(path: Path | None = None, *, taxonomy: Taxonomy | None = None) -> Bank:
    """Read and validate a JSONL bank (None = the shipped starter bank).

    ``starter``, ``multilingual`` and ``multijail`` name the shipped banks when no file of that
    name exists; a ``.csv`` path is read as a CSV in MultiJail's columns.
    """
    p = path or starter_bank_path()
    if str(p) in SHIPPED_BANKS and not p.exists():
        p = SHIPPED_BANKS[str(p)]()
    try:
        data = p.read_bytes()
    except FileNotFoundError as exc:
        raise BankError(f"{p}: bank file not found") from exc
    except OSError as exc:
        raise BankError(f"{p}: cannot read bank: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BankError(f"{p}: not UTF-8 text") from exc
    lines = (
        multijail_lines(text, source=str(p)) if p.suffix.lower() == ".csv" else text.splitlines()
    )
    meta, items = parse_bank(lines, source=str(p), taxonomy=taxonomy)
    if not items:
        raise BankError(f"{p}: the bank holds no items")
    return Bank(tuple(items), meta, str(p), hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Shortfall:
    """One thing a bank lacks against the standard."""

    kind: str
    """Bank kind."""
    scope: str
    """``total``, a risk code or ``aspect:<name>``."""
    have: int
    """Items present."""
    need: int
    """Items required."""

    def to_json(self) -> dict[str, Any]:
        """As a JSON object."""
        return {"kind": self.kind, "scope": self.scope, "have": self.have, "need": self.need}


@dataclass(frozen=True)
class BankCoverage:
    """Counts of a bank against TC260-003 8.2 / 8.3 sizes and per-risk minima."""

    totals: dict[str, int]
    """Items per kind."""
    per_risk: dict[str, dict[str, int]]
    """Kind -> risk code -> items."""
    per_aspect: dict[str, int]
    """Should-answer items per aspect."""
    shortfalls: tuple[Shortfall, ...]
    """What is missing; empty when the bank meets every minimum."""
    starter: bool = False
    """The bank is a shipped starter bank."""

    @property
    def complete(self) -> bool:
        """True when nothing is missing."""
        return not self.shortfalls

    def shortfalls_of(self, kind: str) -> list[Shortfall]:
        """Shortfalls of one kind."""
        return [s for s in self.shortfalls if s.kind == kind]

    def to_json(self) -> dict[str, Any]:
        """As a JSON object."""
        return {
            "complete": self.complete,
            "starter": self.starter,
            "totals": self.totals,
            "per_risk": self.per_risk,
            "per_aspect": self.per_aspect,
            "shortfalls": [s.to_json() for s in self.shortfalls],
        }


def bank_coverage(bank: Bank | Sequence[BankItem]) -> BankCoverage:
    """What ``bank`` lacks against the standard's sizes (>= 2000 / >= 500 / >= 500, per risk)."""
    items = bank.items if isinstance(bank, Bank) else tuple(bank)
    starter = bank.meta.starter if isinstance(bank, Bank) else False
    totals: dict[str, int] = {k: 0 for k in KINDS}
    per_risk: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    aspects: Counter[str] = Counter()
    for it in items:
        totals[it.kind] += 1
        per_risk[it.kind][it.risk] += 1
        if it.kind == "should-answer" and it.aspect:
            aspects[it.aspect] += 1
    short: list[Shortfall] = []
    for kind in KINDS:
        if totals[kind] < MIN_BANK_SIZES[kind]:
            short.append(Shortfall(kind, "total", totals[kind], MIN_BANK_SIZES[kind]))
    for risk in TC260_RISKS:
        for kind, need in (
            ("generated-content", risk.min_generated),
            ("should-refuse", risk.min_refuse),
        ):
            have = per_risk[kind][risk.code]
            if have < need:
                short.append(Shortfall(kind, risk.code, have, need))
    for aspect in ANSWER_ASPECTS:
        if aspects[aspect] < MIN_PER_ASPECT:
            short.append(
                Shortfall("should-answer", f"aspect:{aspect}", aspects[aspect], MIN_PER_ASPECT)
            )
    return BankCoverage(
        totals=totals,
        per_risk={k: dict(sorted(v.items())) for k, v in per_risk.items()},
        per_aspect={a: aspects[a] for a in ANSWER_ASPECTS},
        shortfalls=tuple(short),
        starter=starter,
    )
