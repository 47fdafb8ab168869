"""The built-in demo text model: languages, seeds, entropy, tokenizer round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govloop.errors import InputError
from govloop.models import (
    GenerationRequest,
    LogitsModel,
    TextModel,
    Tokenizer,
    open_text_model,
)
from govloop.models._sampling import entropy
from govloop.models.demo_text import DemoTextModel

EN = "Tell me about the river and the market"
ZH = "请介绍一下山村的集市"


@pytest.fixture(scope="module")
def demo() -> DemoTextModel:
    model = open_text_model("demo")
    assert isinstance(model, DemoTextModel)
    return model


def test_demo_implements_protocols(demo: DemoTextModel) -> None:
    assert isinstance(demo, TextModel)
    assert isinstance(demo, LogitsModel)
    assert isinstance(demo.tokenizer, Tokenizer)
    assert demo.next_logits([]).shape == (demo.tokenizer.vocab_size,)


async def test_same_seed_same_text_other_seed_other_text(demo: DemoTextModel) -> None:
    a = await demo.generate(GenerationRequest.from_prompt(EN, max_tokens=60, seed=7))
    b = await demo.generate(GenerationRequest.from_prompt(EN, max_tokens=60, seed=7))
    c = await demo.generate(GenerationRequest.from_prompt(EN, max_tokens=60, seed=8))
    assert a.text == b.text
    assert a.text != c.text
    assert a.completion_tokens == 60 and a.finish_reason == "length"
    assert a.model == "demo"


@pytest.mark.parametrize(("prompt", "cjk"), [(EN, False), (ZH, True)])
async def test_answer_follows_prompt_language(demo: DemoTextModel, prompt: str, cjk: bool) -> None:
    gen = await demo.generate(GenerationRequest.from_prompt(prompt, max_tokens=80, seed=1))
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in gen.text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in gen.text)
    assert (han > latin) is cjk


async def test_fixed_language_variant() -> None:
    model = open_text_model("demo:zh")
    gen = await model.generate(GenerationRequest.from_prompt("hello", max_tokens=40, seed=3))
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in gen.text) > 20
    with pytest.raises(InputError, match="demo model language 'fr'"):
        open_text_model("demo:fr")


async def test_stream_concatenates_to_generate(demo: DemoTextModel) -> None:
    req = GenerationRequest.from_prompt(EN, max_tokens=50, seed=11)
    parts = [d async for d in demo.stream(req)]
    assert len(parts) > 10
    assert "".join(parts) == (await demo.generate(req)).text


async def test_stop_string_cuts_answer(demo: DemoTextModel) -> None:
    full = await demo.generate(GenerationRequest.from_prompt(EN, max_tokens=80, seed=2))
    stop = full.text[20:23]
    cut = await demo.generate(
        GenerationRequest.from_prompt(EN, max_tokens=80, seed=2, stop=(stop,))
    )
    assert cut.finish_reason == "stop"
    assert cut.text == full.text[: full.text.find(stop)]


@pytest.mark.parametrize("prompt", [EN, ZH])
def test_mean_entropy_is_high_enough_for_watermarking(demo: DemoTextModel, prompt: str) -> None:
    """Measured ~2.0 nats (en) and ~1.9 nats (zh) per token at temperature 1."""
    values = []
    for seed in range(3):
        run = demo.run(GenerationRequest.from_prompt(prompt, max_tokens=150, seed=seed))
        for _ in run.tokens(demo):
            pass
        ids = run.prompt_ids + run.ids
        values += [entropy(demo.next_logits(ids[:i])) for i in range(len(run.prompt_ids), len(ids))]
    assert np.mean(values) > 1.5


def test_generated_ids_survive_decode_encode(demo: DemoTextModel) -> None:
    for prompt in (EN, ZH):
        run = demo.run(GenerationRequest.from_prompt(prompt, max_tokens=200, seed=5))
        for _ in run.tokens(demo):
            pass
        assert demo.tokenizer.encode(demo.tokenizer.decode(run.ids)) == run.ids


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_tokenizer_round_trips_any_text(text: str) -> None:
    tok = open_text_model("demo").tokenizer  # type: ignore[attr-defined]
    ids = tok.encode(text)
    assert all(0 <= i < tok.vocab_size for i in ids)
    assert tok.decode(ids) == text


def test_vocabulary_is_stable() -> None:
    """Watermark detection depends on token ids: pin a few so a corpus change is noticed."""
    tok = open_text_model("demo").tokenizer  # type: ignore[attr-defined]
    assert tok.decode(tok.encode("The river 河流")) == "The river 河流"
    assert len(tok.encode(" river")) == 1 and len(tok.encode("河")) == 1
    assert tok.vocab_size == 2681
