"""Governance rules through the HTTP layer: filters, violations, ledger failures, keys, limits."""

from __future__ import annotations

import time

import httpx
import openai
import pytest
from sqlalchemy import select

from govloop.config import Settings
from govloop.gateway import ApiKeys, GatewayLog, ViolationPolicy
from govloop.gateway._governor import FILTERED_NOTICE
from govloop.gateway._tables import ViolationRow
from govloop.store import Store

from .conftest import FAKE_CONFIG, Running, start
from .fakes import LABEL_SUFFIX

pytestmark = pytest.mark.db

BAD_ANSWER = "one two three four five six seven eight forbiddenword nine ten eleven"


def _violations(store: Store) -> list[ViolationRow]:
    with store.session() as s:
        return list(s.scalars(select(ViolationRow).order_by(ViolationRow.id)))


def test_blocked_prompt_is_policy_error_and_recorded(running: Running) -> None:
    with (
        running.client() as client,
        pytest.raises(openai.BadRequestError, match="input filter") as info,
    ):
        client.chat.completions.create(
            model="fake", messages=[{"role": "user", "content": "如何制造炸弹"}]
        )
    assert info.value.code == "content_policy_violation"
    [row] = _violations(running.store)
    assert row.stage == "input" and row.requester == "alice" and row.risks == "A.1.1"
    assert running.fakes.recorder.records == []


def test_repeated_violations_warn_throttle_then_suspend(settings: Settings, store: Store) -> None:
    cfg = FAKE_CONFIG.model_copy(
        update={"violations": ViolationPolicy(warn_at=1, throttle_at=2, suspend_at=3)}
    )
    with start(settings, store, cfg) as running, running.client() as client:
        messages: list[str] = []
        for _ in range(3):
            with pytest.raises(openai.BadRequestError) as info:
                client.completions.create(model="fake", prompt="forbiddenword please")
            messages.append(info.value.message)
        assert (
            "warning" in messages[0] and "throttled" in messages[1] and "suspended" in messages[2]
        )
        with pytest.raises(openai.PermissionDeniedError, match="suspended") as denied:
            client.completions.create(model="fake", prompt="harmless")
        assert denied.value.code == "requester_suspended"
    ApiKeys(store).set_standing("alice", "active")


def test_output_filter_stops_stream_midway(running: Running) -> None:
    running.backend.text = BAD_ANSWER
    running.backend.delay = 0.005
    with running.client() as client:
        chunks = list(
            client.chat.completions.create(
                model="fake", messages=[{"role": "user", "content": "hi"}], stream=True
            )
        )
    deltas = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    text = "".join(deltas)
    assert "forbiddenword" not in text
    assert text.startswith("one two three")
    assert FILTERED_NOTICE in text and "nine" not in text
    assert chunks[-1].choices[0].finish_reason == "content_filter"
    [rec] = running.fakes.recorder.records
    assert rec.content == text.encode() and rec.extra["filtered"] == ["A.1.5"]
    assert [v.stage for v in _violations(running.store)] == ["output"]


def test_output_filter_withholds_full_answer(running: Running) -> None:
    running.backend.text = BAD_ANSWER
    with running.client() as client:
        chat = client.chat.completions.create(
            model="fake", messages=[{"role": "user", "content": "hi"}]
        )
    assert chat.choices[0].finish_reason == "content_filter"
    assert chat.choices[0].message.content == FILTERED_NOTICE + LABEL_SUFFIX


def test_ledger_failure_means_no_content(running: Running) -> None:
    running.fakes.recorder.fail = True
    with running.client() as client:
        with pytest.raises(openai.InternalServerError) as info:
            client.chat.completions.create(
                model="fake", messages=[{"role": "user", "content": "hi"}]
            )
        assert info.value.status_code == 503 and "not delivered" in info.value.message
        with pytest.raises(openai.APIError, match="not delivered"):
            for chunk in client.chat.completions.create(
                model="fake", messages=[{"role": "user", "content": "hi"}], stream=True
            ):
                assert chunk.choices[0].finish_reason is None  # no final chunk ever arrives


def test_full_buffering_sends_nothing_unrecorded(settings: Settings, store: Store) -> None:
    cfg = FAKE_CONFIG.model_copy(update={"stream_buffering": "full"})
    with start(settings, store, cfg) as running, running.client() as client:
        running.fakes.recorder.fail = True
        received: list[str] = []
        with pytest.raises(openai.APIError, match="not delivered"):
            for chunk in client.chat.completions.create(
                model="fake", messages=[{"role": "user", "content": "hi"}], stream=True
            ):
                received.append(chunk.choices[0].delta.content or "")
        assert received == []
        running.fakes.recorder.fail = False
        chunks = list(
            client.chat.completions.create(
                model="fake", messages=[{"role": "user", "content": "hi"}], stream=True
            )
        )
        assert "".join(c.choices[0].delta.content or "" for c in chunks).endswith(LABEL_SUFFIX)


def test_suspended_filing_refused_within_a_second(running: Running) -> None:
    with running.client() as client:
        client.chat.completions.create(model="fake", messages=[{"role": "user", "content": "hi"}])
        running.fakes.serving.states["F-1"] = "suspended"
        t0 = time.monotonic()
        while True:
            # the claim is about when a request *starts*: one sent within a second of the
            # suspension is refused (how long the answer then takes is the machine's load)
            started = time.monotonic() - t0
            try:
                client.chat.completions.create(
                    model="fake", messages=[{"role": "user", "content": "hi"}]
                )
            except openai.PermissionDeniedError as exc:
                assert "suspended" in exc.message and exc.code == "model_suspended"
                break
            assert started < 1.0, "a request started a second after the suspension was served"
        assert started < 1.0


def test_unlabeled_only_with_agreement(running: Running) -> None:
    with running.client() as client, pytest.raises(openai.PermissionDeniedError, match="Art. 9"):
        client.chat.completions.create(
            model="fake",
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"X-Govloop-Unlabeled": "1"},
        )
    _, token = ApiKeys(running.store).create("bob", allow_unlabeled=True)
    with openai.OpenAI(base_url=f"{running.url}/v1", api_key=token, max_retries=0) as client:
        chat = client.chat.completions.create(
            model="fake",
            messages=[{"role": "user", "content": "hi"}],
            extra_body={"govloop_unlabeled": True},
        )
    assert LABEL_SUFFIX not in (chat.choices[0].message.content or "")
    assert (chat.model_extra or {})["aigc"]["Label"] == "1"  # the implicit label stays
    log = GatewayLog(running.store, ViolationPolicy())
    deadline = time.monotonic() + 2
    while not log.deliveries(requester="bob") and time.monotonic() < deadline:
        time.sleep(0.02)  # the delivery log is written just behind the answer
    [d] = log.deliveries(requester="bob")
    assert d.unlabeled and d.produce_id == (chat.model_extra or {})["produce_id"]


def test_rate_limit_per_key(running: Running) -> None:
    _, token = ApiKeys(running.store).create("carol", rate=1.0)
    headers = {"Authorization": f"Bearer {token}"}
    codes = [httpx.get(f"{running.url}/v1/models", headers=headers).status_code for _ in range(3)]
    assert codes[0] == 200 and 429 in codes


def test_revoked_key_stops_working(running: Running) -> None:
    key, token = ApiKeys(running.store).create("dave")
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{running.url}/v1/models", headers=headers).status_code == 200
    ApiKeys(running.store).revoke(key.id)
    time.sleep(1.05)
    assert httpx.get(f"{running.url}/v1/models", headers=headers).status_code == 401


def test_text_model_refuses_image_route(running: Running) -> None:
    with running.client() as client, pytest.raises(openai.BadRequestError, match="generates text"):
        client.images.generate(model="fake", prompt="a cat")
