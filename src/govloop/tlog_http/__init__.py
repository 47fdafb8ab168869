"""A read-only HTTP face serving a ledger as C2SP tlog-tiles (``checkpoint``, ``tile/...``).

:func:`tiles_app` builds a Starlette ASGI app over any tile source: the live ledger (tiles
computed from the database on each request) or an exported directory. Mount it where the log's
URL prefix should be, e.g. ``Mount("/tlog", app=tiles_app(LedgerTiles(ledger)))``.
"""

from govloop.tlog_http._app import (
    CHECKPOINT_CACHE,
    FULL_TILE_CACHE,
    NOT_FOUND_CACHE,
    PARTIAL_TILE_CACHE,
    tiles_app,
)

__all__ = [
    "CHECKPOINT_CACHE",
    "FULL_TILE_CACHE",
    "NOT_FOUND_CACHE",
    "PARTIAL_TILE_CACHE",
    "tiles_app",
]
