"""Adapter registry: a scheme (``demo``, ``hf``, ``openai``, ``python``) maps to a factory."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from govloop.errors import InputError
from govloop.models._protocol import ImageModel, TextModel

TextFactory = Callable[[str], TextModel]

#: Built-in schemes and the module that registers each (imported lazily: heavy deps stay optional).
_BUILTIN_MODULES: dict[str, str] = {
    "demo": "govloop.models.demo_text",
    "hf": "govloop.models.hf",
    "openai": "govloop.models.openai_http",
    "python": "govloop.models.callable",
}

_TEXT_FACTORIES: dict[str, TextFactory] = {}


def register_text_adapter(scheme: str) -> Callable[[TextFactory], TextFactory]:
    """Decorator: register ``factory(rest_of_spec) -> TextModel`` for ``scheme``."""

    def deco(factory: TextFactory) -> TextFactory:
        _TEXT_FACTORIES[scheme] = factory
        return factory

    return deco


def open_text_model(spec: str) -> TextModel:
    """Open a text model from a spec such as ``demo``, ``hf:/path`` or ``openai:URL#model``."""
    scheme, _, rest = spec.partition(":")
    if scheme not in _TEXT_FACTORIES and scheme in _BUILTIN_MODULES:
        importlib.import_module(_BUILTIN_MODULES[scheme])
    factory = _TEXT_FACTORIES.get(scheme)
    if factory is None:
        known = ", ".join(sorted(set(_TEXT_FACTORIES) | set(_BUILTIN_MODULES)))
        raise InputError(f"unknown model spec {spec!r}: scheme {scheme!r} is not one of {known}")
    return factory(rest)


def open_image_model(spec: str = "demo-image") -> ImageModel:
    """Open an image model; only the built-in procedural ``demo-image`` ships."""
    if spec.split(":", 1)[0] != "demo-image":
        raise InputError(f"unknown image model spec {spec!r}: only 'demo-image' is built in")
    module = importlib.import_module("govloop.models.demo_image")
    model: ImageModel = module.DemoImageModel()
    return model
