"""Model adapters behind one interface: demo models, local Hugging Face models, HTTP endpoints.

``open_text_model(spec)`` turns a spec string into an adapter:

* ``demo`` (or ``demo:zh`` / ``demo:en``): the built-in n-gram model trained on shipped text;
* ``hf:/local/path``: a Hugging Face causal LM loaded from a local directory (extra ``hf``);
* ``openai:http://host:port/v1#model``: any OpenAI-compatible endpoint;
* ``python:package.module:function``: any Python callable ``(prompt) -> str``.

Adapters register themselves by scheme with :func:`register_text_adapter`, which is also how a
plugin adds one.
"""

from govloop.models._protocol import (
    ChatMessage,
    Generation,
    GenerationRequest,
    ImageModel,
    LogitsModel,
    LogitsProcessor,
    TextModel,
    Tokenizer,
)
from govloop.models._registry import open_image_model, open_text_model, register_text_adapter

__all__ = [
    "ChatMessage",
    "Generation",
    "GenerationRequest",
    "ImageModel",
    "LogitsModel",
    "LogitsProcessor",
    "TextModel",
    "Tokenizer",
    "open_image_model",
    "open_text_model",
    "register_text_adapter",
]
