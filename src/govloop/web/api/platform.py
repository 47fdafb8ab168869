"""Content platforms: label checks and propagation (Labeling Measures Art. 6), bulk trace."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from govloop.accounts import Role, User
from govloop.errors import GovloopError, StateError
from govloop.web._deps import get_services, require_role
from govloop.web._limits import upload_type
from govloop.web._problems import ProblemError
from govloop.web._services import Services
from govloop.web._uploads import read_submission

router = APIRouter(tags=["platform"])

_Platform = Annotated[User, Depends(require_role(Role.PLATFORM))]
_Svc = Annotated[Services, Depends(get_services)]

MAX_BULK_FILES = 20
"""Most files one bulk trace may carry."""

_FILE_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        }
    }
}


async def _one_file(request: Request) -> tuple[bytes, str]:
    sub = await read_submission(request)
    if sub.data is None:
        raise ProblemError(422, "send the file to check in the multipart field 'file'")
    return sub.data, sub.filename


@router.post(
    "/platform/labels/check", summary="Check a file's AIGC labels", openapi_extra=_FILE_BODY
)
async def check_labels(request: Request, user: _Platform, services: _Svc) -> dict[str, Any]:
    """Implicit label, its signatures, C2PA, explicit label and the Art. 6 decision."""
    from govloop.label import check_bytes

    del user
    data, filename = await _one_file(request)
    report = await run_in_threadpool(
        check_bytes, data, filename=filename, public_keys=services.keys.public_keys("label")
    )
    return report.model_dump(mode="json")


@router.post(
    "/platform/labels/propagate",
    summary="Add the platform's propagation fields to a file's label",
    openapi_extra=_FILE_BODY,
    response_class=Response,
)
async def propagate_labels(request: Request, user: _Platform, services: _Svc) -> Response:
    """The file back with ContentPropagator, PropagateID and a signed ReservedCode2.

    The decision is in the ``X-Govloop-Label-Decision`` header; a file with nothing to
    propagate comes back unchanged (``X-Govloop-Label-Written: false``).
    """
    from govloop.label import propagate_bytes

    del user
    code = services.settings.platform_code
    if not code:
        raise StateError(
            "this deployment has no platform_code; set GOVLOOP_PLATFORM_CODE to propagate labels"
        )
    data, filename = await _one_file(request)
    out, outcome = await run_in_threadpool(
        propagate_bytes,
        data,
        filename=filename,
        platform_code=code,
        signer=services.keys.active("label"),
    )
    return Response(
        out,
        media_type=upload_type(None, filename),
        headers={
            "X-Govloop-Label-Written": str(outcome.written).lower(),
            "X-Govloop-Label-Decision": outcome.decision or "none",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def trace_one(services: Services, data: bytes, filename: str) -> dict[str, Any]:
    """One file's row in a bulk trace (shared by the API and the platform page); errors inline."""
    from govloop.trace import trace

    try:
        report = trace(data, filename=filename, ledger=services.ledger)
    except GovloopError as exc:
        return {"file": filename, "error": exc.diagnostics()}
    best = report.candidates[0] if report.candidates else None
    return {
        "file": filename,
        "sha256": report.sha256,
        "found": report.found,
        "produce_id": best.entry.produce_id if best else None,
        "filing_id": best.filing_id if best else None,
        "confidence": best.confidence if best else 0.0,
        "proof_verified": bool(best and best.proof_verified),
        "ledger_index": best.index if best else None,
    }


@router.post(
    "/platform/trace",
    summary="Trace several files back to the ledger",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            }
                        },
                    }
                }
            }
        }
    },
)
async def bulk_trace(request: Request, user: _Platform, services: _Svc) -> dict[str, Any]:
    """Up to :data:`MAX_BULK_FILES` files in the multipart field ``files``; one result each."""
    del user
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ProblemError(415, "send the files as multipart/form-data (field 'files')")
    form = await request.form()
    try:
        uploads = [v for k, v in form.multi_items() if k == "files" and isinstance(v, UploadFile)]
        if not uploads:
            raise ProblemError(422, "send one or more files in the multipart field 'files'")
        if len(uploads) > MAX_BULK_FILES:
            raise ProblemError(
                422, f"at most {MAX_BULK_FILES} files per request, got {len(uploads)}"
            )
        items = []
        for up in uploads:
            name = up.filename or "upload"
            upload_type(up.content_type, name)
            items.append((await up.read(), name))
    finally:
        await form.close()
    results = [await run_in_threadpool(trace_one, services, d, n) for d, n in items]
    return {"total": len(results), "items": results}
