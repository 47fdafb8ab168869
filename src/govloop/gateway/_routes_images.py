"""``POST /v1/images/generations`` (``b64_json`` only)."""

from __future__ import annotations

import base64
import json

from fastapi import APIRouter, Request, Response

from govloop.gateway._deps import GovernorDep, PrincipalDep, aigc_headers, wants_unlabeled
from govloop.gateway._schemas import ImageRequest, images_body
from govloop.gateway._textfields import screened_text

router = APIRouter(tags=["images"])


@router.post("/v1/images/generations")
async def generate_images(
    body: ImageRequest, request: Request, gov: GovernorDep, principal: PrincipalDep
) -> Response:
    """Images with explicit and implicit labels and the watermark, each recorded in the ledger."""
    model = await gov.served(body.model)
    ctx = gov.context(principal, model, unlabeled=wants_unlabeled(request, body.govloop_unlabeled))
    await gov.screen_prompt(ctx, screened_text(body))
    outs = await gov.images(ctx, body.prompt, n=body.n, size=body.dimensions(), seed=body.seed)
    b64 = [base64.b64encode(o.png).decode("ascii") for o in outs]
    headers = aigc_headers(",".join(o.produce_id for o in outs), outs[0].aigc)
    return Response(
        json.dumps(images_body(outs, b64)).encode(), media_type="application/json", headers=headers
    )
