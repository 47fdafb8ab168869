"""Per-key token buckets (in-process; the gateway splits a key's rate between its workers)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """A token bucket: ``rate`` tokens per second, at most ``burst`` saved up."""

    rate: float
    """Refill rate, tokens per second."""
    burst: float
    """Capacity."""
    tokens: float = -1.0
    """Tokens now (starts full)."""
    stamp: float = field(default_factory=time.monotonic)
    """Time of the last refill."""

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.burst

    def take(self, now: float | None = None) -> float:
        """Take one token; returns 0 on success, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class RateLimiter:
    """Buckets by key; a key's rate can change (throttling) without losing its state."""

    def __init__(self, *, share: float = 1.0) -> None:
        self._buckets: dict[str, TokenBucket] = {}
        self._share = share

    def take(self, key: str, rate: float, now: float | None = None) -> float:
        """Take a token for ``key`` at ``rate`` per second; 0 or seconds to wait."""
        rate = rate * self._share
        bucket = self._buckets.get(key)
        if bucket is None or bucket.rate != rate:
            burst = max(1.0, rate)
            tokens = burst if bucket is None else min(bucket.tokens, burst)
            bucket = TokenBucket(rate=rate, burst=burst, tokens=tokens)
            self._buckets[key] = bucket
        return bucket.take(now)

    def headers(self, key: str, now: float | None = None) -> dict[str, str]:
        """OpenAI's ``x-ratelimit-*-requests`` headers for ``key``'s bucket in this worker.

        ``limit`` is the bucket's capacity (requests that may come at once), ``remaining`` the
        whole requests left now, ``reset`` the time until the bucket is full again. Empty for a
        key that has not been seen.
        """
        bucket = self._buckets.get(key)
        if bucket is None:
            return {}
        now = time.monotonic() if now is None else now
        tokens = min(bucket.burst, bucket.tokens + max(0.0, now - bucket.stamp) * bucket.rate)
        return {
            "x-ratelimit-limit-requests": str(int(bucket.burst)),
            "x-ratelimit-remaining-requests": str(max(0, int(tokens))),
            "x-ratelimit-reset-requests": duration((bucket.burst - tokens) / bucket.rate),
        }


def duration(seconds: float) -> str:
    """A reset time as OpenAI writes it: ``0s``, ``250ms``, ``1.5s``, ``2m3s``."""
    if seconds <= 0:
        return "0s"
    if seconds < 1:
        return f"{max(1, round(seconds * 1000))}ms"
    if seconds < 60:
        return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest}s"
