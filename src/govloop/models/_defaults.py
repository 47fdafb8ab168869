"""Defaults other packages ask of the models package without importing its heavy parts."""

from __future__ import annotations

from govloop.models._protocol import Tokenizer


def demo_tokenizer() -> Tokenizer:
    """The demo model's tokenizer (trained from shipped text on first use, then cached)."""
    from govloop.models._ngram import trained

    return trained()[0]
