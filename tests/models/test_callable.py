from __future__ import annotations

import sys
from pathlib import Path

import pytest

from govloop.errors import InputError, ModelError
from govloop.models import GenerationRequest, TextModel, open_text_model
from govloop.models.callable import CallableModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


async def test_sync_and_async_callables() -> None:
    m = open_text_model("python:assess.fakes:echo")
    assert isinstance(m, TextModel) and m.name == "python:assess.fakes:echo"
    gen = await m.generate(GenerationRequest.from_prompt("介绍长江"))
    assert "介绍长江" in gen.text
    a = open_text_model("python:assess.fakes:async_echo")
    assert (await a.generate(GenerationRequest.from_prompt("x"))).text == "async:x"
    assert [d async for d in a.stream(GenerationRequest.from_prompt("y"))] == ["async:y"]


async def test_errors_become_model_errors() -> None:
    with pytest.raises(ModelError, match="RuntimeError: boom"):
        await open_text_model("python:assess.fakes:boom").generate(
            GenerationRequest.from_prompt("q")
        )
    with pytest.raises(ModelError, match="returned int"):
        await CallableModel(lambda p: 3).generate(GenerationRequest.from_prompt("q"))


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("python:nomodule", "must look like"),
        ("python:no_such_module_xyz:f", "cannot import module"),
        ("python:assess.fakes:missing", "has no attribute"),
        ("python:assess.fakes:UNSAFE_ANSWER", "is not callable"),
    ],
)
def test_bad_specs(spec: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        open_text_model(spec)
