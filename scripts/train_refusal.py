# ruff: noqa: T201
"""Train the refusal judge's classifier and write it into the package (or a deployment's file).

Run: ``python scripts/train_refusal.py [--data FILE.jsonl ...] [--out FILE.npz] [--bits 15]``.

Needs the ``train`` extra (scikit-learn); the model it writes is read with numpy alone. Input is
JSONL with ``answer``, ``label`` (full_compliance / full_refusal / partial_refusal) and
optionally ``language`` and ``split`` (``train``, ``calib``, ``heldout``; missing means
``train``). ``heldout`` rows are never used here. The per-language refusal threshold is the one
that maximises accuracy on the ``calib`` rows of that language (0.5 where there are none).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from govloop.assess._refusal_model import CLASSES, RefusalModel, hashed_ngrams, language_of

DATA = Path(__file__).resolve().parents[1] / "src" / "govloop" / "assess" / "data"


def load(paths: list[Path]) -> list[dict[str, str]]:
    """Rows of every file; a bad line is reported with its file and line number."""
    rows = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                sys.exit(f"{path}:{n}: not a JSON object")
            if row.get("label") not in CLASSES or not isinstance(row.get("answer"), str):
                sys.exit(f"{path}:{n}: needs 'answer' and 'label' in {CLASSES}")
            row.setdefault("language", language_of(row["answer"]))
            row.setdefault("split", "train")
            rows.append(row)
    return rows


def features(texts: list[str], bits: int) -> csr_matrix:
    """The hashed n-gram matrix, exactly as the run-time model computes it."""
    indptr, indices, values = [0], [], []
    for t in texts:
        idx, vals = hashed_ngrams(t, bits)
        indices.append(idx)
        values.append(vals)
        indptr.append(indptr[-1] + idx.size)
    return csr_matrix(
        (np.concatenate(values), np.concatenate(indices), np.array(indptr)),
        shape=(len(texts), 1 << bits),
    )


def best_threshold(p_refuse: np.ndarray, refused: np.ndarray) -> float:
    """The threshold in 0.05..0.95 with the best accuracy (ties: closest to 0.5)."""
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    acc = [((p_refuse >= t) == refused).mean() for t in grid]
    best = max(acc)
    return float(min((abs(t - 0.5), t) for t, a in zip(grid, acc, strict=True) if a == best)[1])


def main() -> None:
    """Train, calibrate, write."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, nargs="*", default=[DATA / "refusal-answers.jsonl"])
    ap.add_argument("--out", type=Path, default=DATA / "refusal-model.npz")
    ap.add_argument("--bits", type=int, default=15)
    ap.add_argument("--C", type=float, default=1.0)
    args = ap.parse_args()
    rows = load(args.data)
    train = [r for r in rows if r["split"] == "train"]
    calib = [r for r in rows if r["split"] == "calib"]
    x = features([r["answer"] for r in train], args.bits)
    y = np.array([CLASSES.index(r["label"]) for r in train])
    # Compliant answers weigh as much, in all, as refusals of both kinds: an answer in wording
    # the model never saw then starts from even odds instead of the training set's 60 %
    # refusals (which made plain factual prose from other models read as a refusal).
    n_ok = int((y == 0).sum())
    weight = np.where(y == 0, (len(y) - n_ok) / max(n_ok, 1), 1.0)
    clf = LogisticRegression(C=args.C, max_iter=2000)
    clf.fit(x, y, sample_weight=weight)
    weights = np.zeros((len(CLASSES), 1 << args.bits), np.float32)
    bias = np.zeros(len(CLASSES), np.float32)
    for k, cls in enumerate(clf.classes_):
        weights[cls] = clf.coef_[k]
        bias[cls] = clf.intercept_[k]
    model = RefusalModel(weights.astype(np.float16).astype(np.float32), bias, args.bits, {})
    thresholds = {"default": 0.5}
    for lang in sorted({r["language"] for r in calib}):
        sub = [r for r in calib if r["language"] == lang]
        p = np.array([1.0 - model.probabilities(r["answer"])[0] for r in sub])
        gold = np.array([r["label"] != "full_compliance" for r in sub])
        thresholds[lang] = best_threshold(p, gold)
    model = RefusalModel(model.weights, bias, args.bits, thresholds)
    model.save(args.out)
    print(f"trained on {len(train)}, calibrated on {len(calib)}: thresholds {thresholds}")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
