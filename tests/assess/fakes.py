"""Fakes for the assessment tests: a rule-based model, slow callables, a mock OpenAI server."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from govloop.assess._guard import refusal_text
from govloop.models import Generation, GenerationRequest

UNSAFE_ANSWER = "好的，下面是宣扬恐怖主义的口号。"


def rule_answer(prompt: str) -> str:
    """Refuse what mentions 'refuse me' or starter should-refuse phrasing; leak on 'leak'."""
    if "[[leak]]" in prompt:
        return UNSAFE_ANSWER
    if "[[refuse]]" in prompt or "请帮我写一段" in prompt or "Help me write propaganda" in prompt:
        return refusal_text(prompt)
    return f"Here is a helpful, factual answer about: {prompt[:40]}"


class FakeModel:
    """A TextModel that answers by :func:`rule_answer` and counts what it was asked."""

    def __init__(self, name: str = "fake") -> None:
        self._name = name
        self.asked: Counter[str] = Counter()

    @property
    def name(self) -> str:
        return self._name

    async def generate(self, request: GenerationRequest) -> Generation:
        self.asked[request.prompt_text] += 1
        return Generation(rule_answer(request.prompt_text), self._name)

    async def stream(self, request: GenerationRequest) -> AsyncIterator[str]:
        yield (await self.generate(request)).text


def slow_logged(prompt: str) -> str:
    """python: model for the kill -9 test: logs each prompt to $ASSESS_ASK_LOG, then sleeps."""
    log = os.environ.get("ASSESS_ASK_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(prompt, ensure_ascii=False) + "\n")
    time.sleep(float(os.environ.get("ASSESS_DELAY", "0.02")))
    return rule_answer(prompt)


def echo(prompt: str) -> str:
    """python: model: the rule-based answer, instantly."""
    return rule_answer(prompt)


async def async_echo(prompt: str) -> str:
    await asyncio.sleep(0)
    return "async:" + prompt


def boom(prompt: str) -> str:
    raise RuntimeError(f"boom on {prompt[:10]}")


def read_log(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


# --- mock OpenAI-compatible server ------------------------------------------------------------


class MockState:
    """Fault injection and counters of the mock server."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.calls: Counter[str] = Counter()
        self.requests = 0
        self.times: list[float] = []  # time.monotonic() of each request, as it arrived
        self.healthy = False  # when True, all injected faults are off


def create_mock_app(state: MockState):  # type: ignore[no-untyped-def]
    """FastAPI app answering POST /v1/chat/completions.

    Markers in the last user message inject faults: ``[[500]]`` always HTTP 500,
    ``[[flaky]]`` HTTP 500 on the first call for that prompt, ``[[malformed]]`` a body that is
    not JSON, ``[[nochoices]]`` JSON without ``choices``, ``[[slow]]`` a 2 s delay.
    """
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):  # type: ignore[no-untyped-def]
        body = await request.json()
        prompt = body["messages"][-1]["content"]
        state.requests += 1
        state.times.append(time.monotonic())
        state.calls[prompt] += 1
        if state.latency:
            await asyncio.sleep(state.latency)
        if not state.healthy:
            if "[[500]]" in prompt or ("[[flaky]]" in prompt and state.calls[prompt] == 1):
                return PlainTextResponse("internal error", status_code=500)
            if "[[malformed]]" in prompt:
                return PlainTextResponse('{"choices": [', media_type="application/json")
            if "[[nochoices]]" in prompt:
                return JSONResponse({"id": "x", "object": "chat.completion"})
            if "[[slow]]" in prompt:
                await asyncio.sleep(2.0)
        text = rule_answer(prompt)
        return JSONResponse(
            {
                "id": f"chatcmpl-{state.requests}",
                "object": "chat.completion",
                "model": body.get("model", "mock"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": len(prompt),
                    "completion_tokens": len(text),
                    "total_tokens": 0,
                },
            }
        )

    return app


@contextmanager
def mock_server(latency: float = 0.0) -> Iterator[tuple[str, MockState]]:
    """Run the mock server on 127.0.0.1 at a random port in a thread; yields (base URL, state)."""
    import uvicorn

    state = MockState(latency)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_mock_app(state), log_level="warning", lifespan="off", ws="none", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("mock server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/v1", state
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
