"""Text watermarks with a local Hugging Face model (a tiny random GPT-2 built here, no download).

Needs torch (the ``hf`` extra); only torch may skip, transformers is then required.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govloop.models import GenerationRequest, open_text_model
from govloop.models.hf import HFTokenizer
from govloop.watermark._keys import WatermarkKey
from govloop.watermark.text import (
    TextWatermarker,
    default_params,
    detect_text,
    generate_watermarked,
    hf_logits_processor,
)

torch = pytest.importorskip("torch")
KEY = WatermarkKey(b"\x21" * 32)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    root = tmp_path_factory.mktemp("tiny-gpt2-wm")
    words = [f"w{i}" for i in range(300)] + ["河", "山", "水"]
    vocab = {"<unk>": 0, "<eos>": 1} | {w: i + 2 for i, w in enumerate(words)}
    raw = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=raw, unk_token="<unk>", eos_token="<eos>"
    )
    torch.manual_seed(1)
    cfg = GPT2Config(vocab_size=len(vocab), n_positions=512, n_embd=32, n_layer=2, n_head=2)
    GPT2LMHeadModel(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    return root


@pytest.mark.parametrize("scheme", ["kgw", "gumbel"])
def test_generate_watermarked_with_hf_model(tiny: Path, scheme: str) -> None:
    model = open_text_model(f"hf:{tiny}")
    model.eos_id = None  # type: ignore[attr-defined]  # a random model may end early
    req = GenerationRequest.from_prompt("w1 w2 w3", max_tokens=300, seed=5)
    payload = 0xC0DE if scheme == "kgw" else 0xC0FFEE
    gen = generate_watermarked(model, req, key=KEY, payload=payload, scheme=scheme)  # type: ignore[arg-type]
    tok = HFTokenizer.from_path(tiny)
    result = detect_text(gen.text, key=KEY, tokenizer=tok)
    assert result.detected and result.scheme == scheme and result.payload == payload
    assert not detect_text(gen.text, key=WatermarkKey(b"\x22" * 32), tokenizer=tok).detected


def test_hf_logits_processor_in_model_generate(tiny: Path) -> None:
    from transformers import AutoModelForCausalLM

    hf = AutoModelForCausalLM.from_pretrained(str(tiny), local_files_only=True)
    tok = HFTokenizer.from_path(tiny)
    marker = TextWatermarker(KEY, payload=0x0042, params=default_params("kgw"))
    prompt = torch.tensor([tok.encode("w5 w6 w7")])
    torch.manual_seed(0)
    out = hf.generate(
        prompt,
        do_sample=True,
        max_new_tokens=200,
        min_new_tokens=200,
        logits_processor=[hf_logits_processor(marker)],
        pad_token_id=1,
    )
    text = tok.decode(out[0, prompt.shape[1] :].tolist())
    result = detect_text(text, key=KEY, tokenizer=tok)
    assert result.detected and result.payload == 0x0042
