"""The model-adapter interface every capability uses: demo models, local HF models, endpoints.

Text models answer a :class:`GenerationRequest` with a :class:`Generation` (or a stream of text
deltas). Local models that expose next-token logits also implement :class:`LogitsModel`, which
is what generation-time watermarking needs: a :data:`LogitsProcessor` sees the context token ids
and the logits of the next token and returns adjusted logits (or a sampler chooses the token).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat conversation."""

    role: str
    """``system``, ``user`` or ``assistant``."""
    content: str
    """The message text."""


@dataclass(frozen=True)
class GenerationRequest:
    """What to generate: a conversation (or a plain prompt as one user message)."""

    messages: tuple[ChatMessage, ...]
    """The conversation so far; a completion prompt is one ``user`` message."""
    max_tokens: int = 256
    """Upper bound on generated tokens."""
    temperature: float = 1.0
    """Sampling temperature; 0 means greedy."""
    seed: int | None = None
    """Seed for reproducible sampling, where the model supports it."""
    stop: tuple[str, ...] = ()
    """Stop strings."""

    @classmethod
    def from_prompt(cls, prompt: str, **kwargs: Any) -> GenerationRequest:
        """A request with a single user message."""
        return cls(messages=(ChatMessage("user", prompt),), **kwargs)

    @property
    def prompt_text(self) -> str:
        """The conversation flattened to text (the last user message for one-turn requests)."""
        if len(self.messages) == 1:
            return self.messages[0].content
        return "\n".join(f"{m.role}: {m.content}" for m in self.messages)


@dataclass(frozen=True)
class Generation:
    """A finished text generation."""

    text: str
    """The generated text."""
    model: str
    """Name of the model that produced it."""
    finish_reason: str = "stop"
    """``stop``, ``length`` or ``content_filter``."""
    prompt_tokens: int = 0
    """Tokens in the prompt, as the model counts them."""
    completion_tokens: int = 0
    """Tokens generated."""
    watermark: dict[str, Any] | None = None
    """Watermark scheme parameters and payload, when the text was watermarked at generation."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Adapter-specific details (raw response ids, latency)."""


@runtime_checkable
class TextModel(Protocol):
    """A text generator: demo model, local model, HTTP endpoint or any callable."""

    @property
    def name(self) -> str:
        """Model name as served and recorded."""
        ...

    async def generate(self, request: GenerationRequest) -> Generation:
        """Generate a full answer."""
        ...

    def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """Generate an answer as text deltas."""
        ...


#: Given the context token ids and the next-token logits, return adjusted logits.
LogitsProcessor = Callable[[Sequence[int], "np.ndarray"], "np.ndarray"]


@runtime_checkable
class Tokenizer(Protocol):
    """The part of a tokenizer that watermark detection needs."""

    def encode(self, text: str) -> list[int]:
        """Text to token ids."""
        ...

    def decode(self, ids: Sequence[int]) -> str:
        """Token ids to text."""
        ...

    @property
    def vocab_size(self) -> int:
        """Number of token ids."""
        ...


@runtime_checkable
class LogitsModel(Protocol):
    """A local model that exposes next-token logits (demo n-gram model, HF model)."""

    @property
    def name(self) -> str:
        """Model name."""
        ...

    @property
    def tokenizer(self) -> Tokenizer:
        """The model's tokenizer."""
        ...

    def next_logits(self, context: Sequence[int]) -> np.ndarray:
        """Logits (float array of ``vocab_size``) for the token after ``context``."""
        ...


@runtime_checkable
class ImageModel(Protocol):
    """An image generator."""

    @property
    def name(self) -> str:
        """Model name."""
        ...

    def generate_image(
        self, prompt: str, *, size: tuple[int, int] = (512, 512), seed: int | None = None
    ) -> Image.Image:
        """Generate one RGB image for ``prompt``."""
        ...


@dataclass(frozen=True)
class Speech:
    """Synthesised speech: mono float samples in [-1, 1] and their rate."""

    samples: np.ndarray
    """Mono float32 samples."""
    rate: int
    """Samples per second."""

    @property
    def seconds(self) -> float:
        """Duration."""
        return len(self.samples) / self.rate if self.rate else 0.0


@runtime_checkable
class SpeechModel(Protocol):
    """A text-to-speech generator (what ``POST /v1/audio/speech`` serves)."""

    @property
    def name(self) -> str:
        """Model name."""
        ...

    @property
    def voices(self) -> tuple[str, ...]:
        """Voice names :meth:`synthesize` accepts."""
        ...

    def synthesize(self, text: str, *, voice: str, speed: float = 1.0) -> Speech:
        """Speak ``text`` with ``voice`` at ``speed`` (1.0 = the model's normal pace)."""
        ...
