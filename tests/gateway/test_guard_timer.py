"""The guard's bounded receive: a stall is a TimeoutError, anyone else's cancel stays one."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Message

from govloop.gateway._guard import _receive_within


async def _stalled() -> Message:
    await asyncio.sleep(30)
    raise AssertionError("not reached")


async def _ready() -> Message:
    return {"type": "http.request", "body": b"{}", "more_body": False}


def test_a_ready_message_is_returned_and_the_timer_dropped() -> None:
    async def run() -> tuple[Message, int]:
        message = await _receive_within(_ready, 30)
        await asyncio.sleep(0)
        task = asyncio.current_task()
        assert task is not None
        return message, task.cancelling()

    message, cancelling = asyncio.run(run())
    assert message["body"] == b"{}" and cancelling == 0


def test_a_stall_raises_timeout_error_and_leaves_the_task_uncancelled() -> None:
    async def run() -> int:
        with pytest.raises(TimeoutError):
            await _receive_within(_stalled, 0.02)
        task = asyncio.current_task()
        assert task is not None
        await asyncio.sleep(0.01)  # still runnable: the cancellation was taken back
        return task.cancelling()

    assert asyncio.run(run()) == 0


def test_an_outer_cancel_is_not_turned_into_a_timeout() -> None:
    async def run() -> None:
        task = asyncio.create_task(_receive_within(_stalled, 5))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(run())
