"""A suspended filing stops serving within one second on every worker (real registry)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import openai
import pytest

from govloop.config import Settings
from govloop.gateway import ApiKeys, GatewayConfig, ServedModel, create_app, serve_in_thread
from govloop.gateway._production import RegistryServing
from govloop.registry import Registry
from govloop.store import Store

from .fakes import Fakes, FakeTextBackend

pytestmark = pytest.mark.db


@contextmanager
def _instances(settings: Settings, store: Store, filing: str, n: int) -> Iterator[list[str]]:
    """``n`` independent app instances (like uvicorn workers) on the same database."""
    cfg = GatewayConfig(models=(ServedModel(name="m", filing=filing, backend="demo"),))
    with ExitStack() as stack:
        urls = []
        for _ in range(n):
            fakes = Fakes()
            ports = fakes.ports()
            reg_ports = type(ports)(
                serving=RegistryServing(Registry(store)),
                input_filter=ports.input_filter,
                output_filter=ports.output_filter,
                labeler=ports.labeler,
                watermarker=ports.watermarker,
                recorder=ports.recorder,
            )
            app = create_app(
                settings,
                config=cfg,
                ports=reg_ports,
                backends={"m": FakeTextBackend()},
                checkpoints=False,
            )
            urls.append(stack.enter_context(serve_in_thread(app)))
        yield urls


def _ask(client: openai.OpenAI) -> None:
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])


def test_suspension_seen_by_all_workers_within_one_second(settings: Settings, store: Store) -> None:
    from .conftest import approved_filing

    filing = approved_filing(store, "gw-suspend-test")
    _, token = ApiKeys(store).create("alice")
    with _instances(settings, store, filing, 2) as urls:
        clients = [openai.OpenAI(base_url=f"{u}/v1", api_key=token, max_retries=0) for u in urls]
        for c in clients:
            _ask(c)  # both workers have cached "approved"
        Registry(store).transition(filing, "suspended", actor="test", reason="incident 42")
        t0 = time.monotonic()
        seen: dict[int, float] = {}
        while len(seen) < len(clients) and time.monotonic() - t0 < 2.0:
            for i, c in enumerate(clients):
                if i in seen:
                    continue
                try:
                    _ask(c)
                except openai.PermissionDeniedError as exc:
                    assert "suspended" in exc.message and exc.code == "model_suspended"
                    seen[i] = time.monotonic() - t0
            time.sleep(0.02)
        for c in clients:
            c.close()
    assert len(seen) == 2 and max(seen.values()) < 1.0, seen
