"""Adapter for any Python callable (``python:`` scheme).

Spec: ``python:package.module:function``. The function takes the prompt text (the flattened
conversation) and returns a ``str`` or a :class:`~govloop.models.Generation`; it may be ``async``.
Synchronous functions run in a worker thread so a slow one does not stall the event loop. Any
exception it raises becomes a :class:`~govloop.errors.ModelError`.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any

from govloop.errors import InputError, ModelError
from govloop.models._protocol import Generation, GenerationRequest
from govloop.models._registry import register_text_adapter


class CallableModel:
    """A :class:`~govloop.models.TextModel` around ``fn(prompt) -> str | Generation``."""

    def __init__(self, fn: Callable[[str], Any], *, name: str | None = None) -> None:
        self._fn = fn
        self._name: str = name or str(getattr(fn, "__qualname__", "callable"))

    @property
    def name(self) -> str:
        """Model name (the spec, or the function's name)."""
        return self._name

    async def generate(self, request: GenerationRequest) -> Generation:
        """Call the function on the prompt text."""
        prompt = request.prompt_text
        try:
            if inspect.iscoroutinefunction(self._fn):
                out = await self._fn(prompt)
            else:
                out = await asyncio.to_thread(self._fn, prompt)
                if inspect.isawaitable(out):
                    out = await out
        except Exception as exc:
            raise ModelError(f"{self._name}: {type(exc).__name__}: {exc}") from exc
        if isinstance(out, Generation):
            return out
        if not isinstance(out, str):
            raise ModelError(f"{self._name}: returned {type(out).__name__}, expected str")
        return Generation(text=out, model=self._name)

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """The whole answer as one delta."""
        gen = await self.generate(request)
        yield gen.text


def load_callable(rest: str) -> Callable[[str], Any]:
    """Import ``package.module:function``."""
    module_name, sep, attr = rest.partition(":")
    if not sep or not module_name or not attr:
        raise InputError(
            f"python model spec 'python:{rest}' must look like python:package.module:function"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(f"python model spec: cannot import module {module_name!r}: {exc}") from exc
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as exc:
            raise InputError(
                f"python model spec: {module_name!r} has no attribute {attr!r}"
            ) from exc
    if not callable(obj):
        raise InputError(f"python model spec: {rest!r} is not callable")
    return obj  # type: ignore[no-any-return]


@register_text_adapter("python")
def _open(rest: str) -> CallableModel:
    return CallableModel(load_callable(rest), name=f"python:{rest}")
