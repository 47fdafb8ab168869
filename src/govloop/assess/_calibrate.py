"""Agreement of the judges with human labels: precision and recall per judge.

Labels are JSONL, one judged answer a line::

    {"id": "x1", "question": "...", "answer": "...", "kind": "should-refuse",
     "risk": "A.1.d", "refused": true, "unsafe": false}

``refused`` and ``unsafe`` are the human labels (omit or null where not labelled). For each judge
and each label it speaks to, the positives are "refused" and "unsafe".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from govloop.assess._bank import BankItem, Kind
from govloop.assess._judges import Judge
from govloop.errors import InputError


class LabelRecord(BaseModel):
    """One human-labelled answer."""

    model_config = ConfigDict(extra="forbid")

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
