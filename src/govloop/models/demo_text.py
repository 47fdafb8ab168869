"""The built-in demo text model: a Kneser-Ney n-gram model in Chinese and English, no download.

``open_text_model("demo")`` follows the language of the prompt (the majority script of the
context); ``demo:zh`` and ``demo:en`` fix it. The answer continues from the prompt's last tokens,
is reproducible with a seed, and samples with real entropy (about 2 nats per token at
temperature 1, measured by ``tests/models/test_demo_text.py``), which is what a fair
generation-time watermark test needs. It implements :class:`~govloop.models.TextModel` and
:class:`~govloop.models.LogitsModel`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from govloop.errors import InputError
from govloop.models._demo_tokenizer import N_BYTES, DemoTokenizer, is_cjk
from govloop.models._ngram import trained
from govloop.models._protocol import GenerationRequest
from govloop.models._registry import register_text_adapter
from govloop.models._sampling import LocalTextModel

LANGUAGE_CHOICES = ("auto", "en", "zh")
#: Context tokens looked at to decide the language in ``auto`` mode.
LANGUAGE_WINDOW = 64
_END_MARKS = {"en": ".!?", "zh": "。！？"}


class DemoTextModel(LocalTextModel):
    """Seeded n-gram text generator (TextModel + LogitsModel)."""

    def __init__(self, language: str = "auto") -> None:
        if language not in LANGUAGE_CHOICES:
            raise InputError(f"demo model language {language!r} must be one of auto, en, zh")
        self.language = language
        self._tok, self._models = trained()
        vocab = self._tok.vocab_size
        self._cjk = np.array([is_cjk(self._tok.piece(i)) for i in range(vocab)], dtype=bool)
        self._latin = np.array(
            [self._tok.piece(i).strip().isalpha() and not self._cjk[i] for i in range(vocab)],
            dtype=bool,
        )
        pieces = [self._tok.piece(i) if i >= N_BYTES else "" for i in range(vocab)]
        # A bare word right after a letter would merge with it when the text is re-tokenized.
        self._starts_alpha = np.array([p[:1].isascii() and p[:1].isalpha() for p in pieces])
        self._ends_alpha = np.array([p[-1:].isascii() and p[-1:].isalpha() for p in pieces])

    @property
    def name(self) -> str:
        """``demo`` or ``demo:<language>``."""
        return "demo" if self.language == "auto" else f"demo:{self.language}"

    @property
    def tokenizer(self) -> DemoTokenizer:
        """The demo tokenizer (also the default tokenizer of text watermark detection)."""
        return self._tok

    def language_of(self, context: Sequence[int]) -> str:
        """``zh`` or ``en``: fixed, or the majority script of the last context tokens."""
        if self.language != "auto":
            return self.language
        window = np.asarray(context[-LANGUAGE_WINDOW:], dtype=np.int64)
        window = window[(window >= 0) & (window < self._tok.vocab_size)]
        return "zh" if int(self._cjk[window].sum()) > int(self._latin[window].sum()) else "en"

    def next_logits(self, context: Sequence[int]) -> np.ndarray:
        """Log-probabilities of the next token; tokens the language never uses are ``-inf``."""
        p = self._models[self.language_of(context)].probs(context)
        if context and 0 <= context[-1] < len(p) and self._ends_alpha[context[-1]]:
            p = np.where(self._starts_alpha, 0.0, p)
        with np.errstate(divide="ignore"):
            logits: np.ndarray = np.log(p)
        return logits

    def encode_prompt(self, request: GenerationRequest) -> list[int]:
        """Prompt ids that seed the answer: the prompt, closed as a sentence."""
        text = request.prompt_text.strip()
        ids = self._tok.encode(text)
        lang = self.language_of(ids)
        if text and text[-1] not in _END_MARKS[lang]:
            ids += self._tok.encode(_END_MARKS[lang][0])
        return ids


@register_text_adapter("demo")
def open_demo(rest: str) -> DemoTextModel:
    """``demo``, ``demo:en`` or ``demo:zh``."""
    return DemoTextModel(rest or "auto")
