"""The local Hugging Face adapter, on a tiny randomly initialised GPT-2 built in the test.

Needs torch (the ``hf`` extra); transformers is then required too, so only torch may skip.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govloop.errors import InputError, ModelError
from govloop.models import GenerationRequest, LogitsModel, TextModel, open_text_model

torch = pytest.importorskip("torch")


def build_tiny_model(root: Path) -> Path:
    """A 2-layer GPT-2 with a word-level tokenizer, saved locally (no download)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    words = "the a river market rain sun city road 的 河 山 水 人 , . ! ?".split()
    vocab = {"<unk>": 0, "<eos>": 1} | {w: i + 2 for i, w in enumerate(words)}
    raw = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=raw, unk_token="<unk>", eos_token="<eos>"
    )
    torch.manual_seed(0)
    cfg = GPT2Config(
        vocab_size=len(vocab),
        n_positions=512,
        n_embd=32,
        n_layer=2,
        n_head=2,
        bos_token_id=1,
        eos_token_id=1,
    )
    GPT2LMHeadModel(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    return root


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-gpt2"))


def test_hf_model_implements_protocols_and_is_seeded(tiny: Path) -> None:
    model = open_text_model(f"hf:{tiny}")
    assert isinstance(model, TextModel) and isinstance(model, LogitsModel)
    assert model.name == f"hf:{tiny.name}"
    ids = model.tokenizer.encode("the river")
    logits = model.next_logits(ids)
    assert logits.shape == (model.tokenizer.vocab_size,)


async def test_hf_generate_reproducible_and_cache_consistent(tiny: Path) -> None:
    model = open_text_model(f"hf:{tiny}")
    req = GenerationRequest.from_prompt("the river", max_tokens=20, seed=3)
    a = await model.generate(req)
    b = await model.generate(req)
    assert a.text == b.text and a.completion_tokens <= 20
    ctx = model.tokenizer.encode("the river the city")  # type: ignore[attr-defined]
    cached = [model.next_logits(ctx[:i]) for i in range(1, len(ctx) + 1)][-1]  # type: ignore[attr-defined]
    fresh = open_text_model(f"hf:{tiny}").next_logits(ctx)  # type: ignore[attr-defined]
    assert abs(cached - fresh).max() < 1e-4
    parts = [d async for d in model.stream(req)]
    assert "".join(parts) == a.text


def test_hf_refuses_missing_or_broken_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a local directory"):
        open_text_model(f"hf:{tmp_path / 'nope'}")
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    with pytest.raises(ModelError, match="cannot load"):
        open_text_model(f"hf:{tmp_path}")
    with pytest.raises(InputError, match="needs a local path"):
        open_text_model("hf:")


def test_missing_extra_names_hf(monkeypatch: pytest.MonkeyPatch, tiny: Path) -> None:
    import builtins

    from govloop.errors import ConfigError

    real = builtins.__import__

    def fake(name: str, *args: object, **kwargs: object) -> object:
        if name == "transformers":
            raise ImportError("No module named 'transformers'")
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ConfigError, match=r"govloop\[hf\]"):
        open_text_model(f"hf:{tiny}")
