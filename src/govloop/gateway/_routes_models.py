"""``GET /v1/models``: the configured models and whether each is servable now."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from govloop.gateway._deps import GovernorDep, PrincipalDep
from govloop.gateway._errors import ApiError

router = APIRouter(tags=["models"])


@router.get("/v1/models")
async def list_models(gov: GovernorDep, principal: PrincipalDep) -> dict[str, Any]:
    """OpenAI's model list, with ``filing``, ``kind`` and ``servable`` added."""
    del principal
    data = []
    for m in gov.config.models:
        try:
            await gov.served(m.name)
            servable, reason = True, ""
        except ApiError as exc:
            servable, reason = False, exc.message
        data.append(
            {
                "id": m.name,
                "object": "model",
                "created": 0,
                "owned_by": gov.settings.provider_name,
                "filing": m.filing,
                "kind": m.kind,
                "servable": servable,
                "reason": reason,
            }
        )
    return {"object": "list", "data": data}
