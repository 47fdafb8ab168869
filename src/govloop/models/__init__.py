"""Model adapters behind one interface: demo models, local Hugging Face models, HTTP endpoints.

``open_text_model(spec)`` turns a spec string into an adapter:

* ``demo`` (or ``demo:zh`` / ``demo:en``): the built-in n-gram model trained on shipped text;
* ``hf:/local/path``: a Hugging Face causal LM loaded from a local directory (extra ``hf``);
* ``openai:http://host:port/v1#model``: any OpenAI-compatible endpoint;
* ``python:package.module:function``: any Python callable ``(prompt) -> str``.

Adapters register themselves by scheme with :func:`register_text_adapter` (image adapters with
:func:`register_image_adapter`, ``demo-image`` built in; speech adapters with
:func:`register_speech_adapter`, ``espeak`` built in), entries of the ``text_model``,
``image_model`` and ``speech_model`` kinds of :data:`govloop.plugins.PLUGINS`; that is also how a
plugin adds one.
"""

from govloop.models._defaults import demo_tokenizer
from govloop.models._protocol import (
    ChatMessage,
    Generation,
    GenerationRequest,
    ImageModel,
    LogitsModel,
    LogitsProcessor,
    Speech,
    SpeechModel,
    TextModel,
    Tokenizer,
)
from govloop.models._registry import (
    IMAGE_MODELS,
    SPEECH_MODELS,
    TEXT_MODELS,
    AdapterParams,
    open_image_model,
    open_speech_model,
    open_text_model,
    register_image_adapter,
    register_speech_adapter,
    register_text_adapter,
)

__all__ = [
    "AdapterParams",
    "ChatMessage",
    "Generation",
    "GenerationRequest",
    "IMAGE_MODELS",
    "ImageModel",
    "LogitsModel",
    "LogitsProcessor",
    "SPEECH_MODELS",
    "Speech",
    "SpeechModel",
    "TEXT_MODELS",
    "TextModel",
    "Tokenizer",
    "demo_tokenizer",
    "open_image_model",
    "open_speech_model",
    "open_text_model",
    "register_image_adapter",
    "register_speech_adapter",
    "register_text_adapter",
]
