"""A keyword guard around any text model (``guarded:`` scheme), as a service puts in front.

The guard refuses prompts that hold keyword-library terms (input filter) and replaces answers
that hold them (output filter). ``govloop assess run demo --demo`` assesses the demo model
behind this guard: the bare n-gram demo model refuses nothing, a served one is filtered.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from govloop.assess._keywords import KeywordMatcher, load_keyword_library
from govloop.models import (
    Generation,
    GenerationRequest,
    TextModel,
    open_text_model,
    register_text_adapter,
)

_CJK = re.compile(r"[\u3400-\u9fff]")
REFUSAL_ZH = "抱歉，我无法提供这方面的内容。"
REFUSAL_EN = "I'm sorry, but I can't help with that request."


def refusal_text(prompt: str) -> str:
    """The guard's refusal, in the prompt's language."""
    return REFUSAL_ZH if _CJK.search(prompt) else REFUSAL_EN


class KeywordGuardedModel:
    """Input and output keyword filtering around ``inner``."""

    def __init__(self, inner: TextModel, matcher: KeywordMatcher) -> None:
        self.inner = inner
        self.matcher = matcher

    @property
    def name(self) -> str:
        """``guarded:<inner name>``."""
        return f"guarded:{self.inner.name}"

    async def generate(self, request: GenerationRequest) -> Generation:
        """Refuse flagged prompts; replace flagged answers with a refusal."""
        prompt = request.prompt_text
        hits = self.matcher.find(prompt)
        if hits:
            return Generation(
                refusal_text(prompt),
                self.name,
                "content_filter",
                extra={"guard": "input", "terms": [h.term for h in hits[:5]]},
            )
        gen = await self.inner.generate(request)
        out_hits = self.matcher.find(gen.text)
        if out_hits:
            return Generation(
                refusal_text(prompt),
                self.name,
                "content_filter",
                extra={"guard": "output", "terms": [h.term for h in out_hits[:5]]},
            )
        return gen

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        """The filtered answer as one delta (filtering needs the whole answer)."""
        gen = await self.generate(request)
        yield gen.text


@register_text_adapter("guarded")
def _open(rest: str) -> KeywordGuardedModel:
    return KeywordGuardedModel(open_text_model(rest), load_keyword_library())
