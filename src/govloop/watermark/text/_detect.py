"""Detection with the key and the tokenizer only: exact tests, each (context, token) pair once.

For one scheme, every distinct pair (``h`` preceding ids, token) is scored once. The PRF assigns
the pair's context to a payload digit position ``m``; for each hypothesis ``v`` of that digit the
pair gives a score: KGW, 1 if the token's keyed uniform falls in green interval ``v``; Gumbel,
``-log(1 - u_v)``. Under the null hypothesis (text independent of the key) each fixed hypothesis
gives, exactly, ``Binomial(N, gamma)`` (KGW) or ``Gamma(N, 1)`` (Gumbel) for the sum over the N
pairs. The detector decodes every digit by its best hypothesis and takes the best total ``S``;
since ``S`` is a maximum over ``values ** positions`` hypotheses, the union bound gives the
presence p-value ``min(1, hypotheses * tail(S))``: valid at any length, never the normal
approximation. The payload is read only when the presence test rejects at ``alpha``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from govloop.errors import InputError
from govloop.models import Tokenizer
from govloop.watermark._keys import WatermarkKey
from govloop.watermark._result import WatermarkResult
from govloop.watermark.text import _prf
from govloop.watermark.text._params import TextWatermarkParams, default_params

PAYLOAD_ALTERNATIVES = 2
"""Runner-up payloads reported with a detection (one least-certain digit changed in each)."""


@dataclass(frozen=True)
class SchemeScore:
    """The presence test and best payload hypothesis of one scheme."""

    params: TextWatermarkParams
    """The parameters scored."""
    p_value: float
    """Union-bound p-value of the best hypothesis."""
    scored: int
    """Distinct (context, token) pairs scored."""
    statistic: float
    """Green count (KGW) or summed exponential score (Gumbel) of the best hypothesis."""
    hypotheses: float
    """Number of payload hypotheses the bound covers."""
    payload: int | None
    """Best payload hypothesis, None when a digit position received no token."""
    margins: list[float] = field(default_factory=list)
    alternatives: list[int] = field(default_factory=list)
    """Runner-up payloads: the best one with its least certain digit(s) changed to the
    second-best value, least certain first (for a lookup when the best one finds nothing)."""
    """Per digit: best minus second-best hypothesis score (how clear the digit is)."""


def unique_pairs(ids: Sequence[int], h: int) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """Distinct (context, token) pairs of a token sequence, in order of first appearance."""
    seen: set[tuple[int, ...]] = set()
    contexts: list[tuple[int, ...]] = []
    tokens: list[int] = []
    for i in range(h, len(ids)):
        pair = tuple(int(t) for t in ids[i - h : i + 1])
        if pair in seen:
            continue
        seen.add(pair)
        contexts.append(pair[:-1])
        tokens.append(pair[-1])
    return contexts, np.array(tokens, dtype=np.uint64)


def score_ids(ids: Sequence[int], *, key: WatermarkKey, params: TextWatermarkParams) -> SchemeScore:
    """Score token ids for one scheme."""
    contexts, tokens = unique_pairs(ids, params.context_width)
    n = len(contexts)
    if n == 0:
        return SchemeScore(params, 1.0, 0, 0.0, 1.0, None)
    subkey = params.subkey(key)
    cache: dict[tuple[int, ...], int] = {}
    seeds = np.array(
        [
            cache.setdefault(c, _prf.context_seed(subkey, c)) if c not in cache else cache[c]
            for c in contexts
        ],
        dtype=np.uint64,
    )
    digits = max(params.digits, 1)
    values = params.values
    pos = _prf.positions(seeds, params.digits)
    table = np.zeros((digits, values))
    if params.scheme == "kgw":
        colour = np.floor(_prf.uniforms(seeds, tokens) / params.gamma).astype(np.int64)
        ok = colour < values
        np.add.at(table, (pos[ok], colour[ok]), 1.0)
    else:
        u = _prf.uniforms(_prf.hypothesis_seeds(seeds, values), tokens[:, None])
        np.add.at(table, pos, -np.log1p(-u))
    observed = np.bincount(pos, minlength=digits) > 0
    best = table.max(axis=1)
    stat = float(best[observed].sum())
    hypotheses = float(values) ** int(observed.sum()) if params.digits else 1.0
    if params.scheme == "kgw":
        tail = float(stats.binom.sf(round(stat) - 1, n, params.gamma))
    else:
        tail = float(stats.gamma.sf(stat, n))
    payload = None
    margins: list[float] = []
    alternatives: list[int] = []
    if params.digits:
        ordered = np.sort(table, axis=1)
        margins = [float(x) for x in ordered[:, -1] - ordered[:, -2]]
        if observed.all():
            ranked = np.argsort(table, axis=1)
            digits_best = [int(d) for d in ranked[:, -1]]
            payload = params.from_digits(digits_best)
            for m in np.argsort(margins, kind="stable")[:PAYLOAD_ALTERNATIVES]:
                changed = list(digits_best)
                changed[int(m)] = int(ranked[int(m), -2])
                alternatives.append(params.from_digits(changed))
    return SchemeScore(
        params, min(1.0, hypotheses * tail), n, stat, hypotheses, payload, margins, alternatives
    )


def detect_ids(
    ids: Sequence[int],
    *,
    key: WatermarkKey,
    schemes: Sequence[TextWatermarkParams] | None = None,
    alpha: float | None = None,
) -> WatermarkResult:
    """Presence test over one or more schemes (Bonferroni over schemes), then the payload."""
    candidates = list(schemes) if schemes else [default_params("kgw"), default_params("gumbel")]
    scores = [score_ids(ids, key=key, params=p) for p in candidates]
    best = min(scores, key=lambda s: s.p_value)
    p_value = min(1.0, len(scores) * best.p_value)
    level = candidates[0].alpha if alpha is None else alpha
    detected = p_value <= level
    prm = best.params
    details: dict[str, Any] = {
        "alpha": level,
        "tokens": len(ids),
        "scored": best.scored,
        "statistic": best.statistic,
        "hypotheses": best.hypotheses,
        "context_width": prm.context_width,
        "scheme_p_values": {s.params.scheme: s.p_value for s in scores},
    }
    if prm.scheme == "kgw":
        details["gamma"] = prm.gamma
        details["green_fraction"] = best.statistic / best.scored if best.scored else 0.0
    if best.margins:
        details["digit_margins"] = best.margins
    if detected and best.alternatives:
        details["payload_alternatives"] = best.alternatives
    return WatermarkResult(
        detected=detected,
        p_value=p_value,
        payload=best.payload if detected else None,
        payload_bits=prm.payload_bits,
        scheme=prm.scheme,
        key_id=key.key_id,
        details=details,
    )


def default_tokenizer() -> Tokenizer:
    """The demo model's tokenizer (trained from shipped text on first use)."""
    from govloop.models import demo_tokenizer

    return demo_tokenizer()


def detect_text(
    text: str,
    *,
    key: WatermarkKey,
    tokenizer: Tokenizer | None = None,
    schemes: Sequence[TextWatermarkParams] | None = None,
    alpha: float | None = None,
) -> WatermarkResult:
    """Is ``text`` watermarked with ``key``? Exact p-value, then the payload if present.

    ``tokenizer`` must be the generating model's (default: the demo model's); ``schemes``
    defaults to the shipped KGW and Gumbel parameters, ``alpha`` to theirs (1e-6).
    """
    if not isinstance(text, str):
        raise InputError(f"text to check must be a str, got {type(text).__name__}")
    tok = tokenizer or default_tokenizer()
    return detect_ids(tok.encode(text), key=key, schemes=schemes, alpha=alpha)
