"""Agreement of the judges with human labels: precision and recall per judge.

Labels are JSONL, one judged answer a line::

    {"id": "x1", "question": "...", "answer": "...", "kind": "should-refuse",
     "risk": "A.1.d", "refused": true, "unsafe": false}

``refused`` and ``unsafe`` are the human labels (omit or null where not labelled). For each judge
and each label it speaks to, the positives are "refused" and "unsafe". An optional ``class``
(full_compliance / full_refusal / partial_refusal) labels the refusal judge's three classes;
:func:`calibrate_by_language` counts agreement per language and per class, with Wilson
intervals, and the confusion matrix of the classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from govloop.assess._bank import BankItem, Kind
from govloop.assess._judges import Judge
from govloop.assess._metrics import wilson_interval
from govloop.errors import InputError


class LabelRecord(BaseModel):
    """One human-labelled answer."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str = ""
    """Optional id."""
    question: str = ""
    """The question put to the model."""
    answer: str
    """The model's answer."""
    kind: Kind = "generated-content"
    """Bank kind of the question."""
    risk: str = "A.1.h"
    """Risk code of the question."""
    language: str = Field(default="zh", min_length=2)
    """Language tag."""
    refused: bool | None = None
    """Human label: the answer refused."""
    unsafe: bool | None = None
    """Human label: the answer is unsafe."""
    refusal_class: Literal["full_compliance", "full_refusal", "partial_refusal"] | None = Field(
        default=None, alias="class"
    )
    """Human label: the three-way refusal class (implies ``refused`` when that is not given)."""


def load_labels(path: Path) -> list[LabelRecord]:
    """Read a labels file; errors name the file, line and field."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: labels file not found") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: labels file is not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read the labels file: {exc.strerror}") from exc
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append(LabelRecord.model_validate_json(line))
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "line"
            raise InputError(f"{path}:{n}: field {field!r}: {err['msg']}") from exc
    if not out:
        raise InputError(f"{path}: no labels")
    return out


@dataclass(frozen=True)
class Agreement:
    """A judge against human labels on one label."""

    judge: str
    """Judge name."""
    label: str
    """``refused`` or ``unsafe``."""
    tp: int
    """Both positive."""
    fp: int
    """Judge positive, human negative."""
    fn: int
    """Judge negative, human positive."""
    tn: int
    """Both negative."""

    @property
    def n(self) -> int:
        """Labelled answers the judge spoke to."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        """Tp / (tp + fp)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """Tp / (tp + fn)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def accuracy(self) -> float | None:
        """(tp + tn) / n."""
        return (self.tp + self.tn) / self.n if self.n else None

    def to_json(self) -> dict[str, Any]:
        """As a JSON object."""
        return {
            "judge": self.judge,
            "label": self.label,
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": self.precision,
            "recall": self.recall,
            "accuracy": self.accuracy,
        }


async def calibrate(labels: Sequence[LabelRecord], judges: Sequence[Judge]) -> list[Agreement]:
    """Run every judge on every labelled answer and count agreement."""
    out: list[Agreement] = []
    for judge in judges:
        counts = {"refused": [0, 0, 0, 0], "unsafe": [0, 0, 0, 0]}
        for i, rec in enumerate(labels):
            item = BankItem(
                id=rec.id or f"label-{i}",
                text=rec.question or "-",
                language=rec.language,
                risk=rec.risk,
                kind=rec.kind,
            )
            j = await judge.judge(item, rec.answer)
            for label, human, said in (
                ("refused", rec.refused, j.refused),
                ("unsafe", rec.unsafe, j.unsafe),
            ):
                if human is None or said is None:
                    continue
                idx = (0 if human else 1) if said else (2 if human else 3)
                counts[label][idx] += 1
        for label, (tp, fp, fn, tn) in counts.items():
            if tp + fp + fn + tn:
                out.append(Agreement(judge.name, label, tp, fp, fn, tn))
    return out


CLASSES = ("full_compliance", "full_refusal", "partial_refusal")


def _rate(k: int, n: int) -> dict[str, Any]:
    lo, hi = wilson_interval(k, n)
    return {"value": k / n if n else None, "k": k, "n": n, "ci95": [round(lo, 4), round(hi, 4)]}


@dataclass(frozen=True)
class LanguageAgreement:
    """One judge against human labels in one language: refusal, per class, confusion matrix."""

    judge: str
    """Judge name."""
    language: str
    """Language tag of the labelled answers."""
    refused: tuple[int, int, int, int]
    """Counts (tp, fp, fn, tn) of "refused" (full or partial refusal)."""
    confusion: dict[str, dict[str, int]]
    """Human class -> judge class -> count (rows: labels with a class; judge: its evidence)."""

    def to_json(self) -> dict[str, Any]:
        """As a JSON object: rates with Wilson 95 % intervals."""
        tp, fp, fn, tn = self.refused
        per_class = {}
        for c in CLASSES:
            hit = self.confusion.get(c, {}).get(c, 0)
            gold = sum(self.confusion.get(c, {}).values())
            said = sum(row.get(c, 0) for row in self.confusion.values())
            per_class[c] = {"precision": _rate(hit, said), "recall": _rate(hit, gold)}
        return {
            "judge": self.judge,
            "language": self.language,
            "n": tp + fp + fn + tn,
            "accuracy": _rate(tp + tn, tp + fp + fn + tn),
            "precision": _rate(tp, tp + fp),
            "recall": _rate(tp, tp + fn),
            "answer_precision": _rate(tn, tn + fn),
            "classes": per_class,
            "confusion": self.confusion,
        }


async def calibrate_by_language(
    labels: Sequence[LabelRecord], judges: Sequence[Judge]
) -> list[LanguageAgreement]:
    """Agreement on refusal per judge and language, and per class for judges that give one.

    A judge's class is ``evidence["class"]`` (the refusal judge's); a judge without one is
    counted as full_refusal / full_compliance from its ``refused`` call.
    """
    out: list[LanguageAgreement] = []
    for judge in judges:
        counts: dict[str, list[int]] = {}
        confusion: dict[str, dict[str, dict[str, int]]] = {}
        for i, rec in enumerate(labels):
            human = rec.refused
            if human is None and rec.refusal_class is not None:
                human = rec.refusal_class != "full_compliance"
            if human is None:
                continue
            item = BankItem(
                id=rec.id or f"label-{i}",
                text=rec.question or "-",
                language=rec.language,
                risk=rec.risk,
                kind=rec.kind,
            )
            j = await judge.judge(item, rec.answer)
            if j.refused is None:
                continue
            c = counts.setdefault(rec.language, [0, 0, 0, 0])
            c[(0 if human else 1) if j.refused else (2 if human else 3)] += 1
            if rec.refusal_class is not None:
                said = j.evidence.get("class")
                if said not in CLASSES:
                    said = "full_refusal" if j.refused else "full_compliance"
                row = confusion.setdefault(rec.language, {}).setdefault(rec.refusal_class, {})
                row[said] = row.get(said, 0) + 1
        for lang in sorted(counts):
            tp, fp, fn, tn = counts[lang]
            matrix = confusion.get(lang, {})
            out.append(LanguageAgreement(judge.name, lang, (tp, fp, fn, tn), matrix))
    return out
