"""Interpolated Kneser-Ney n-gram language model over token ids, and the demo training corpus.

The corpus is the shipped prose (``data/en.txt``, ``data/zh.txt``, written for this project) plus
sentences expanded from ``data/templates.json`` with a fixed seed. One model is trained per
language; training takes well under a second and happens once per process.

Interpolated Kneser-Ney (Chen and Goodman 1998, absolute discounting ``D = n1 / (n1 + 2 n2)``
per order): the highest order uses raw counts, lower orders use continuation counts, and the
unigram level is mixed with a uniform floor over the language's tokens, so every token the
language uses has a non-zero probability and the model keeps real entropy.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from govloop.models._demo_tokenizer import DemoTokenizer

LANGUAGES = ("en", "zh")
ORDER = 3
#: Template sentences expanded per language, and how often the hand-written prose is repeated.
TEMPLATE_SENTENCES = 1500
PROSE_REPEAT = 2
#: Weight of the bigram level mixed into the full model: more entropy, still locally fluent.
BIGRAM_MIX = 0.15


@dataclass(frozen=True)
class _Level:
    """One context of one order: the seen next tokens, their discounted mass, the backoff weight."""

    ids: np.ndarray
    mass: np.ndarray
    backoff: float


class KneserNey:
    """An interpolated Kneser-Ney model; :meth:`probs` gives the full next-token distribution."""

    def __init__(
        self, seqs: Sequence[Sequence[int]], *, vocab_size: int, order: int = ORDER
    ) -> None:
        self.order = order
        self.bigram_mix = BIGRAM_MIX
        self.vocab_size = vocab_size
        ngrams: list[Counter[tuple[int, ...]]] = [Counter() for _ in range(order + 1)]
        for seq in seqs:
            for n in range(1, order + 1):
                ngrams[n].update(tuple(seq[i : i + n]) for i in range(len(seq) - n + 1))
        # counts[n]: raw counts at the top order, continuation counts below it.
        counts: list[Counter[tuple[int, ...]]] = [Counter() for _ in range(order + 1)]
        counts[order] = ngrams[order]
        for n in range(order - 1, 0, -1):
            cont: Counter[tuple[int, ...]] = Counter()
            for gram in ngrams[n + 1]:
                cont[gram[1:]] += 1
            counts[n] = cont
        self.allowed = np.zeros(vocab_size, dtype=bool)
        self.allowed[[g[0] for g in ngrams[1]]] = True
        self._levels: list[dict[tuple[int, ...], _Level]] = [{} for _ in range(order + 1)]
        uni = np.zeros(vocab_size)
        d1 = _discount(counts[1])
        for (w,), c in counts[1].items():
            uni[w] = c
        total = uni.sum()
        floor = d1 * np.count_nonzero(uni) / total
        uni = np.maximum(uni - d1, 0.0) / total
        uni[self.allowed] += floor / np.count_nonzero(self.allowed)
        self._unigram = uni
        for n in range(2, order + 1):
            d = _discount(counts[n])
            by_ctx: dict[tuple[int, ...], list[tuple[int, int]]] = defaultdict(list)
            for gram, c in counts[n].items():
                by_ctx[gram[:-1]].append((gram[-1], c))
            table = self._levels[n]
            for ctx, items in by_ctx.items():
                ids = np.array([w for w, _ in items], dtype=np.int64)
                cs = np.array([c for _, c in items], dtype=np.float64)
                tot = cs.sum()
                table[ctx] = _Level(ids, np.maximum(cs - d, 0.0) / tot, d * len(items) / tot)

    def probs(self, context: Sequence[int]) -> np.ndarray:
        """P(next token | context) over the whole vocabulary (sums to 1)."""
        p = self._unigram.copy()
        bigram = p
        for n in range(2, self.order + 1):
            if len(context) < n - 1:
                break
            level = self._levels[n].get(tuple(int(t) for t in context[len(context) - n + 1 :]))
            if level is None:
                break
            p *= level.backoff
            p[level.ids] += level.mass
            if n == 2 and self.bigram_mix > 0:
                bigram = p.copy()
        if self.bigram_mix > 0:
            p = (1.0 - self.bigram_mix) * p + self.bigram_mix * bigram
        out: np.ndarray = p
        return out


def _discount(counts: Counter[tuple[int, ...]]) -> float:
    n1 = sum(1 for c in counts.values() if c == 1)
    n2 = sum(1 for c in counts.values() if c == 2)
    if n1 == 0:
        return 0.5
    return min(0.95, max(0.1, n1 / (n1 + 2 * n2)))


def _data(name: str) -> str:
    return resources.files("govloop.models").joinpath("data", name).read_text(encoding="utf-8")


def corpus() -> dict[str, list[str]]:
    """Training paragraphs per language: shipped prose plus seeded template expansions."""
    spec = json.loads(_data("templates.json"))
    out: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        prose = [p.strip() for p in _data(f"{lang}.txt").split("\n\n") if p.strip()]
        rng = random.Random(f"govloop-demo-{lang}")
        slots: dict[str, list[str]] = spec[lang]["slots"]
        templates: list[str] = spec[lang]["templates"]
        joiner = " " if lang == "en" else ""
        sentences = []
        for _ in range(TEMPLATE_SENTENCES):
            s = rng.choice(templates).format_map({k: rng.choice(v) for k, v in slots.items()})
            sentences.append(s[0].upper() + s[1:])
        paragraphs = []
        i = 0
        while i < len(sentences):
            k = rng.randint(3, 6)
            paragraphs.append(joiner.join(sentences[i : i + k]))
            i += k
        out[lang] = prose * PROSE_REPEAT + paragraphs
    return out


def vocabulary_texts() -> list[str]:
    """Texts whose chunks make up the vocabulary (independent of the random expansion)."""
    spec = json.loads(_data("templates.json"))
    texts = [_data(f"{lang}.txt") for lang in LANGUAGES]
    for lang in LANGUAGES:
        texts.extend(re.sub(r"\{[A-Z]+\}", " ", t) for t in spec[lang]["templates"])
        for values in spec[lang]["slots"].values():
            texts.extend(values)
            texts.extend(v[0].upper() + v[1:] for v in values)
    return texts


@lru_cache(maxsize=1)
def trained() -> tuple[DemoTokenizer, dict[str, KneserNey]]:
    """The demo tokenizer and one model per language, trained once per process."""
    tok = DemoTokenizer.train(vocabulary_texts())
    sep = tok.encode("\n\n")
    models = {}
    for lang, paragraphs in corpus().items():
        seqs = []
        for para in paragraphs:
            seqs.append(sep + tok.encode(para))
        # Paragraph boundaries are real tokens, so the model learns to start and end paragraphs.
        stream = [t for s in seqs for t in s]
        models[lang] = KneserNey([stream], vocab_size=tok.vocab_size)
    return tok, models
