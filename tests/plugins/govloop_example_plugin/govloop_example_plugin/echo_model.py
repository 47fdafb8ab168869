"""The ``echo`` text model adapter: ``echo:PREFIX`` answers PREFIX followed by the prompt.

A whole model adapter in one file: ``open_text_model("echo:>> ")`` builds it from the spec.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from pydantic import BaseModel, ConfigDict

from govloop.models import Generation, GenerationRequest


class EchoModel:
    """Repeats the prompt after a prefix."""

    class Params(BaseModel):
        """Parameters: the spec after ``echo:`` is the prefix."""

        model_config = ConfigDict(extra="forbid", frozen=True)

        spec: str = ""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    @classmethod
    def from_params(cls, params: EchoModel.Params) -> EchoModel:
        """Factory the registry calls with the typed parameters."""
        return cls(params.spec)

    @property
    def name(self) -> str:
        """``echo``."""
        return "echo"

    async def generate(self, request: GenerationRequest) -> Generation:
        """The prefix and the prompt."""
        return Generation(self.prefix + request.prompt_text, self.name)

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """The whole answer as one delta."""
        gen = await self.generate(request)
        yield gen.text
