"""``GET /v1/models`` and ``GET /v1/models/{id}``: the configured models, servable now or not."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from govloop.errors import GovloopError, NotFoundError
from govloop.gateway._config import ServedModel
from govloop.gateway._deps import GovernorDep, PrincipalDep
from govloop.gateway._governor import Governor

router = APIRouter(tags=["models"])


async def _model_object(gov: Governor, m: ServedModel) -> dict[str, Any]:
    """OpenAI's ``model`` object, with ``filing``, ``kind``, ``servable`` and ``reason`` added."""
    try:
        await gov.served(m.name)
        servable, reason = True, ""
    except GovloopError as exc:
        servable, reason = False, str(exc)
    return {
        "id": m.name,
        "object": "model",
        "created": 0,
        "owned_by": gov.settings.provider_name,
        "filing": m.filing,
        "kind": m.kind,
        "servable": servable,
        "reason": reason,
    }


@router.get("/v1/models")
async def list_models(gov: GovernorDep, principal: PrincipalDep) -> dict[str, Any]:
    """OpenAI's model list, with ``filing``, ``kind`` and ``servable`` added."""
    del principal
    return {"object": "list", "data": [await _model_object(gov, m) for m in gov.config.models]}


@router.get("/v1/models/{model_id:path}")
async def retrieve_model(
    model_id: str, gov: GovernorDep, principal: PrincipalDep
) -> dict[str, Any]:
    """One configured model (a model that is configured but not servable is still listed)."""
    del principal
    for m in gov.config.models:
        if m.name == model_id:
            return await _model_object(gov, m)
    raise NotFoundError(
        f"the model {model_id!r} does not exist here",
        code="model_not_found",
        param="model",
    )
