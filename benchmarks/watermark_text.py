"""Text watermark benchmark: TPR at FPR 1e-3 / 1e-6 by length and attack, vs reference KGW.

Usage: python benchmarks/watermark_text.py [--n 30] [--hf /local/model/dir]

For each sample one 400-token answer is generated (half English, half Chinese prompts) and cut
to 50/100/200/400 tokens; attacks replace 10% / 30% of the words (English) or characters
(Chinese) at random. Rows:

* ``ours-kgw0``: zero-bit KGW (gamma 0.25, delta 2.5, h 2), exact binomial test, each
  (context, token) pair scored once;
* ``ref-kgw0``: the reference KGW detector (Kirchenbauer et al.) on the SAME generations and the
  same green lists: one-proportion z-test with the normal approximation, every token counted;
* ``ours-kgw16`` / ``ours-gumbel24``: the shipped multi-bit schemes (union-bound presence test),
  plus exact payload recovery.

Unwatermarked answers from the same model give the empirical false-positive counts: the
reference detector's repeated-n-gram counting shows up there. Prints a table and throughput.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from govloop.models import GenerationRequest, LogitsModel, open_text_model
from govloop.watermark._keys import WatermarkKey
from govloop.watermark.text import (
    TextWatermarkParams,
    _prf,
    default_params,
    generate_watermarked,
    score_ids,
)

KEY = WatermarkKey(b"benchmark-key-0123456789abcdef!!")
LENGTHS = (50, 100, 200, 400)
ATTACKS = (0.0, 0.1, 0.3)
FPRS = (1e-3, 1e-6)
PROMPTS = {
    "en": ["Tell me about the river", "Describe a winter market", "Write about a night train"],
    "zh": ["请介绍一下山村的秋天", "写一段关于图书馆的文字", "讲讲海边的渔民"],
}
FILLER_EN = "stone window music quiet paper forest light yellow table morning road cloud".split()
FILLER_ZH = list("石窗音静纸林光黄桌晨路云花草书")


@dataclass
class Scheme:
    name: str
    params: TextWatermarkParams
    payload_bits: int


def substitute(text: str, rate: float, rng: random.Random) -> str:
    """Replace ``rate`` of the words (or CJK characters) with random fillers."""
    if rate == 0:
        return text
    han = sum("\u4e00" <= c <= "\u9fff" for c in text)
    if han > len(text) / 3:
        chars = list(text)
        idx = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
        for i in rng.sample(idx, int(len(idx) * rate)):
            chars[i] = rng.choice(FILLER_ZH)
        return "".join(chars)
    words = text.split(" ")
    for i in rng.sample(range(len(words)), int(len(words) * rate)):
        words[i] = rng.choice(FILLER_EN)
    return " ".join(words)


def reference_kgw_p(ids: Sequence[int], params: TextWatermarkParams) -> float:
    """Reference KGW detector: z-test, normal approximation, no de-duplication."""
    h, g = params.context_width, params.gamma
    n = len(ids) - h
    if n <= 0:
        return 1.0
    subkey = params.subkey(KEY)
    seeds = _prf.seeds_array(subkey, [ids[i - h : i] for i in range(h, len(ids))])
    u = _prf.uniforms(seeds, np.asarray(ids[h:], dtype=np.uint64))
    green = int((u < g).sum())
    z = (green - g * n) / np.sqrt(n * g * (1 - g))
    return float(stats.norm.sf(z))


def run(model: LogitsModel, n: int, label: str) -> None:
    tok = model.tokenizer
    schemes = [
        Scheme("kgw0", default_params("kgw").with_(payload_bits=0), 0),
        Scheme("kgw16", default_params("kgw"), 16),
        Scheme("gumbel24", default_params("gumbel"), 24),
    ]
    prompts = [(lang, p) for lang in PROMPTS for p in PROMPTS[lang]]
    texts: dict[str, list[tuple[list[int], int]]] = {}
    t0 = time.perf_counter()
    for sch in schemes + [Scheme("none", default_params("kgw"), 0)]:
        rows = []
        for i in range(n):
            lang, prompt = prompts[i % len(prompts)]
            req = GenerationRequest.from_prompt(prompt, max_tokens=max(LENGTHS), seed=1000 + i)
            payload = random.Random(i).getrandbits(sch.payload_bits) if sch.payload_bits else 0
            if sch.name == "none":
                gen_ids = _plain_ids(model, req)
            else:
                g = generate_watermarked(model, req, key=KEY, payload=payload, params=sch.params)
                gen_ids = tok.encode(g.text)
            rows.append((gen_ids, payload))
        texts[sch.name] = rows
    gen_s = time.perf_counter() - t0
    print(f"\n## {label}: {n} answers per scheme ({gen_s:.1f} s to generate)\n")
    print(
        "| detector | tokens | attack | TPR@1e-3 | TPR@1e-6 | payload exact | FP@1e-3 (unmarked) |"
    )
    print("|---|---|---|---|---|---|---|")
    det_tokens, det_s = 0, 0.0
    for sch in schemes:
        detectors: list[tuple[str, Callable[[list[int]], tuple[float, int | None]]]] = []

        def ours(ids: list[int], s: Scheme = sch) -> tuple[float, int | None]:
            r = score_ids(ids, key=KEY, params=s.params)
            return r.p_value, r.payload

        detectors.append((f"ours-{sch.name}", ours))
        if sch.name == "kgw0":
            detectors.append(
                ("ref-kgw0", lambda ids, s=sch: (reference_kgw_p(ids, s.params), None))
            )
        for dname, det in detectors:
            for length in LENGTHS:
                for rate in ATTACKS:
                    rng = random.Random(int(length * 10 + rate * 100))
                    ps, ok = [], 0
                    for ids, payload in texts[sch.name]:
                        text = substitute(tok.decode(ids[:length]), rate, rng)
                        enc = tok.encode(text)
                        t = time.perf_counter()
                        p, got = det(enc)
                        det_s += time.perf_counter() - t
                        det_tokens += len(enc)
                        ps.append(p)
                        ok += sch.payload_bits > 0 and p <= 1e-3 and got == payload
                    fp = (
                        sum(
                            det(tok.encode(tok.decode(ids[:length])))[0] <= 1e-3
                            for ids, _ in texts["none"]
                        )
                        if rate == 0
                        else None
                    )
                    tpr = [float(np.mean(np.array(ps) <= a)) for a in FPRS]
                    pay = f"{ok / len(ps):.2f}" if sch.payload_bits else "-"
                    fps = f"{fp}/{len(texts['none'])}" if fp is not None else ""
                    cells = [dname, length, f"{int(rate * 100)}%", f"{tpr[0]:.2f}", f"{tpr[1]:.2f}"]
                    print("| " + " | ".join(str(c) for c in [*cells, pay, fps]) + " |")
    rate_s = det_tokens / det_s
    print(f"\ndetection throughput: {rate_s:,.0f} tokens/s (one core, key + tokenizer only)")


def _plain_ids(model: LogitsModel, req: GenerationRequest) -> list[int]:
    from govloop.models._sampling import LocalTextModel

    assert isinstance(model, LocalTextModel)
    r = model.run(req)
    for _ in r.tokens(model):
        pass
    return r.ids


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=30, help="answers per scheme")
    ap.add_argument("--hf", help="also run on a local Hugging Face model directory")
    args = ap.parse_args()
    demo = open_text_model("demo")
    assert isinstance(demo, LogitsModel)
    run(demo, args.n, "demo model")
    if args.hf:
        hf = open_text_model(f"hf:{args.hf}")
        assert isinstance(hf, LogitsModel)
        run(hf, args.n, f"hf:{args.hf}")


if __name__ == "__main__":
    main()
