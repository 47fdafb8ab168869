"""The tlog-tiles ASGI app: a fixed set of GET resources and 404 for everything else.

Only paths that :func:`~govloop.ledger._tiles.parse_tile_path` accepts reach the source, and the
source is asked for the tile that path names, never for a file name built from the request, so
no request can read outside the layout (no ``..``, no odd spellings of an index). Headers follow
c2sp.org/tlog-tiles: the checkpoint is mutable and cached for seconds; a full tile's bytes never
change, so it is cached for a year as ``immutable``; a partial tile's bytes never change either,
but a log may stop serving it once the full tile exists, so it gets a day.
"""

from __future__ import annotations

import gzip
import json

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from govloop.errors import GovloopError, InputError
from govloop.ledger import TileSource, parse_tile_path
from govloop.problems import problem_for

CHECKPOINT_CACHE = "public, max-age=2, must-revalidate"
"""Cache-Control of ``checkpoint`` (mutable: "no caching beyond a few seconds")."""
FULL_TILE_CACHE = "public, max-age=31536000, immutable"
"""Cache-Control of full tiles and full entry bundles."""
PARTIAL_TILE_CACHE = "public, max-age=86400"
"""Cache-Control of partial tiles (same bytes forever, but they may be deleted)."""
NOT_FOUND_CACHE = "no-store"
"""Cache-Control of a 404 (the tile may exist after the next checkpoint)."""
_OCTETS = "application/octet-stream"
_GZIP_MIN_BYTES = 512
"""Entry bundles below this size are sent uncompressed."""


def _not_found() -> Response:
    return Response(
        "Not Found\n",
        status_code=404,
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": NOT_FOUND_CACHE},
    )


def _problem(exc: GovloopError) -> Response:
    """An RFC 9457 problem document for a library error (the shared status mapping)."""
    p = problem_for(exc)
    body = {"type": p.type_uri, "title": p.title, "status": p.status}
    if not p.server_side:
        body["detail"] = p.detail
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=p.status,
        media_type="application/problem+json",
        headers={"Cache-Control": NOT_FOUND_CACHE},
    )


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def tiles_app(source: TileSource) -> Starlette:
    """A read-only tlog-tiles server over ``source`` (a ledger or an exported directory)."""

    async def checkpoint(request: Request) -> Response:
        del request
        try:
            text = await run_in_threadpool(source.checkpoint_text)
        except GovloopError as exc:
            return _problem(exc)
        if text is None:
            return _not_found()
        return Response(
            text.encode("utf-8"),
            media_type="text/plain; charset=utf-8",
            headers={"Cache-Control": CHECKPOINT_CACHE},
        )

    async def tile(request: Request) -> Response:
        try:
            wanted = parse_tile_path("tile/" + str(request.path_params["rest"]))
        except InputError:
            return _not_found()
        try:
            data = await run_in_threadpool(source.read, wanted)
        except GovloopError as exc:
            return _problem(exc)
        if data is None:
            return _not_found()
        headers = {"Cache-Control": FULL_TILE_CACHE if wanted.full else PARTIAL_TILE_CACHE}
        if wanted.is_bundle:
            # c2sp: entry bundles SHOULD be compressed at the HTTP layer
            headers["Vary"] = "Accept-Encoding"
            if len(data) >= _GZIP_MIN_BYTES and _accepts_gzip(request):
                data = gzip.compress(data, compresslevel=6, mtime=0)
                headers["Content-Encoding"] = "gzip"
        return Response(data, media_type=_OCTETS, headers=headers)

    async def not_found(request: Request, exc: Exception) -> Response:
        del request, exc
        return _not_found()

    return Starlette(
        routes=[
            Route("/checkpoint", checkpoint, methods=["GET"]),
            Route("/tile/{rest:path}", tile, methods=["GET"]),
        ],
        exception_handlers={404: not_found},
    )
