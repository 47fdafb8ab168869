"""``POST /verify``: is this AI-generated, and by whom? (public; nothing is kept)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from govloop.errors import GovloopError
from govloop.web._deps import get_services
from govloop.web._problems import ProblemError
from govloop.web._services import Services
from govloop.web._uploads import read_submission
from govloop.web._views import PUBLIC_STATES, public_view

router = APIRouter(tags=["public"])


def verify_content(services: Services, data: bytes, filename: str) -> dict[str, Any]:
    """Labels and their signatures, the trace with inclusion proofs, and the filing found."""
    from govloop.label import check_bytes
    from govloop.trace import trace

    try:
        labels: dict[str, Any] | None = check_bytes(
            data, filename=filename, public_keys=services.keys.public_keys("label")
        ).model_dump(mode="json")
    except GovloopError as exc:
        labels = {"error": exc.diagnostics()}
    report = trace(data, filename=filename, ledger=services.ledger)
    best = report.candidates[0] if report.candidates else None
    filing = None
    if best is not None and best.filing_id:
        try:
            found = services.registry.get(best.filing_id)
        except GovloopError:
            found = None
        if found is not None and found.state.value in PUBLIC_STATES:
            filing = public_view(found)
    watermark = None
    if best is not None:
        for ev in best.evidence:
            if ev.source == "watermark":
                watermark = {"confidence": ev.confidence, **ev.detail}
    return {
        "sha256": report.sha256,
        "media_type": report.media_type,
        "found": report.found,
        "labels": labels,
        "watermark": watermark,
        "trace": report.to_json(),
        "filing": filing,
        "stored": False,
    }


@router.post(
    "/verify",
    summary="Check a file or text for labels, watermarks and its ledger entry",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "text": {"type": "string"},
                        },
                    }
                },
                "application/json": {
                    "schema": {"type": "object", "properties": {"text": {"type": "string"}}}
                },
            }
        }
    },
)
async def verify(
    request: Request, services: Annotated[Services, Depends(get_services)]
) -> dict[str, Any]:
    """Upload ``file`` or send ``text``; the content is examined in memory and not kept."""
    sub = await read_submission(request)
    if sub.data is not None:
        data, filename = sub.data, sub.filename
    else:
        text = sub.text("text", max_chars=200_000)
        if text is None:
            raise ProblemError(422, "send a file (field 'file') or some text (field 'text')")
        data, filename = text.encode("utf-8"), "pasted.txt"
    return await run_in_threadpool(verify_content, services, data, filename)
