"""Generation and detection with the demo model: payloads, wrong keys, calibration, attacks."""

from __future__ import annotations

import random

import numpy as np
import pytest

from govloop.errors import InputError
from govloop.models import GenerationRequest, open_text_model
from govloop.models.demo_text import DemoTextModel
from govloop.watermark._keys import WatermarkKey
from govloop.watermark._result import WatermarkResult
from govloop.watermark.text import (
    TextWatermarker,
    default_params,
    detect_ids,
    detect_text,
    generate_watermarked,
    score_ids,
)

KEY = WatermarkKey(b"\x07" * 32)
OTHER = WatermarkKey(b"\x08" * 32)
PROMPTS = {"en": "Tell me about the harbour in winter", "zh": "请写一段关于城市和河流的文字"}


@pytest.fixture(scope="module")
def demo() -> DemoTextModel:
    model = open_text_model("demo")
    assert isinstance(model, DemoTextModel)
    return model


def marked(demo: DemoTextModel, lang: str, scheme: str, payload: int, n: int, seed: int) -> str:
    req = GenerationRequest.from_prompt(PROMPTS[lang], max_tokens=n, seed=seed)
    gen = generate_watermarked(demo, req, key=KEY, payload=payload, scheme=scheme)
    assert gen.watermark is not None and gen.watermark["key_id"] == KEY.key_id
    return gen.text


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("scheme", ["kgw", "gumbel"])
def test_payload_round_trip_at_300_tokens(demo: DemoTextModel, lang: str, scheme: str) -> None:
    bits = default_params(scheme).payload_bits
    assert bits >= 16
    for seed in range(3):
        payload = random.Random(seed).getrandbits(bits)
        text = marked(demo, lang, scheme, payload, 300, seed)
        result = detect_text(text, key=KEY)
        assert isinstance(result, WatermarkResult)
        assert result.detected and result.p_value < 1e-6
        assert result.scheme == scheme and result.payload == payload
        assert result.to_json()["payload"] == f"{payload:0{bits // 4}x}"


@pytest.mark.parametrize("scheme", ["kgw", "gumbel"])
def test_wrong_key_and_plain_text_not_detected(demo: DemoTextModel, scheme: str) -> None:
    text = marked(demo, "en", scheme, 0x1234, 300, 4)
    wrong = detect_text(text, key=OTHER)
    assert not wrong.detected and wrong.payload is None and wrong.p_value > 1e-3
    assert wrong.key_id == OTHER.key_id


def test_unwatermarked_false_positive_rate_within_nominal(demo: DemoTextModel) -> None:
    """Many unmarked demo texts (repetitive, low entropy) and random ids: FPR <= alpha."""
    pvals: list[float] = []
    zero_bit = [
        default_params("kgw").with_(payload_bits=0),
        default_params("gumbel").with_(payload_bits=0),
    ]
    exact: list[float] = []
    for seed in range(150):
        lang = "en" if seed % 2 else "zh"
        run = demo.run(GenerationRequest.from_prompt(PROMPTS[lang], max_tokens=40, seed=seed))
        for _ in run.tokens(demo):
            pass
        pvals.append(detect_ids(run.ids, key=KEY).p_value)
        exact += [score_ids(run.ids, key=KEY, params=p).p_value for p in zero_bit]
    rng = np.random.default_rng(0)
    for _ in range(150):
        ids = rng.integers(0, 2000, size=30).tolist()
        exact += [score_ids(ids, key=KEY, params=p).p_value for p in zero_bit]
    for alpha in (0.01, 0.05, 0.2):
        assert np.mean(np.array(pvals) <= alpha) <= alpha
        # Zero-bit tests are exact (not conservative): allow binomial noise around alpha.
        rate = float(np.mean(np.array(exact) <= alpha))
        assert rate <= alpha + 3 * np.sqrt(alpha * (1 - alpha) / len(exact))


def test_repeated_text_is_scored_once(demo: DemoTextModel) -> None:
    text = marked(demo, "en", "kgw", 0xBEEF, 60, 1)
    once = detect_text(text, key=KEY)
    many = detect_text((text + " ") * 10, key=KEY)
    assert many.details["scored"] <= once.details["scored"] + 25
    # An unmarked phrase repeated many times must not look watermarked.
    assert not detect_text("the river runs past the mill. " * 60, key=KEY).detected


@pytest.mark.parametrize("scheme", ["kgw", "gumbel"])
def test_survives_ten_percent_word_substitution(demo: DemoTextModel, scheme: str) -> None:
    rng = random.Random(3)
    text = marked(demo, "en", scheme, 0x00AB, 300, 9)
    words = text.split(" ")
    vocab = ["stone", "window", "music", "quiet", "paper", "forest", "light", "yellow"]
    for i in rng.sample(range(len(words)), len(words) // 10):
        words[i] = rng.choice(vocab)
    assert detect_text(" ".join(words), key=KEY).detected


def test_short_empty_and_bad_input() -> None:
    empty = detect_text("", key=KEY)
    assert not empty.detected and empty.p_value == 1.0 and empty.details["scored"] == 0
    with pytest.raises(InputError, match="must be a str"):
        detect_text(b"bytes", key=KEY)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="does not fit in 16 bits"):
        TextWatermarker(KEY, payload=1 << 16)
    with pytest.raises(InputError, match="scheme 'x'"):
        default_params("x")
    with pytest.raises(InputError, match="payload_bits 15"):
        default_params().with_(payload_bits=15)


def test_gumbel_processor_forces_one_token_and_skips_repeated_context() -> None:
    marker = TextWatermarker(KEY, params=default_params("gumbel"))
    logits = np.log(np.full(50, 1 / 50))
    out = marker([1, 2, 3], logits)
    assert np.isfinite(out).sum() == 1
    assert np.array_equal(marker([9, 1, 2, 3], logits), logits)  # same last-3 context again
    assert np.isfinite(marker.fresh()([1, 2, 3], logits)).sum() == 1


def test_gumbel_sampling_is_unbiased_over_keys() -> None:
    """Distortion-free: over random keys the chosen token follows the model distribution."""
    p = np.array([0.5, 0.3, 0.15, 0.05])
    counts = np.zeros(4)
    for k in range(2000):
        marker = TextWatermarker(
            WatermarkKey(k.to_bytes(32, "big")), params=default_params("gumbel")
        )
        counts[int(np.argmax(marker([4, 5, 6], np.log(p))))] += 1
    assert np.abs(counts / counts.sum() - p).max() < 0.04
