"""A second real client: LangChain's ``ChatOpenAI`` runs its usual calls against the gateway.

LangChain builds its own requests (``stream_options``, ``n``, tools) and reads usage, finish
reasons and streamed chunks its own way; passing here means the gateway speaks OpenAI's
protocol, not only what the official SDK happens to send.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_openai import ChatOpenAI

from .conftest import Running
from .fakes import LABEL_SUFFIX

pytestmark = pytest.mark.db


def _chat(running: Running, **kw: Any) -> Any:
    kw.setdefault("model", "fake")
    return ChatOpenAI(base_url=f"{running.url}/v1", api_key=running.token, max_retries=0, **kw)


def test_invoke_gives_the_labeled_answer_and_usage(running: Running) -> None:
    msg = _chat(running).invoke("写一首关于港口的诗")
    assert str(msg.content).endswith(LABEL_SUFFIX)
    usage = msg.usage_metadata
    assert usage is not None and usage["output_tokens"] > 0
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert msg.response_metadata["finish_reason"] == "stop"
    [rec] = running.fakes.recorder.records
    assert rec.content == str(msg.content).encode()


def test_stream_with_usage_and_batch(running: Running) -> None:
    chat = _chat(running, stream_usage=True)
    chunks = list(chat.stream("hi"))
    text = "".join(str(c.content) for c in chunks)
    assert text.endswith(LABEL_SUFFIX)
    assert any(c.usage_metadata and c.usage_metadata["output_tokens"] > 0 for c in chunks)
    answers = chat.batch(["one", "two"])
    assert all(str(a.content).endswith(LABEL_SUFFIX) for a in answers)
    assert len(running.fakes.recorder.records) == 3


async def test_async_invoke_and_refusal(running: Running) -> None:
    import openai

    chat = _chat(running)
    msg = await chat.ainvoke("hello")
    assert str(msg.content).endswith(LABEL_SUFFIX)
    with pytest.raises(openai.NotFoundError):
        await _chat(running, model="no-such-model").ainvoke("hello")
    assert len(running.fakes.recorder.records) == 1
