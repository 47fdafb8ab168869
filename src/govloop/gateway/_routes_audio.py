"""``POST /v1/audio/speech``: speech with the audio prompt, watermark and AIGC label, recorded.

Governed like text and images: the key, the rate limit and the filing's state first, then the
input filter on ``input``; the audio is then labeled, watermarked, encoded, recorded in the
ledger (``extra.request_id`` = the answer's ``x-request-id``) and only then sent, as the raw
file OpenAI's SDK expects, with ``X-Produce-Id`` and ``X-AIGC`` headers.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from govloop.gateway._deps import GovernorDep, PrincipalDep, aigc_headers, wants_unlabeled
from govloop.gateway._requestid import request_id_of
from govloop.gateway._schemas import SpeechRequest

router = APIRouter(tags=["audio"])


@router.post("/v1/audio/speech")
async def create_speech(
    body: SpeechRequest, request: Request, gov: GovernorDep, principal: PrincipalDep
) -> Response:
    """One audio file in ``response_format``, governed."""
    model = await gov.served(body.model)
    ctx = gov.context(principal, model, unlabeled=wants_unlabeled(request, body.govloop_unlabeled))
    ctx.request_id = request_id_of(request.scope)
    gov.speech_backend(model)
    await gov.screen_prompt(ctx, body.input, param="input")
    out = await gov.speech(
        ctx, body.input, voice=body.voice, speed=body.speed, response_format=body.response_format
    )
    return Response(
        out.audio, media_type=out.content_type, headers=aigc_headers(out.produce_id, out.aigc)
    )
