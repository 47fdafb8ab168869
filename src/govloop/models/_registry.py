"""Model adapters behind the plugin registry: a scheme (``demo``, ``hf``, ...) maps to a factory.

Text adapters are entries of kind ``text_model`` and image adapters of kind ``image_model`` in
:data:`govloop.plugins.PLUGINS`; a spec ``scheme:rest`` opens the adapter named ``scheme`` with
the parameter ``spec=rest`` (what a run config stores). Built-in adapters live in modules with
optional heavy dependencies, so each is registered as a lazy entry that imports its module on
first use (the module's own :func:`register_text_adapter` then replaces the entry).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from govloop.errors import InputError
from govloop.models._protocol import ImageModel, SpeechModel, TextModel
from govloop.plugins import PLUGINS, Registry

M = TypeVar("M")
TextFactory = Callable[[str], TextModel]
ImageFactory = Callable[[str], ImageModel]
SpeechFactory = Callable[[str], SpeechModel]

#: Built-in schemes and the module that registers each (imported lazily: heavy deps stay optional).
_BUILTIN_MODULES: dict[str, str] = {
    "demo": "govloop.models.demo_text",
    "hf": "govloop.models.hf",
    "openai": "govloop.models.openai_http",
    "python": "govloop.models.callable",
}

#: The ``text_model`` and ``image_model`` kinds of the plugin registry.
TEXT_MODELS: Registry[TextModel] = PLUGINS.text_model
IMAGE_MODELS: Registry[ImageModel] = PLUGINS.image_model
#: The ``speech_model`` kind (text to speech; ``espeak`` built in).
SPEECH_MODELS: Registry[SpeechModel] = PLUGINS.speech_model


class AdapterParams(BaseModel):
    """Parameters of a model adapter: the part of the spec after ``scheme:``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    spec: str = ""
    """``/path`` of ``hf:/path``, ``URL#model`` of ``openai:URL#model``, ..."""


def _wrap(factory: Callable[[str], M]) -> Callable[[AdapterParams], M]:
    def build(params: AdapterParams) -> M:
        return factory(params.spec)

    build.__module__ = getattr(factory, "__module__", __name__)
    build.__qualname__ = getattr(factory, "__qualname__", "adapter")
    build.__doc__ = factory.__doc__
    return build


def _lazy_text(scheme: str, module: str) -> Callable[[AdapterParams], TextModel]:
    def build(params: AdapterParams) -> TextModel:
        importlib.import_module(module)  # its decorator replaces this entry with the real one
        entry = TEXT_MODELS.get(scheme)
        if entry.factory is build:
            raise InputError(f"model module {module} did not register the {scheme!r} scheme")
        return TEXT_MODELS.create(scheme, params)

    build.__module__ = module
    return build


def _text_builtins() -> None:
    for scheme, module in _BUILTIN_MODULES.items():
        if TEXT_MODELS.peek(scheme) is None:  # its module may be imported already
            TEXT_MODELS.register(
                scheme, _lazy_text(scheme, module), params=AdapterParams, builtin=True
            )


def _image_builtins() -> None:
    def demo_image(params: AdapterParams) -> ImageModel:
        from govloop.models.demo_image import DemoImageModel

        del params
        return DemoImageModel()

    demo_image.__module__ = "govloop.models.demo_image"
    IMAGE_MODELS.register("demo-image", demo_image, params=AdapterParams, builtin=True)


def _speech_builtins() -> None:
    def espeak(params: AdapterParams) -> SpeechModel:
        from govloop.models.espeak import EspeakSpeechModel

        return EspeakSpeechModel.from_spec(params.spec)

    espeak.__module__ = "govloop.models.espeak"
    SPEECH_MODELS.register("espeak", espeak, params=AdapterParams, builtin=True)


TEXT_MODELS.set_builtins(_text_builtins, expect=TextModel)
IMAGE_MODELS.set_builtins(_image_builtins, expect=ImageModel)
SPEECH_MODELS.set_builtins(_speech_builtins, expect=SpeechModel)


def register_text_adapter(scheme: str) -> Callable[[TextFactory], TextFactory]:
    """Decorator: register ``factory(rest_of_spec) -> TextModel`` for ``scheme``."""

    def deco(factory: TextFactory) -> TextFactory:
        builtin = scheme in _BUILTIN_MODULES and factory.__module__ == _BUILTIN_MODULES[scheme]
        TEXT_MODELS.register(
            scheme, _wrap(factory), params=AdapterParams, replace=True, builtin=builtin
        )
        return factory

    return deco


def register_image_adapter(scheme: str) -> Callable[[ImageFactory], ImageFactory]:
    """Decorator: register ``factory(rest_of_spec) -> ImageModel`` for ``scheme``."""

    def deco(factory: ImageFactory) -> ImageFactory:
        IMAGE_MODELS.register(scheme, _wrap(factory), params=AdapterParams, replace=True)
        return factory

    return deco


def register_speech_adapter(scheme: str) -> Callable[[SpeechFactory], SpeechFactory]:
    """Decorator: register ``factory(rest_of_spec) -> SpeechModel`` for ``scheme``."""

    def deco(factory: SpeechFactory) -> SpeechFactory:
        SPEECH_MODELS.register(scheme, _wrap(factory), params=AdapterParams, replace=True)
        return factory

    return deco


def open_text_model(spec: str) -> TextModel:
    """Open a text model from a spec such as ``demo``, ``hf:/path`` or ``openai:URL#model``."""
    scheme, _, rest = spec.partition(":")
    if scheme not in TEXT_MODELS:
        known = ", ".join(sorted(TEXT_MODELS.names()))
        raise InputError(f"unknown model spec {spec!r}: scheme {scheme!r} is not one of {known}")
    return TEXT_MODELS.create(scheme, {"spec": rest})


def open_image_model(spec: str = "demo-image") -> ImageModel:
    """Open an image model; ``demo-image`` (procedural) is built in, plugins add others."""
    scheme, _, rest = spec.partition(":")
    if scheme not in IMAGE_MODELS:
        known = ", ".join(sorted(IMAGE_MODELS.names()))
        raise InputError(
            f"unknown image model spec {spec!r}: scheme {scheme!r} is not one of {known}"
        )
    return IMAGE_MODELS.create(scheme, {"spec": rest})


def open_speech_model(spec: str = "espeak") -> SpeechModel:
    """Open a speech model; ``espeak`` (espeak-ng, offline) is built in, plugins add others."""
    scheme, _, rest = spec.partition(":")
    if scheme not in SPEECH_MODELS:
        known = ", ".join(sorted(SPEECH_MODELS.names()))
        raise InputError(
            f"unknown speech model spec {spec!r}: scheme {scheme!r} is not one of {known}"
        )
    return SPEECH_MODELS.create(scheme, {"spec": rest})
