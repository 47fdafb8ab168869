"""Generation side: a logits processor for any engine, and its Hugging Face wrapper.

:class:`TextWatermarker` is a plain callable ``(context_ids, logits) -> logits`` (the
:data:`govloop.models.LogitsProcessor` shape), so vLLM, llama.cpp bindings or a hand-written loop
can call it with NumPy logits. ``hf_logits_processor`` wraps it as a transformers
``LogitsProcessor`` for ``model.generate(logits_processor=[...])``.

* KGW adds ``delta`` to the green tokens of the context's payload hypothesis.
* Gumbel (Aaronson's exponential sampling) picks ``argmax u_t ** (1 / p_t)`` with keyed uniforms
  ``u`` and returns logits that force that token: any sampler then emits it, and over the key the
  output is distributed exactly as the model's. A context already seen in this generation is left
  alone (it would repeat deterministically and the detector counts each pair once anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from govloop.watermark._keys import WatermarkKey
from govloop.watermark.text import _prf
from govloop.watermark.text._params import TextWatermarkParams, default_params


class TextWatermarker:
    """Keyed watermark for one generation (create a fresh one, or :meth:`fresh`, per sequence)."""

    def __init__(
        self,
        key: WatermarkKey,
        *,
        payload: int = 0,
        params: TextWatermarkParams | None = None,
        temperature: float = 1.0,
    ) -> None:
        self.params = params or default_params()
        self.params.check_payload(payload)
        self.key = key
        self.payload = payload
        self.temperature = temperature
        self._subkey = self.params.subkey(key)
        self._digits = self.params.to_digits(payload)
        self._seen: set[tuple[int, ...]] = set()
        self._tokens: np.ndarray = np.zeros(0, dtype=np.uint64)

    def fresh(self) -> TextWatermarker:
        """Same key, payload and parameters, with an empty context history."""
        return TextWatermarker(
            self.key, payload=self.payload, params=self.params, temperature=self.temperature
        )

    def _vocab(self, size: int) -> np.ndarray:
        if self._tokens.shape[0] != size:
            self._tokens = np.arange(size, dtype=np.uint64)
        return self._tokens

    def seed_for(self, context: Sequence[int]) -> tuple[int, int] | None:
        """(hypothesis seed, digit value) for the next token, or None before ``h`` tokens."""
        h = self.params.context_width
        if len(context) < h:
            return None
        seed = np.array([_prf.context_seed(self._subkey, context[len(context) - h :])], np.uint64)
        digit = 0
        if self.params.digits:
            digit = self._digits[int(_prf.positions(seed, self.params.digits)[0])]
        return int(seed[0]), digit

    def green_mask(self, context: Sequence[int], vocab_size: int) -> np.ndarray | None:
        """KGW green list of the next token (boolean over the vocabulary)."""
        got = self.seed_for(context)
        if got is None:
            return None
        seed, digit = got
        u = _prf.uniforms(np.array([seed], dtype=np.uint64), self._vocab(vocab_size))
        lo = digit * self.params.gamma
        return (u >= lo) & (u < lo + self.params.gamma)

    def __call__(self, context: Sequence[int], logits: np.ndarray) -> np.ndarray:
        """Adjusted logits for the token after ``context``."""
        logits = np.asarray(logits, dtype=np.float64)
        if self.params.scheme == "kgw":
            mask = self.green_mask(context, logits.shape[-1])
            return logits if mask is None else logits + self.params.delta * mask
        return self._gumbel(context, logits)

    def _gumbel(self, context: Sequence[int], logits: np.ndarray) -> np.ndarray:
        h = self.params.context_width
        if self.temperature <= 0 or len(context) < h:
            return logits
        ctx = tuple(int(t) for t in context[len(context) - h :])
        if ctx in self._seen:
            return logits
        self._seen.add(ctx)
        got = self.seed_for(context)
        assert got is not None
        seed, digit = got
        hseed = _prf.hypothesis_seeds(np.array([seed], dtype=np.uint64), self.params.values)
        u = _prf.uniforms(hseed[0, digit : digit + 1], self._vocab(logits.shape[-1]))
        z = logits / self.temperature
        p = np.exp(z - np.max(z))
        p /= p.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(p > 0, np.log(u) / p, -np.inf)
        out = np.full_like(logits, -np.inf)
        out[int(np.argmax(score))] = 0.0
        return out


def hf_logits_processor(watermarker: TextWatermarker) -> Any:
    """A transformers ``LogitsProcessor`` applying ``watermarker`` to every row of a batch.

    Each batch row gets its own history. Use a new processor per ``generate`` call.
    """
    try:
        import torch
        from transformers import LogitsProcessor
    except ImportError as exc:
        from govloop.errors import missing_extra

        raise missing_extra("transformers", "hf") from exc

    class HFTextWatermark(LogitsProcessor):
        """Keyed text watermark (govloop) as a transformers logits processor."""

        def __init__(self) -> None:
            self.rows: dict[int, TextWatermarker] = {}

        def __call__(self, input_ids: Any, scores: Any) -> Any:
            out = scores.clone()
            for b in range(input_ids.shape[0]):
                wm = self.rows.setdefault(b, watermarker.fresh())
                adj = wm(input_ids[b].tolist(), scores[b].float().cpu().numpy())
                out[b] = torch.from_numpy(adj).to(device=scores.device, dtype=scores.dtype)
            return out

    return HFTextWatermark()
