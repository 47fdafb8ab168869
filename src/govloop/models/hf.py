"""Local Hugging Face causal language models: ``open_text_model("hf:/path/to/model")``.

The model and tokenizer load with ``local_files_only=True``: nothing is downloaded, ever. Torch
and transformers are the optional extra ``hf`` and are imported only when a model is opened.
The adapter implements :class:`~govloop.models.TextModel` (sampling locally with a seeded
generator) and :class:`~govloop.models.LogitsModel` (for generation-time watermarks); the
:class:`HFTokenizer` is what text watermark detection needs for texts from this model.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from govloop.errors import InputError, ModelError, missing_extra
from govloop.models._protocol import GenerationRequest
from govloop.models._registry import register_text_adapter
from govloop.models._sampling import LocalTextModel


def _import_hf() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        name = "torch" if "torch" in str(exc) else "transformers"
        raise missing_extra(name, "hf") from exc
    return torch, transformers


class HFTokenizer:
    """A transformers tokenizer behind the :class:`~govloop.models.Tokenizer` protocol."""

    def __init__(self, tokenizer: Any, vocab_size: int | None = None) -> None:
        self.hf = tokenizer
        self._vocab_size = int(vocab_size or len(tokenizer))

    @classmethod
    def from_path(cls, path: str | Path) -> HFTokenizer:
        """Load a tokenizer from a local directory (no download)."""
        _, transformers = _import_hf()
        try:
            tok = transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: cannot load a tokenizer: {exc}") from exc
        return cls(tok)

    @property
    def vocab_size(self) -> int:
        """Number of token ids (the model's logits width when known)."""
        return self._vocab_size

    def encode(self, text: str) -> list[int]:
        """Text to token ids, without special tokens."""
        return list(self.hf.encode(text, add_special_tokens=False))

    def decode(self, ids: Sequence[int]) -> str:
        """Token ids to text, special tokens dropped."""
        return str(self.hf.decode([int(i) for i in ids], skip_special_tokens=True))


class HFTextModel(LocalTextModel):
    """A causal LM from a local directory, with an incremental key-value cache."""

    offload = True

    def __init__(self, path: str | Path, *, device: str | None = None) -> None:
        torch, transformers = _import_hf()
        root = Path(path).expanduser()
        if not root.is_dir():
            raise InputError(f"hf model path {str(root)!r} is not a local directory")
        self._torch = torch
        self._device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        try:
            model = transformers.AutoModelForCausalLM.from_pretrained(
                str(root), local_files_only=True
            )
        except (OSError, ValueError) as exc:
            raise ModelError(f"{root}: cannot load a causal language model: {exc}") from exc
        self._model = model.to(self._device).eval()
        # transformers 5 renamed ``past_key_values`` to ``cache``; accept either.
        params = inspect.signature(model.forward).parameters
        self._cache_arg = "cache" if "cache" in params else "past_key_values"
        width = int(getattr(model.config, "vocab_size", 0) or 0) or None
        self._tok = HFTokenizer.from_path(root)
        self._tok = HFTokenizer(self._tok.hf, width)
        self._name = f"hf:{root.name}"
        self.eos_id = self._tok.hf.eos_token_id
        self._start_id = self._tok.hf.bos_token_id
        if self._start_id is None:
            self._start_id = self.eos_id if self.eos_id is not None else 0
        self._cache_ids: list[int] = []
        self._past: Any = None

    @property
    def name(self) -> str:
        """``hf:<directory name>``."""
        return self._name

    @property
    def tokenizer(self) -> HFTokenizer:
        """The model's tokenizer."""
        return self._tok

    def encode_prompt(self, request: GenerationRequest) -> list[int]:
        """The chat template when the tokenizer has one, else the plain prompt."""
        hf = self._tok.hf
        if getattr(hf, "chat_template", None):
            messages = [{"role": m.role, "content": m.content} for m in request.messages]
            ids = hf.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
            if hasattr(ids, "get"):  # a BatchEncoding
                ids = ids["input_ids"]
            return [int(i) for i in ids]
        return self._tok.encode(request.prompt_text)

    def next_logits(self, context: Sequence[int]) -> np.ndarray:
        """Logits of the next token, reusing the cache when ``context`` extends the last one."""
        torch = self._torch
        ids = [int(t) for t in context] or [int(self._start_id)]
        n = len(self._cache_ids)
        reuse = self._past is not None and 0 < n < len(ids) and ids[:n] == self._cache_ids
        new = ids[n:] if reuse else ids
        with torch.inference_mode():
            x = torch.tensor([new], dtype=torch.long, device=self._device)
            past = {self._cache_arg: self._past if reuse else None}
            out = self._model(input_ids=x, use_cache=True, **past)
        self._past = getattr(out, self._cache_arg, None)
        self._cache_ids = ids
        logits: np.ndarray = out.logits[0, -1].float().cpu().numpy().astype(np.float64)
        return logits


@register_text_adapter("hf")
def open_hf(rest: str) -> HFTextModel:
    """``hf:/local/path``."""
    if not rest:
        raise InputError("hf model spec needs a local path: hf:/path/to/model")
    return HFTextModel(rest)
