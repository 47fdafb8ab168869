"""The ASGI app factory: ``create_app(settings) -> FastAPI``.

Nothing connects at import time or in :func:`create_app`; the lifespan opens the store, builds
the ports (production ones unless the caller passes fakes), the backends and the pooled upstream
client, and runs the checkpoint task. :func:`app_from_env` is the factory uvicorn workers call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from govloop.config import Settings
from govloop.errors import GovloopError
from govloop.gateway._backends import Backend, build_backends, make_client
from govloop.gateway._config import ConnectionLimits, GatewayConfig
from govloop.gateway._errors import ApiError, from_govloop, internal_error, validation_error
from govloop.gateway._fastpath import FastTextPath
from govloop.gateway._governor import Governor
from govloop.gateway._guard import RequestGuard
from govloop.gateway._logs import purge_logs
from govloop.gateway._ports import GatewayPorts, Recorder
from govloop.gateway._requestid import request_id_of, with_request_id
from govloop.gateway._routes_audio import router as audio_router
from govloop.gateway._routes_images import router as images_router
from govloop.gateway._routes_models import router as models_router
from govloop.gateway._routes_responses import router as responses_router
from govloop.gateway._routes_text import router as text_router
from govloop.store import Store

log = logging.getLogger("govloop.gateway")

PortsFactory = Callable[[Settings, GatewayConfig, Store], GatewayPorts]
"""Builds the ports once the store is open."""


PURGE_EVERY_S = 86400.0
"""How often a worker deletes logs older than ``log_retention_days``."""


async def _housekeeping(recorder: Recorder, settings: Settings, store: Store) -> None:
    """Signed checkpoints every ``checkpoint_interval_s``; log retention purge once a day."""
    last_purge = -PURGE_EVERY_S
    while True:
        await asyncio.sleep(settings.checkpoint_interval_s)
        try:
            await recorder.checkpoint()
        except Exception:  # keep serving; the next tick retries
            log.exception("signed checkpoint failed")
        now = asyncio.get_running_loop().time()
        if now - last_purge >= PURGE_EVERY_S:
            last_purge = now
            try:
                await asyncio.to_thread(
                    purge_logs, store, retention_days=settings.log_retention_days
                )
            except Exception:
                log.exception("log retention purge failed")


def resolve_filings(cfg: GatewayConfig, store: Store) -> GatewayConfig:
    """Replace each served model's filing key (id, name or number) by the filing's id.

    The ledger then records the same filing id whichever way the configuration names it, and a
    model without a configured version records the filing's serving version. Unknown filings
    stay as written: the serving policy refuses them with the registry's reason.
    """
    from govloop.errors import NotFoundError
    from govloop.registry import Registry

    registry = Registry(store)
    models = []
    for m in cfg.models:
        try:
            filing = registry.get(m.filing)
        except NotFoundError:
            models.append(m)
            continue
        version = m.version or filing.serving_version or filing.current_version
        models.append(m.model_copy(update={"filing": filing.id, "version": version}))
    return cfg.model_copy(update={"models": tuple(models)})


def create_app(
    settings: Settings,
    *,
    config: GatewayConfig | None = None,
    ports: GatewayPorts | PortsFactory | None = None,
    backends: dict[str, Backend] | None = None,
    checkpoints: bool = True,
    tune_gc: bool = False,
) -> FastAPI:
    """The gateway app for ``settings``.

    ``config`` defaults to the gateway config found from ``settings.home``; ``ports`` defaults
    to the production wiring (registry, keyword library, labels, watermarks, ledger); pass a
    :class:`GatewayPorts` or a factory to replace them. ``backends`` replaces the model backends.
    ``checkpoints=False`` turns off the background task (signed checkpoints, log purge).
    ``tune_gc`` is for a process that only serves (``govloop gateway serve`` workers): see
    :func:`tune_gc_for_serving`.
    """
    from govloop.gateway._config import load_gateway_config

    cfg = config or load_gateway_config(home=settings.home)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = await asyncio.to_thread(Store.open, settings.db_url)
        served = await asyncio.to_thread(resolve_filings, cfg, store)
        app.state.config = served
        client = make_client(served.upstream)
        try:
            if ports is None:
                from govloop.gateway._production import production_ports

                built = await asyncio.to_thread(production_ports, settings, served, store)
            elif isinstance(ports, GatewayPorts):
                built = ports
            else:
                built = await asyncio.to_thread(ports, settings, served, store)
            chosen = backends or build_backends(
                served.models, watermarker=built.watermarker, client=client, policy=served.upstream
            )
            gov = Governor(settings, served, built, chosen, store)
            app.state.governor = gov
            if tune_gc:
                tune_gc_for_serving()
            task = (
                asyncio.create_task(_housekeeping(built.recorder, settings, store))
                if checkpoints
                else None
            )
            try:
                yield
            finally:
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await gov.aclose()
        finally:
            await client.aclose()
            store.close()

    app = GatewayApp(
        title="govloop gateway",
        summary="OpenAI-compatible gateway that files, filters, labels, watermarks and records.",
        lifespan=lifespan,
    )
    app.state.config = cfg

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        del request
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(GovloopError)
    async def _govloop_error(request: Request, exc: GovloopError) -> JSONResponse:
        del request
        err = from_govloop(exc)
        return JSONResponse(err.body(), status_code=err.status, headers=err.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        del request
        err = validation_error(exc.errors())
        return JSONResponse(err.body(), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Routing and body errors (404, 405, an unparsable body) in OpenAI's shape too.
        detail = exc.detail if isinstance(exc.detail, str) else "invalid request"
        if exc.status_code == 400 and "pars" in detail.lower():
            detail = "body: not valid JSON"
        elif exc.status_code in (404, 405):
            detail = f"Invalid URL ({request.method} {request.url.path}): {detail.lower()}"
        code = {404: "unknown_url", 405: "method_not_allowed"}.get(exc.status_code)
        err = ApiError(exc.status_code, detail, code=code, headers=dict(exc.headers or {}))
        return JSONResponse(err.body(), status_code=err.status, headers=err.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        del exc
        err = internal_error(request.url.path, request_id_of(request.scope))
        return JSONResponse(err.body(), status_code=500)

    @app.get("/healthz", include_in_schema=False)
    async def _health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(text_router)
    app.include_router(models_router)
    app.include_router(images_router)
    app.include_router(responses_router)
    app.include_router(audio_router)
    return app


class GatewayApp(FastAPI):
    """The FastAPI app, fronted by the lean path for valid non-streamed text requests.

    In front of both, :class:`~govloop.gateway._guard.RequestGuard` checks the key and bounds
    the body before anything is read. The lean path (:class:`FastTextPath`) runs the same
    governance code but none of Starlette's per-request middleware; everything it does not
    answer goes through FastAPI unchanged.
    Middleware added with ``add_middleware`` therefore does not see the lean path's requests:
    wrap the whole app to observe every request.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        lean = FastTextPath(super().__call__, self._governor)
        self._front = RequestGuard(lean, self._governor, self._limits)

    def _governor(self) -> object:
        return getattr(self.state, "governor", None)

    def _limits(self) -> ConnectionLimits:
        cfg = getattr(self.state, "config", None)
        return cfg.limits if isinstance(cfg, GatewayConfig) else ConnectionLimits()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """The request id, the guard (key, size, time), then the lean path, then FastAPI."""
        await with_request_id(self._front, scope, receive, send)


GC_THRESHOLDS = (20_000, 50, 100)
"""Collector thresholds of a serving worker (CPython's defaults are 700, 10, 10)."""


def tune_gc_for_serving() -> None:
    """Freeze what start-up built and collect less often: a worker's heap is mostly long-lived.

    A worker holds a few hundred MB of long-lived objects (the keyword library, NumPy, SQLAlchemy,
    models) that the cyclic collector would otherwise rescan in every full collection; under
    load those scans were 7 % of the worker's CPU and put 100 ms pauses into its p99 latency.
    ``gc.freeze()`` moves them out of the collector's view, and larger thresholds let short-lived
    request objects (freed by reference counting anyway) pile up longer between young
    collections. Cycles are still collected; the soak benchmark checks that memory stays flat.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers.

    Settings come from ``GOVLOOP_*``, the gateway config from ``GOVLOOP_GATEWAY_CONFIG``.
    """
    import os

    from govloop.config import load_settings
    from govloop.gateway._config import load_gateway_config

    settings = load_settings()
    cfg = load_gateway_config(home=settings.home)
    workers = os.environ.get("GOVLOOP_GATEWAY_WORKERS", "")
    if workers.isdigit() and int(workers) >= 1:
        cfg = cfg.model_copy(update={"workers": int(workers)})
    return create_app(settings, config=cfg, tune_gc=True)
