"""Watermarked generation with any :class:`~govloop.models.LogitsModel` (demo, HF, your own)."""

from __future__ import annotations

from typing import Any

from govloop.models import Generation, GenerationRequest, LogitsModel
from govloop.models.sampling import (
    LocalTextModel,
    SamplingRun,
    cut_at_stop,
    returned_tokens,
)
from govloop.watermark._keys import WatermarkKey
from govloop.watermark._result import payload_hex
from govloop.watermark.text._params import TextWatermarkParams, default_params
from govloop.watermark.text._processor import TextWatermarker


def watermark_info(params: TextWatermarkParams, key: WatermarkKey, payload: int) -> dict[str, Any]:
    """What a :class:`Generation` (and the ledger) records about the watermark."""
    info: dict[str, Any] = {
        "scheme": params.scheme,
        "payload": payload_hex(payload, params.payload_bits),
        "bits": params.payload_bits,
        "key_id": key.key_id,
        "context_width": params.context_width,
    }
    if params.scheme == "kgw":
        info.update(gamma=params.gamma, delta=params.delta)
    return info


def generate_watermarked(
    model: LogitsModel,
    request: GenerationRequest,
    *,
    key: WatermarkKey,
    payload: int,
    scheme: str = "kgw",
    params: TextWatermarkParams | None = None,
) -> Generation:
    """Generate an answer carrying ``payload`` under ``key`` (KGW or Gumbel).

    ``params`` overrides the scheme's shipped defaults (the detector must then be given the
    same parameters). The result's ``watermark`` field records scheme, payload (hex), bits and
    key id.
    """
    prm = params or default_params(scheme)
    marker = TextWatermarker(key, payload=payload, params=prm, temperature=request.temperature)
    info = watermark_info(prm, key, payload)
    if isinstance(model, LocalTextModel):
        return model.generate_sync(request, marker, watermark=info)
    tok = model.tokenizer
    run = SamplingRun(
        prompt_ids=tok.encode(request.prompt_text),
        max_tokens=request.max_tokens,
        temperature=request.temperature,
        seed=request.seed,
        processor=marker,
        eos_id=getattr(model, "eos_id", None),
    )
    for _ in run.tokens(model):
        pass
    text, stopped = cut_at_stop(tok.decode(run.ids), request.stop)
    return Generation(
        text=text,
        model=model.name,
        finish_reason="stop" if stopped else run.finish_reason,
        prompt_tokens=len(run.prompt_ids),
        completion_tokens=returned_tokens(run.ids, text, tok.decode),
        watermark=info,
    )
