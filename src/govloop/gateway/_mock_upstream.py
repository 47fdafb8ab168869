"""A tiny OpenAI-compatible upstream for tests and benchmarks (raw ASGI, no framework).

It answers ``/v1/chat/completions`` (streamed or not) with fixed text, and fails a chosen
fraction of requests with HTTP 500 (before streaming) or by breaking off mid-stream. It also
answers ``/v1/audio/speech`` with a WAV of vowel-like tones (longer for longer input).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_TEXT = "The quick brown fox jumps over the lazy dog. 敏捷的棕色狐狸跳过了懒狗。"


def mock_upstream_app(
    *,
    text: str = DEFAULT_TEXT,
    fail_rate: float = 0.0,
    seed: int | None = None,
    delay_s: float = 0.0,
) -> ASGIApp:
    """An ASGI app answering chat completions with ``text``; ``fail_rate`` of calls fail.

    ``delay_s`` waits that long before answering (a stand-in for model latency; 0 by default).
    """
    rng = random.Random(seed)
    words = text.split(" ")
    pieces = [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        body = b""
        while True:
            msg = await receive()
            body += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        if scope["path"].rstrip("/") == "/v1/audio/speech":
            await _speech(send, body)
            return
        if scope["path"].rstrip("/") != "/v1/chat/completions":
            await _reply(
                send, 404, {"error": {"message": "not found", "type": "invalid_request_error"}}
            )
            return
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            await _reply(
                send, 400, {"error": {"message": "bad json", "type": "invalid_request_error"}}
            )
            return
        model = str(req.get("model", "mock"))
        if delay_s > 0:
            await asyncio.sleep(delay_s)
        fail = fail_rate > 0 and rng.random() < fail_rate
        if not req.get("stream"):
            if fail:
                await _reply(
                    send,
                    500,
                    {"error": {"message": "injected upstream fault", "type": "server_error"}},
                )
                return
            await _reply(
                send,
                200,
                {
                    "id": "chatcmpl-mock",
                    "object": "chat.completion",
                    "created": 0,
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": 8,
                        "completion_tokens": len(pieces),
                        "total_tokens": 8 + len(pieces),
                    },
                },
            )
            return
        if fail and rng.random() < 0.5:
            await _reply(
                send, 500, {"error": {"message": "injected upstream fault", "type": "server_error"}}
            )
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        cut = len(pieces) // 2 if fail else len(pieces)
        for p in pieces[:cut]:
            chunk = {
                "id": "chatcmpl-mock",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}],
            }
            await send(
                {
                    "type": "http.response.body",
                    "body": b"data: " + json.dumps(chunk).encode() + b"\n\n",
                    "more_body": True,
                }
            )
        if fail:
            err = {
                "error": {"message": "injected upstream fault mid-stream", "type": "server_error"}
            }
            await send(
                {
                    "type": "http.response.body",
                    "body": b"data: " + json.dumps(err).encode() + b"\n\n",
                }
            )
            return
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n"})

    return app


SPEECH_RATE = 24000
"""Sample rate of the mock's speech."""


def speech_wav(text: str) -> bytes:
    """16-bit mono WAV of a syllable-like tone per character (0.12 s each, at most 6 s)."""
    import io
    import math
    import struct
    import wave

    frames = bytearray()
    per = int(SPEECH_RATE * 0.12)
    for i, ch in enumerate(text[:50]):
        f0 = 110.0 + (ord(ch) * 7 + i * 13) % 120
        for n in range(per):
            t = n / SPEECH_RATE
            env = math.sin(math.pi * n / per)
            v = sum(math.sin(2 * math.pi * f0 * k * t) / k for k in range(1, 12)) * 0.2 * env
            frames += struct.pack("<h", int(max(-1.0, min(1.0, v)) * 32767))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SPEECH_RATE)
        w.writeframes(bytes(frames))
    return buf.getvalue()


async def _speech(send: Send, body: bytes) -> None:
    try:
        req = json.loads(body or b"{}")
        text = str(req["input"])
    except (ValueError, KeyError, TypeError):
        await _reply(send, 400, {"error": {"message": "bad body", "type": "invalid_request_error"}})
        return
    data = speech_wav(text or " ")
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"audio/wav"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


async def _reply(send: Send, status: int, data: dict[str, Any]) -> None:
    body = json.dumps(data).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
