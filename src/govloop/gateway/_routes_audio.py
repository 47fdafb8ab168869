"""``POST /v1/audio/speech``: speech with the audio prompt, watermark and AIGC label, recorded.

Governed like text and images: the key, the rate limit and the filing's state first, then the
input filter on ``input`` and ``instructions``; the audio is then labeled, watermarked, encoded,
recorded in the ledger (``extra.request_id`` = the answer's ``x-request-id``) and only then sent,
as the raw file OpenAI's SDK expects, with ``X-Produce-Id`` and ``X-AIGC`` headers.

``stream_format: "sse"`` frames the same recorded file as OpenAI's speech events: base64 pieces
in ``speech.audio.delta`` events, then ``speech.audio.done`` with the usage. The first event
leaves only after the whole file is recorded, so nothing reaches a client that the ledger does
not hold (the events change the framing, not the time to the first byte), and the pieces joined
are byte for byte the file ``govloop trace`` finds.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from govloop.gateway._deps import GovernorDep, PrincipalDep, aigc_headers, wants_unlabeled
from govloop.gateway._requestid import request_id_of
from govloop.gateway._schemas import SpeechRequest

router = APIRouter(tags=["audio"])

SSE_CHUNK = 12 * 1024
"""Bytes of audio per ``speech.audio.delta`` event (16 KiB of base64)."""


def speech_events(audio: bytes) -> Iterator[bytes]:
    """OpenAI's speech stream: ``speech.audio.delta`` pieces, then ``speech.audio.done``.

    Speech spends no tokens here (see docs/gateway.md), so the usage is zero.
    """
    for start in range(0, len(audio), SSE_CHUNK):
        piece = base64.b64encode(audio[start : start + SSE_CHUNK]).decode("ascii")
        yield _event({"type": "speech.audio.delta", "audio": piece})
    usage = {"input_tokens": 0, "output_tokens": 0, "total_tokens": 0}
    yield _event({"type": "speech.audio.done", "usage": usage})


def _event(obj: dict[str, object]) -> bytes:
    return f"data: {json.dumps(obj, separators=(',', ':'))}\n\n".encode("ascii")


@router.post("/v1/audio/speech")
async def create_speech(
    body: SpeechRequest, request: Request, gov: GovernorDep, principal: PrincipalDep
) -> Response:
    """One audio file in ``response_format``, governed; or its SSE events."""
    model = await gov.served(body.model)
    ctx = gov.context(principal, model, unlabeled=wants_unlabeled(request, body.govloop_unlabeled))
    ctx.request_id = request_id_of(request.scope)
    gov.speech_backend(model)
    await gov.screen_prompt(ctx, body.input, param="input")
    if body.instructions:
        await gov.screen_prompt(ctx, body.instructions, param="instructions")
    out = await gov.speech(
        ctx,
        body.input,
        voice=body.voice,
        speed=body.speed,
        response_format=body.response_format,
        instructions=body.instructions,
    )
    headers = aigc_headers(out.produce_id, out.aigc)
    if body.stream_format == "sse":
        headers["X-Audio-Media-Type"] = out.content_type
        return StreamingResponse(
            speech_events(out.audio), media_type="text/event-stream", headers=headers
        )
    return Response(out.audio, media_type=out.content_type, headers=headers)
