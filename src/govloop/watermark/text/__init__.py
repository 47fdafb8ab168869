"""Generation-time text watermarks with exact detection: KGW green lists and Gumbel sampling.

Generate with any local model that exposes logits (the demo model, a local Hugging Face model,
or any engine through :class:`TextWatermarker`); detect with the key and the tokenizer only::

    from govloop.watermark.text import detect_text, generate_watermarked

    gen = generate_watermarked(model, request, key=key, payload=tag)
    result = detect_text(gen.text, key=key)   # result.detected, result.p_value, result.payload
"""

from govloop.watermark.text._detect import (
    SchemeScore,
    default_tokenizer,
    detect_ids,
    detect_text,
    score_ids,
)
from govloop.watermark.text._generate import generate_watermarked, watermark_info
from govloop.watermark.text._params import SCHEMES, TextWatermarkParams, default_params
from govloop.watermark.text._processor import TextWatermarker, hf_logits_processor

__all__ = [
    "SCHEMES",
    "SchemeScore",
    "TextWatermarkParams",
    "TextWatermarker",
    "default_params",
    "default_tokenizer",
    "detect_ids",
    "detect_text",
    "generate_watermarked",
    "hf_logits_processor",
    "score_ids",
    "watermark_info",
]
