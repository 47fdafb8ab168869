"""``rate_limits: redis``: the shared per-key buckets in Redis (fakeredis, with its Lua engine)."""

from __future__ import annotations

import httpx
import pytest

from govloop.config import Settings
from govloop.errors import StoreError
from govloop.gateway import ApiKeys
from govloop.gateway._config import GatewayConfig
from govloop.gateway._redislimit import PREFIX, RedisRateLimiter
from govloop.store import Store

from .conftest import FAKE_CONFIG, start

fakeredis = pytest.importorskip("fakeredis", reason="needs the test extra (fakeredis[lua])")


def _pair() -> tuple[RedisRateLimiter, RedisRateLimiter, object]:
    server = fakeredis.FakeServer()
    a = RedisRateLimiter(fakeredis.FakeRedis(server=server))
    b = RedisRateLimiter(fakeredis.FakeRedis(server=server))
    return a, b, server


def test_two_limiters_on_one_redis_draw_from_one_bucket_per_key() -> None:
    """Two gateways on one Redis: a key gets its rate once, as with the database buckets."""
    a, b, _ = _pair()
    assert a.take("key_1", 0.5) == 0.0  # burst 1: the one request
    wait = b.take("key_1", 0.5)
    assert 0 < wait <= 2.0, wait  # the other limiter finds the bucket empty
    assert b.take("key_2", 0.5) == 0.0  # another key has its own bucket
    assert a.headers("key_1")["x-ratelimit-limit-requests"] == "1"
    assert a.headers("key_1")["x-ratelimit-remaining-requests"] == "0"
    assert a.token_wait("key_1", 100) == 0.0
    b.spend_tokens("key_1", 150)  # overdraws the shared token bucket
    assert a.token_wait("key_1", 100) > 25  # 50 tokens of debt refill at 100/min
    b.spend_tokens("nobody", 10)  # a key without a token bucket: nothing to charge
    assert a.client.exists(f"{PREFIX}tokens:nobody") == 0


def test_a_burst_is_the_rate_and_an_idle_bucket_expires() -> None:
    a, _, _ = _pair()
    assert [a.take("k", 3.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert a.take("k", 3.0) > 0
    ttl = a.client.ttl(f"{PREFIX}requests:k")
    assert 60 <= ttl <= 62  # full again within a second, then kept one more minute


def test_an_unreachable_redis_is_a_store_error() -> None:
    a, _, server = _pair()
    server.connected = False  # type: ignore[attr-defined]
    with pytest.raises(StoreError, match="shared rate limit unavailable: redis"):
        a.take("k", 1.0)


def test_config_names_the_redis() -> None:
    with pytest.raises(ValueError, match="rate_limits: redis needs redis_url"):
        GatewayConfig(rate_limits="redis")
    with pytest.raises(ValueError, match="redis_url is for rate_limits: redis"):
        GatewayConfig(redis_url="redis://localhost:6379/0")
    ok = GatewayConfig(rate_limits="redis", redis_url="redis://localhost:6379/0")
    assert ok.redis_url == "redis://localhost:6379/0"


def test_two_gateways_on_one_redis_share_a_keys_rate(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gateway with ``rate_limits: redis``: two apps, one Redis, one key's one request."""
    import redis

    server = fakeredis.FakeServer()
    monkeypatch.setattr(
        redis.Redis,
        "from_url",
        classmethod(lambda cls, url, **kw: fakeredis.FakeRedis(server=server)),
    )
    config = FAKE_CONFIG.model_copy(
        update={"rate_limits": "redis", "redis_url": "redis://cache.internal:6379/0"}
    )
    with start(settings, store, config) as one, start(settings, store, config) as two:
        _, token = ApiKeys(store).create("carol", rate=0.2)
        headers = {"Authorization": f"Bearer {token}"}
        first = httpx.get(f"{one.url}/v1/models", headers=headers)
        second = httpx.get(f"{two.url}/v1/models", headers=headers)
    assert first.status_code == 200 and first.headers["x-ratelimit-limit-requests"] == "1"
    assert second.status_code == 429  # the other gateway found the key's bucket empty
