"""Slow clients at the HTTP level: a deadline for each request's headers.

No ASGI app sees a request before its headers are complete, so a client trickling header
bytes (200 such connections stayed open indefinitely) can only be stopped in the protocol.
:class:`HeaderDeadlineProtocol` is uvicorn's httptools protocol with one timer: armed when the
connection opens and when a request's first byte arrives, cancelled when its headers are
complete; when it fires the connection is closed. Bodies are bounded by the request guard's
read timeout, idle keep-alive connections by uvicorn's ``timeout_keep_alive``.

The deadline comes from ``GOVLOOP_GATEWAY_HEADER_TIMEOUT`` (seconds) so that worker processes,
which import this class afresh, see the value the parent chose.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_ENV = "GOVLOOP_GATEWAY_HEADER_TIMEOUT"
DEFAULT_HEADER_TIMEOUT_S = 10.0


def _from_env() -> float:
    try:
        value = float(os.environ.get(HEADER_TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_HEADER_TIMEOUT_S
    return value if value > 0 else DEFAULT_HEADER_TIMEOUT_S


_deadline_s = _from_env()
"""The deadline in force: a worker process reads it at import, :func:`uvicorn_options` sets it
(reading ``os.environ`` on every request cost about 1.2 us)."""


def header_timeout_s() -> float:
    """The header deadline in force (the environment's at import, else the default)."""
    return _deadline_s


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing connections whose headers do not arrive in time."""

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock for the first request's headers."""
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        """A new request began: its headers have the full deadline."""
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        """Headers are in; the body has its own timeout."""
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        """Nothing left to time."""
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(header_timeout_s(), self._expired)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expired(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def uvicorn_options(limits: Any) -> dict[str, Any]:
    """Uvicorn settings for ``limits`` (:class:`~govloop.gateway.ConnectionLimits`).

    Sets the header deadline in the environment for worker processes as a side effect.
    """
    global _deadline_s
    os.environ[HEADER_TIMEOUT_ENV] = str(limits.header_timeout_s)
    _deadline_s = _from_env()
    return {
        "http": HeaderDeadlineProtocol,
        "timeout_keep_alive": limits.keep_alive_s,
        "limit_concurrency": limits.max_concurrency,
    }
