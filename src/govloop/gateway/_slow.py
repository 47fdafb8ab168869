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
    """uvicorn's httptools protocol, closing connections whose headers do not arrive in time.

    The timer is lazy: a request's start only moves the connection's deadline, and its headers
    clear it; the one loop timer of the connection, when it fires, closes the connection if the
    deadline has passed, re-arms itself for a deadline that was moved later, and lapses when
    there is none. On a keep-alive connection that is one timer per deadline period instead of
    a timer made and cancelled for every request.
    """

    _header_timer: asyncio.TimerHandle | None = None
    _deadline: float | None = None

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
        self._deadline = None
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        """Nothing left to time."""
        self._deadline = None
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().connection_lost(exc)

    def _arm(self) -> None:
        timeout = header_timeout_s()
        self._deadline = self.loop.time() + timeout
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(timeout, self._check)

    def _check(self) -> None:
        self._header_timer = None
        if self._deadline is None:
            return  # the headers came in time; the next request arms a timer again
        left = self._deadline - self.loop.time()
        if left > 0:
            self._header_timer = self.loop.call_later(left, self._check)
        elif not self.transport.is_closing():
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
