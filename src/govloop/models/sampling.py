"""The seeded sampling loop shared by local adapters and generation-time watermarking.

A public module rather than names in :mod:`govloop.models` because it needs NumPy, and
``import govloop.models`` stays light for callers that only open remote models.
"""

from govloop.models._sampling import (
    LocalTextModel,
    SamplingRun,
    cut_at_stop,
    returned_tokens,
    softmax,
)

__all__ = ["LocalTextModel", "SamplingRun", "cut_at_stop", "returned_tokens", "softmax"]
