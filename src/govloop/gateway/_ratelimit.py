"""Per-key token buckets (in-process; the gateway splits a key's rate between its workers).

Two buckets per key, as OpenAI limits both: requests (one taken per request, refused when
empty) and tokens (the ``usage`` of each answer, prompt + completion, spent after the answer;
a request is refused while the bucket is empty, so one large answer may overdraw it and the
next requests wait until it has refilled). Both report OpenAI's ``x-ratelimit-*`` headers.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["requests", "tokens"]
_KINDS: tuple[Kind, ...] = ("requests", "tokens")
_NAMES: dict[Kind, tuple[str, str, str]] = {
    kind: (
        f"x-ratelimit-limit-{kind}",
        f"x-ratelimit-remaining-{kind}",
        f"x-ratelimit-reset-{kind}",
    )
    for kind in _KINDS
}
_RAW_NAMES: dict[Kind, tuple[bytes, bytes, bytes]] = {
    kind: (limit.encode("ascii"), remaining.encode("ascii"), reset.encode("ascii"))
    for kind, (limit, remaining, reset) in _NAMES.items()
}


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

    def refill(self, now: float | None = None) -> float:
        """Bring the bucket up to ``now``; the tokens it holds (negative when overdrawn)."""
        now = time.monotonic() if now is None else now
        if now > self.stamp:  # (comparisons, not min/max calls: four times per request)
            tokens = self.tokens + (now - self.stamp) * self.rate
            self.tokens = tokens if tokens < self.burst else self.burst
            self.stamp = now
        elif self.tokens > self.burst:
            self.tokens = self.burst
        return self.tokens

    def wait(self, now: float | None = None) -> float:
        """0 when at least one token is left, else the seconds until one is (nothing taken)."""
        tokens = self.refill(now)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def spend(self, amount: float, now: float | None = None) -> None:
        """Take ``amount`` tokens, overdrawing when there are fewer (the debt refills first)."""
        self.refill(now)
        self.tokens -= amount


class RateLimiter:
    """Buckets by key; a key's rate can change (throttling) without losing its state."""

    def __init__(self, *, share: float = 1.0) -> None:
        self._buckets: dict[str, TokenBucket] = {}
        self._tokens: dict[str, TokenBucket] = {}
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

    def _token_bucket(self, key: str, per_minute: float) -> TokenBucket:
        burst = max(1.0, per_minute * self._share)
        bucket = self._tokens.get(key)
        if bucket is None or bucket.burst != burst:
            tokens = burst if bucket is None else min(bucket.refill(), burst)
            bucket = TokenBucket(rate=burst / 60.0, burst=burst, tokens=tokens)
            if tokens < 0:  # TokenBucket reads a negative start as "full"
                bucket.tokens = tokens
            self._tokens[key] = bucket
        return bucket

    def token_wait(self, key: str, per_minute: float, now: float | None = None) -> float:
        """0 while ``key`` has tokens left at ``per_minute``, else seconds until it has."""
        return self._token_bucket(key, per_minute).wait(now)

    def spend_tokens(self, key: str, amount: int, now: float | None = None) -> None:
        """Charge an answer's usage to ``key`` (no-op for a key without a token bucket)."""
        bucket = self._tokens.get(key)
        if bucket is not None and amount > 0:
            bucket.spend(float(amount), now)

    def headers(self, key: str, now: float | None = None) -> dict[str, str]:
        """OpenAI's ``x-ratelimit-*`` headers for ``key``'s buckets in this worker.

        ``limit`` is a bucket's capacity (requests that may come at once; tokens per minute),
        ``remaining`` the whole requests or tokens left now, ``reset`` the time until the
        bucket is full again. Empty for a key that has not been seen.
        """
        return quota_headers(self._quota_buckets(key), now)

    def header_pairs(self, key: str, now: float | None = None) -> list[tuple[bytes, bytes]]:
        """:meth:`headers` as the ASGI ``(name, value)`` byte pairs a response start carries."""
        return quota_pairs(self._quota_buckets(key), now)

    def _quota_buckets(self, key: str) -> tuple[tuple[Kind, TokenBucket | None], ...]:
        return (("requests", self._buckets.get(key)), ("tokens", self._tokens.get(key)))


def quota_headers(
    buckets: Iterable[tuple[Kind, TokenBucket | None]], now: float | None = None
) -> dict[str, str]:
    """``limit``, ``remaining`` and ``reset`` headers of each bucket present, requests first."""
    out: dict[str, str] = {}
    for kind, bucket in buckets:
        if bucket is not None:
            limit, remaining, reset = _NAMES[kind]
            left = bucket.refill(now)
            out[limit] = str(int(bucket.burst))
            out[remaining] = str(max(0, int(left)))
            out[reset] = duration((bucket.burst - left) / bucket.rate)
    return out


def quota_pairs(
    buckets: Iterable[tuple[Kind, TokenBucket | None]], now: float | None = None
) -> list[tuple[bytes, bytes]]:
    """:func:`quota_headers` as byte pairs, with the names encoded once (a per-request path)."""
    out: list[tuple[bytes, bytes]] = []
    for kind, bucket in buckets:
        if bucket is not None:
            limit, remaining, reset = _RAW_NAMES[kind]
            left = bucket.refill(now)
            out.append((limit, b"%d" % int(bucket.burst)))
            out.append((remaining, b"%d" % max(0, int(left))))
            out.append((reset, duration((bucket.burst - left) / bucket.rate).encode("ascii")))
    return out


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


def seen_headers(
    seen: Mapping[tuple[str, Literal["requests", "tokens"]], TokenBucket], key: str
) -> dict[str, str]:
    """OpenAI's ``x-ratelimit-*`` headers for ``key`` from the buckets a shared limiter last saw.

    One function for every shared backend (database, Redis): each keeps a local copy of the
    buckets it last read, and the headers are computed from that copy the same way.
    """
    return quota_headers((kind, seen.get((key, kind))) for kind in _KINDS)


def seen_pairs(
    seen: Mapping[tuple[str, Literal["requests", "tokens"]], TokenBucket], key: str
) -> list[tuple[bytes, bytes]]:
    """:func:`seen_headers` as byte pairs (see :meth:`RateLimiter.header_pairs`)."""
    return quota_pairs((kind, seen.get((key, kind))) for kind in _KINDS)


class SharedBuckets:
    """What the shared limiters (database, Redis) have in common around their storage.

    A subclass keeps the buckets elsewhere and implements :meth:`_update` (refill, take or
    check, write back) and :meth:`spend_tokens`; this class turns requests and tokens into
    calls of it and keeps the local copy of each bucket it last saw, from which the
    ``x-ratelimit-*`` headers are computed (at most one request old).
    """

    blocking = True
    """Calls go to the shared store (run them off the event loop)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, Kind], TokenBucket] = {}

    def _update(
        self, key: str, kind: Kind, rate: float, burst: float, action: Literal["take", "wait"]
    ) -> float:
        raise NotImplementedError

    def _remember(self, key: str, kind: Kind, rate: float, burst: float, tokens: float) -> None:
        """Keep a copy of a bucket as read; this host's monotonic clock refills it from now."""
        if len(self._seen) > 100_000:
            self._seen.clear()
        bucket = TokenBucket(rate=rate, burst=burst, tokens=0.0)
        bucket.tokens = tokens  # may be negative (overdrawn): set after the start-full default
        self._seen[(key, kind)] = bucket

    def _spent(self, key: str, amount: float) -> None:
        """Charge the local copy of ``key``'s token bucket as the store was charged."""
        seen = self._seen.get((key, "tokens"))
        if seen is not None:
            seen.spend(amount)

    def take(self, key: str, rate: float) -> float:
        """Take one request for ``key`` at ``rate`` per second; 0 or seconds to wait."""
        return self._update(key, "requests", rate, max(1.0, rate), "take")

    def token_wait(self, key: str, per_minute: float) -> float:
        """0 while ``key`` has tokens left at ``per_minute``, else seconds until it has."""
        burst = max(1.0, per_minute)
        return self._update(key, "tokens", burst / 60.0, burst, "wait")

    def headers(self, key: str) -> dict[str, str]:
        """OpenAI's ``x-ratelimit-*`` headers from the buckets as this process last saw them."""
        return seen_headers(self._seen, key)

    def header_pairs(self, key: str) -> list[tuple[bytes, bytes]]:
        """:meth:`headers` as ASGI byte pairs."""
        return seen_pairs(self._seen, key)
