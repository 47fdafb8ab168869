"""The witness's ASGI app: one write route, the spec's status codes and content types.

Answers (c2sp.org/tlog-witness): 200 with cosignature lines (``text/plain``); 409 with the
witness's size as ``text/x.tlog.size`` when the old size is not the one it last cosigned; every
other refusal is an RFC 9457 problem document whose status comes from
:func:`govloop.problems.problem_for` (400 malformed or old size larger than the checkpoint's,
403 no trusted signature, 404 unknown origin, 409 fork at the same size, 422 bad consistency
proof). Bodies over :data:`~govloop.witness.MAX_BODY_BYTES` are refused with 413 before they
are read in full.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from govloop.errors import GovloopError, InputError
from govloop.problems import problem_for
from govloop.witness import MAX_BODY_BYTES, SizeConflict, Witness


def _problem(exc: GovloopError, status: int | None = None) -> Response:
    problem = problem_for(exc)
    code = status or problem.status
    doc = {
        "type": problem.type_uri,
        "title": problem.title,
        "status": code,
        "detail": "internal error" if problem.server_side else problem.detail,
    }
    return Response(
        json.dumps(doc, ensure_ascii=False),
        status_code=code,
        headers={"content-type": "application/problem+json"},
    )


async def _bounded_body(request: Request) -> bytes | None:
    """The request body, or ``None`` as soon as it passes the size limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY_BYTES:
            return None
    return bytes(data)


def create_app(witness: Witness) -> Starlette:
    """The witness's ASGI app over ``witness``."""

    async def add_checkpoint(request: Request) -> Response:
        body = await _bounded_body(request)
        if body is None:
            return _problem(InputError(f"request body is larger than {MAX_BODY_BYTES} bytes"), 413)
        try:
            lines = await run_in_threadpool(witness.add_checkpoint, body)
        except SizeConflict as exc:
            return Response(
                f"{exc.size}\n", status_code=409, headers={"content-type": "text/x.tlog.size"}
            )
        except GovloopError as exc:
            return _problem(exc)
        return Response(
            lines, status_code=200, headers={"content-type": "text/plain; charset=utf-8"}
        )

    return Starlette(routes=[Route("/add-checkpoint", add_checkpoint, methods=["POST"])])


def serve(witness: Witness, host: str, port: int) -> None:
    """Run the witness with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(witness), host=host, port=port, log_level="info")
