"""``demo_roundtrip``, background checkpoints, log retention and the gateway config file."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govloop.config import Settings
from govloop.errors import ConfigError, InputError
from govloop.gateway import (
    FilterVerdict,
    GatewayConfig,
    GatewayLog,
    Principal,
    ServedModel,
    ViolationPolicy,
    create_app,
    demo_roundtrip,
    load_gateway_config,
    purge_logs,
    serve_in_thread,
)
from govloop.gateway._accounts import ApiKeys
from govloop.gateway._logs import Delivery
from govloop.gateway._ratelimit import RateLimiter, TokenBucket, seen_headers, seen_pairs
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.store import Store

from .conftest import approved_filing

DB = pytest.mark.db


@DB
def test_demo_roundtrip_returns_recorded_produce_ids(
    settings: Settings, store: Store, keys: KeyStore
) -> None:
    text_filing = approved_filing(store, "demo")
    image_filing = approved_filing(store, "demo-image")
    speech_filing = approved_filing(store, "demo-speech")
    result = demo_roundtrip(
        settings,
        filing=text_filing,
        image_filing=image_filing,
        speech_filing=speech_filing,
        prompts=("你好", "hello", "more"),
    )
    assert len(result.produce_ids) == 5 and len(set(result.produce_ids)) == 5
    assert result.image_png is not None and result.image_png.startswith(b"\x89PNG")
    assert result.speech_wav is not None and result.speech_wav[8:12] == b"WAVE"
    ledger = Ledger.open(store, keys, settings)
    filings = (text_filing, image_filing, speech_filing)
    for pid in result.produce_ids:
        record = ledger.find_by_produce_id(pid)
        assert record is not None and record.entry.filing_id in filings


@DB
def test_background_checkpoints_are_signed(
    home: Path, db_url: str, store: Store, keys: KeyStore
) -> None:
    settings = Settings(home=home, database_url=db_url, checkpoint_interval_s=0.2)
    filing = approved_filing(store, "demo")
    _, token = ApiKeys(store).create("alice")
    import openai

    cfg = GatewayConfig(models=(ServedModel(name="demo", filing=filing, backend="demo"),))
    with serve_in_thread(create_app(settings, config=cfg)) as url:
        with openai.OpenAI(base_url=f"{url}/v1", api_key=token, max_retries=0) as client:
            client.completions.create(model="demo", prompt="hi", max_tokens=8)
        time.sleep(0.8)
    ledger = Ledger.open(store, keys, settings)
    cps = ledger.checkpoints()
    assert cps and cps[-1].tree_size == ledger.size() == 1


@DB
def test_purge_keeps_records_inside_retention(store: Store) -> None:
    log = GatewayLog(store, ViolationPolicy())
    key, _ = ApiKeys(store).create("erin")
    p = Principal(key.id, "erin", False, None)
    old = datetime.now(UTC) - timedelta(days=200)
    log.record_violation(
        p, model="m", stage="input", verdict=FilterVerdict(True, ("A.1.a",)), text="x", now=old
    )
    log.record_violation(
        p, model="m", stage="input", verdict=FilterVerdict(True, ("A.1.a",)), text="y"
    )
    log.log_deliveries([Delivery(key.id, "erin", "m", "PID1", "text", True)])
    counts = purge_logs(store, retention_days=183)
    assert counts == {"deliveries": 0, "violations": 1}
    assert len(log.deliveries()) == 1
    counts = purge_logs(store, retention_days=183, now=datetime.now(UTC) + timedelta(days=400))
    assert counts == {"deliveries": 1, "violations": 1}


def test_retention_below_six_months_is_refused() -> None:
    with pytest.raises(ValueError, match="183"):
        Settings(log_retention_days=30)


def test_gateway_config_yaml_and_toml(tmp_path: Path) -> None:
    y = tmp_path / "g.yaml"
    y.write_text(
        "gateway:\n  models:\n"
        "    - {name: a, filing: F, backend: 'openai:http://h/v1#m', watermark: false}\n"
        "  labels: {position: start, language: en}\n"
    )
    cfg = load_gateway_config(y)
    assert cfg.models[0].is_upstream and cfg.labels.position == "start"
    t = tmp_path / "g.toml"
    t.write_text('[[models]]\nname = "b"\nfiling = "F"\nbackend = "demo-image"\nkind = "image"\n')
    assert load_gateway_config(t).models[0].kind == "image"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("models: [{name: a, filing: F, backend: demo-image}]", "does not fit kind"),
        ("models: [{name: a, filing: F, backend: espeak}]", "does not fit kind"),
        ("models: [{name: a, filing: F, backend: demo, kind: speech}]", "does not fit kind"),
        ("default_tokens_per_minute: 0", "default_tokens_per_minute"),
        ("labels: {audio_mode: loud}", "labels.audio_mode"),
        ("models: [{name: a, filing: F}, {name: a, filing: G}]", "unique"),
        ("serving_cache_s: 2", "serving_cache_s"),
        ("- just a list", "mapping"),
        ("models: [", "not valid YAML"),
    ],
)
def test_gateway_config_errors_name_the_problem(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=match):
        load_gateway_config(path)


@given(st.floats(0.1, 100), st.lists(st.floats(0, 5), min_size=1, max_size=50))
def test_token_bucket_never_exceeds_rate(rate: float, gaps: list[float]) -> None:
    bucket = TokenBucket(rate=rate, burst=max(1.0, rate), stamp=0.0)
    now, granted = 0.0, 0
    for gap in gaps:
        now += gap
        if bucket.take(now) == 0:
            granted += 1
    assert granted <= max(1.0, rate) + rate * now + 1e-6


@given(
    st.integers(60, 100_000),
    st.lists(st.tuples(st.floats(0, 30), st.integers(0, 5000)), min_size=1, max_size=40),
)
def test_token_budget_never_serves_more_than_a_minute_allows(
    per_minute: int, answers: list[tuple[float, int]]
) -> None:
    """Answers start only while tokens are left, so what was spent before the last one
    started never exceeds the bucket plus its refill; the headers never show a negative."""
    limiter, now, spent, last = RateLimiter(), 0.0, 0, 0
    for gap, used in answers:
        now += gap
        if limiter.token_wait("k", per_minute, now) == 0:
            spent += used
            last = used
            limiter.spend_tokens("k", used, now)
    assert spent - last <= per_minute + per_minute / 60 * now + 1e-6
    h = limiter.headers("k", now)
    assert h["x-ratelimit-limit-tokens"] == str(per_minute)
    assert 0 <= int(h["x-ratelimit-remaining-tokens"]) <= per_minute


@given(
    st.floats(0.5, 500),
    st.integers(60, 100_000),
    st.lists(st.tuples(st.floats(0, 90), st.integers(0, 50_000)), min_size=1, max_size=20),
)
def test_header_pairs_are_the_headers_encoded(
    rate: float, per_minute: int, steps: list[tuple[float, int]]
) -> None:
    """The byte pairs the hot path sends say exactly what ``headers()`` says, in its order."""
    limiter, now = RateLimiter(), 0.0
    assert limiter.header_pairs("k", now) == [] == list(limiter.headers("k", now).items())
    for gap, used in steps:
        now += gap
        limiter.take("k", rate, now)
        limiter.token_wait("k", per_minute, now)
        limiter.spend_tokens("k", used, now)
        expected = [(k.encode(), v.encode()) for k, v in limiter.headers("k", now).items()]
        assert limiter.header_pairs("k", now) == expected
        assert len(expected) == 6
    seen: dict[tuple[str, Literal["requests", "tokens"]], TokenBucket] = {
        ("k", "tokens"): TokenBucket(rate=per_minute / 60, burst=per_minute, stamp=now - gap)
    }
    shared = [(k.encode(), v.encode()) for k, v in seen_headers(seen, "k").items()]
    assert seen_pairs(seen, "k") == shared and len(shared) == 3


@DB
def test_api_key_validation(store: Store) -> None:
    with pytest.raises(InputError, match="requester"):
        ApiKeys(store).create("  ")
    with pytest.raises(InputError, match="rate"):
        ApiKeys(store).create("x", rate=0)


def test_public_api_is_sorted_and_importable() -> None:
    import govloop.gateway as gw

    assert gw.__all__ == sorted(gw.__all__)
    assert all(hasattr(gw, name) for name in gw.__all__)
