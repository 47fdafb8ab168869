"""Gateway fixtures: a real uvicorn server on a free port, with fake ports and backends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import openai
import pytest

from govloop.config import Settings
from govloop.gateway import ApiKeys, GatewayConfig, ServedModel, create_app, serve_in_thread
from govloop.store import Store

from .fakes import FakeImageBackend, Fakes, FakeSpeechBackend, FakeTextBackend


@dataclass
class Running:
    url: str
    token: str
    fakes: Fakes
    backend: FakeTextBackend
    store: Store

    def client(self, **kw: object) -> openai.OpenAI:
        return openai.OpenAI(base_url=f"{self.url}/v1", api_key=self.token, max_retries=0, **kw)  # type: ignore[arg-type]

    def aclient(self) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(base_url=f"{self.url}/v1", api_key=self.token, max_retries=0)


FAKE_CONFIG = GatewayConfig(
    models=(
        ServedModel(name="fake", filing="F-1", backend="demo"),
        ServedModel(name="fake-image", filing="F-2", backend="demo-image", kind="image"),
        ServedModel(name="fake-speech", filing="F-3", backend="espeak", kind="speech"),
    ),
    default_rate=1000.0,
)


@contextmanager
def start(
    settings: Settings, store: Store, config: GatewayConfig = FAKE_CONFIG
) -> Iterator[Running]:
    """A uvicorn server in a thread serving the gateway with fake ports and backends."""
    fakes = Fakes()
    backend = FakeTextBackend()
    _, token = ApiKeys(store).create("alice")
    app = create_app(
        settings,
        config=config,
        ports=fakes.ports(),
        backends={
            "fake": backend,
            "fake-image": FakeImageBackend(),
            "fake-speech": FakeSpeechBackend(),
        },
        checkpoints=False,
    )
    with serve_in_thread(app) as url:
        yield Running(url, token, fakes, backend, store)


@pytest.fixture
def running(settings: Settings, store: Store) -> Iterator[Running]:
    with start(settings, store) as r:
        yield r


FILING_YAML = (
    Path(__file__).parents[1] / "assets" / "filings" / "realistic" / "cn-public-chatbot.yaml"
)


def approved_filing(store: Store, model_name: str) -> str:
    """Register ``model_name`` (from a realistic filing), pass an assessment, approve it."""
    import yaml

    from govloop.classify import filing_classifier
    from govloop.registry import Registry

    doc = yaml.safe_load(FILING_YAML.read_text(encoding="utf-8"))
    doc["model_name"] = model_name
    reg = Registry(store, classifier=filing_classifier())
    filing = reg.register(doc, actor="test")
    reg.transition(filing.id, "submitted", actor="test", reason="submit")
    reg.transition(filing.id, "assessing", actor="test", reason="assess")
    reg.attach_assessment(
        filing.id, run_id="run-1", report_sha256="ab" * 32, passed=True, reasons=[], actor="test"
    )
    reg.transition(filing.id, "approved", actor="test", reason="passed")
    return filing.id
