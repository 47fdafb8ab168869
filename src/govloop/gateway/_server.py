"""Running the app: uvicorn in the foreground (CLI, workers) or in a thread (tests, demo)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from govloop.errors import ConfigError
from govloop.gateway._config import CONFIG_ENV


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    gateway_config: Path | None = None,
    settings_file: Path | None = None,
    log_level: str = "info",
) -> None:
    """Run the gateway with uvicorn until interrupted; workers build the app from the env."""
    import uvicorn

    if gateway_config is not None:
        os.environ[CONFIG_ENV] = str(gateway_config.resolve())
    if settings_file is not None:
        os.environ["GOVLOOP_CONFIG"] = str(settings_file.resolve())
    os.environ["GOVLOOP_GATEWAY_WORKERS"] = str(workers)
    from govloop.config import load_settings
    from govloop.gateway._config import load_gateway_config
    from govloop.gateway._slow import uvicorn_options

    limits = load_gateway_config(home=load_settings().home).limits
    uvicorn.run(
        "govloop.gateway._app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
        server_header=False,  # no need to advertise the server software
        **uvicorn_options(limits),
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_in_thread(
    app: Any, *, host: str = "127.0.0.1", port: int | None = None, timeout: float = 20.0
) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread; yields the base URL (``http://h:p``)."""
    import uvicorn

    port = port or free_port(host)
    from govloop.gateway._slow import uvicorn_options

    cfg = getattr(getattr(app, "state", None), "config", None)
    limits = getattr(cfg, "limits", None)
    extra = uvicorn_options(limits) if limits is not None else {}
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        **extra,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise ConfigError(f"the server on {host}:{port} did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
