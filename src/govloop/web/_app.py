"""The app factory: ``create_app(settings, *, store=None) -> FastAPI``.

With a ``store`` the app works on it at once (tests, the demo); without one the lifespan opens
``settings.db_url`` and closes it at shutdown. Every route gets the same front: body limits
(:mod:`._limits`), CSRF on state-changing requests (:mod:`._csrf`, an app-wide dependency so a
new route cannot forget it), problem documents for every error (:mod:`._problems`) and a strict
set of security headers. The OpenAPI document is at ``/api/v1/openapi.json``; ``/api/v1/docs``
is a plain page rendered from it (no script or style from a CDN).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import Depends, FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govloop.config import Settings
from govloop.store import Store
from govloop.web import _problems
from govloop.web._auth import SessionCodec, load_secret
from govloop.web._csrf import CsrfCookieMiddleware, verify_csrf
from govloop.web._deps import current_user
from govloop.web._limits import BodyLimitMiddleware, WebLimits
from govloop.web._services import Services

API_PREFIX = "/api/v1"
"""Where the REST API lives."""

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    ),
)
"""Sent with every response: nothing from other origins, no framing, no sniffing."""


class _SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _Tiles:
    """The ledger as C2SP tlog-tiles under ``/tlog/`` (read-only, no account needed).

    Built on the first request, because the app's services (and so its ledger) may only exist
    once the lifespan has opened the store.
    """

    def __init__(self, outer: FastAPI) -> None:
        self.outer = outer
        self.inner: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.inner is None:
            from functools import partial

            from govloop.ledger import LedgerTiles
            from govloop.tlog_http import tiles_app
            from govloop.witness import cosigned_note

            ledger = self.outer.state.services.ledger
            publish = partial(cosigned_note, ledger.store)  # with the witnesses' cosignatures
            self.inner = tiles_app(LedgerTiles(ledger, publish=publish))
        await self.inner(scope, receive, send)


def create_app(
    settings: Settings, *, store: Store | None = None, limits: WebLimits | None = None
) -> FastAPI:
    """The web app for ``settings``; on ``store`` when given, else on ``settings.db_url``."""
    from govloop.web.api import api_router
    from govloop.web.api.docs import install_docs
    from govloop.web.pages import error_page
    from govloop.web.pages import router as pages_router

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "services", None) is not None:
            yield
            return
        opened = await asyncio.to_thread(Store.open, settings.db_url)
        try:
            app.state.services = await asyncio.to_thread(Services.build, settings, opened)
            yield
        finally:
            app.state.services = None
            opened.close()

    app = FastAPI(
        title="govloop platform",
        summary="Filings, verification, complaints and reviews for providers, regulators, "
        "platforms and the public.",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(current_user), Depends(verify_csrf)],
    )
    secret = load_secret(settings.home)
    app.state.web_secret = secret
    app.state.session_codec = SessionCodec(secret)
    app.state.limits = limits or WebLimits()
    app.state.services = Services.build(settings, store) if store is not None else None
    _problems.install(app, error_page=error_page)
    app.include_router(api_router, prefix=API_PREFIX)
    install_docs(app, API_PREFIX)
    app.include_router(pages_router)
    app.mount("/tlog", _Tiles(app))
    app.add_middleware(CsrfCookieMiddleware)
    app.add_middleware(BodyLimitMiddleware, limits=app.state.limits)
    app.add_middleware(_SecurityHeaders)
    return app
