"""One request rate per model endpoint, shared by every worker of a fan-out.

A concurrency bound protects an endpoint from too many questions *at once*; a hosted endpoint
also limits questions *per second*, for the whole account, however many workers ask. Each
worker therefore asks one :class:`EndpointPacer` (a Ray actor, one per command) for a slot
before every question: the pacer hands out slots ``1 / rate`` apart per endpoint and answers
how long to wait for the slot it reserved. Slots are reserved in the actor's single thread, so
two workers can never take the same one; the wait happens on the worker.

Spacing slots (rather than a bucket that lets a burst through) keeps every window of one second
at ``rate`` questions or fewer, up to the jitter of the call that returns the delay.
"""

from __future__ import annotations

import time


def endpoint_key(model_spec: str) -> str:
    """The endpoint a model spec talks to: the spec without its ``#model`` part.

    ``openai:http://10.0.0.5:8000/v1#qwen`` and ``...#llama`` share one endpoint's rate;
    a spec without ``#`` (``demo``, ``python:module:fn``) is its own endpoint.
    """
    return model_spec.split("#", 1)[0]


class EndpointPacer:
    """Slots ``1 / rate`` seconds apart per endpoint (run as a Ray actor by the fan-out)."""

    def __init__(self, rate: float) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be positive, not {rate!r}")
        self.interval = 1.0 / rate
        self._next: dict[str, float] = {}

    def reserve(self, endpoint: str) -> float:
        """Reserve the next slot for ``endpoint``; the seconds to wait until it."""
        now = time.monotonic()
        slot = max(now, self._next.get(endpoint, now))
        self._next[endpoint] = slot + self.interval
        return slot - now
