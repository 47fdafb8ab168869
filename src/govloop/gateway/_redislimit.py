"""Per-key token buckets in Redis, shared by every worker and every gateway process.

Chosen with ``rate_limits: redis`` and ``redis_url`` in the gateway config: the same buckets as
``rate_limits: database`` (:mod:`govloop.gateway._sharedlimit`), one hash per key and bucket
kind, refilled and updated by one Lua script, which Redis runs atomically, so concurrent
requests from any number of gateways never both take the last token. Time is Redis's clock
(``TIME``), so hosts need not agree on theirs. A hash expires once its bucket would be full
again (plus a minute): a full bucket needs no state. Needs the ``redis`` extra (redis-py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from govloop.errors import StoreError, missing_extra
from govloop.gateway._ratelimit import Kind, SharedBuckets

if TYPE_CHECKING:
    from redis import Redis


PREFIX = "govloop:ratelimit:"
"""Key prefix of the buckets (``PREFIX + kind + ':' + key id``)."""

# ARGV: rate, burst, action (take | wait | spend), amount. Returns {tokens, wait} as strings
# (Redis truncates Lua numbers to integers). ``spend`` on a missing bucket does nothing, as
# the database's UPDATE of a missing row does.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local action = ARGV[3]
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp', 'rate', 'burst')
local tokens, stamp = tonumber(state[1]), tonumber(state[2])
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
if action == 'spend' then
  if tokens == nil then return {'', '0'} end
  rate, burst = tonumber(state[3]), tonumber(state[4])
  tokens = tokens - tonumber(ARGV[4])
else
  if tokens == nil then tokens, stamp = burst, now end
  tokens = math.min(burst, tokens)
  tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
  stamp = math.max(stamp, now)
end
local wait = 0
if action == 'take' then
  if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
elseif action == 'wait' then
  if tokens < 1 then wait = (1 - tokens) / rate end
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(stamp),
  'rate', tostring(rate), 'burst', tostring(burst))
redis.call('EXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 60)
return {tostring(tokens), tostring(wait)}
"""


class RedisRateLimiter(SharedBuckets):
    """The :class:`~govloop.gateway._ratelimit.RateLimiter` interface over Redis hashes."""

    def __init__(self, client: Redis) -> None:
        super().__init__()
        self.client = client
        self._script = client.register_script(_SCRIPT)

    @classmethod
    def from_url(cls, url: str) -> RedisRateLimiter:
        """A limiter on the Redis at ``url`` (``redis://host:6379/0``, ``rediss://`` for TLS)."""
        try:
            import redis
        except ImportError as exc:
            raise missing_extra("redis", "redis") from exc
        return cls(redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0))

    def _run(
        self, key: str, kind: Kind, rate: float, burst: float, action: str, amount: float
    ) -> Any:
        from redis.exceptions import RedisError

        try:
            return self._script(keys=[f"{PREFIX}{kind}:{key}"], args=[rate, burst, action, amount])
        except RedisError as exc:
            raise StoreError(f"shared rate limit unavailable: redis: {exc}") from exc

    def _update(
        self, key: str, kind: Kind, rate: float, burst: float, action: Literal["take", "wait"]
    ) -> float:
        tokens, wait = self._run(key, kind, rate, burst, action, 0.0)
        self._remember(key, kind, rate, burst, float(tokens))
        return float(wait)

    def spend_tokens(self, key: str, amount: int) -> None:
        """Charge an answer's usage to ``key``'s shared token bucket (may overdraw it)."""
        if amount <= 0:
            return
        self._run(key, "tokens", 0.0, 0.0, "spend", float(amount))
        self._spent(key, float(amount))
