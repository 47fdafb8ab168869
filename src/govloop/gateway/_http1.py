"""A lean HTTP/1.1 keep-alive client for the gateway's non-streamed upstream calls.

Why not aiohttp here: on the gateway's hot path aiohttp's request machinery (request and
response objects, payload registry, header multidicts, timers, tracing hooks) cost about 95 µs
of CPU per call against a local upstream, a sixth of a fully governed request; this client
costs about 18 µs (measured side by side, see ``docs/benchmarks-gateway.md``). Parsing is not
hand-written: responses go through ``httptools`` (llhttp, the parser uvicorn uses), which
handles chunked bodies, keep-alive and malformed input. This module only keeps connections per
origin, writes the request and bounds every wait. Streams still go through aiohttp.

Behaviour, per call: an idle connection to the origin is reused when it is still open and was
used less than ``keepalive_s`` ago, else a new one is opened (TLS for ``https``, verified with
the system's CA store, which honours ``SSL_CERT_FILE``). A reused connection that the server
closed before answering is retried once on a fresh connection (the server closed it idle; this
is what browsers and urllib3 do too). Connecting is bounded by ``connect_timeout``, waiting for
the whole answer by ``read_timeout``; bodies above ``max_body`` bytes are refused; ``gzip`` and
``deflate`` answers are decoded. Every failure is an :class:`HttpError` whose message names the
URL; nothing else escapes (cancellation aside).
"""

from __future__ import annotations

import asyncio
import collections
import re
import ssl
import time
import zlib
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import httptools

MAX_BODY = 64 << 20
"""Largest answer body accepted (bytes), before and after decoding."""
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""An HTTP header name (RFC 9110 token)."""


class HttpError(Exception):
    """A transport failure: the connection, the timing or the bytes were wrong."""


class _ClosedUnanswered(HttpError):
    """The server closed the connection before sending a byte of its answer."""


@dataclass(frozen=True)
class _Origin:
    scheme: str
    host: str
    port: int
    netloc: str


class _Conn(asyncio.Protocol):
    """One connection; answers one request at a time."""

    def __init__(self, max_body: int) -> None:
        self.max_body = max_body
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.closed = False
        self.last_used = time.monotonic()
        self._reset()

    def _reset(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.got_bytes = False
        self._new_message()

    def _new_message(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.encoding = b""
        self.framed = False  # Content-Length or chunked: a close before the end is an error
        self.headers_done = False

    def begin(self, request: bytes) -> asyncio.Future[tuple[int, bytes]]:
        """Send ``request`` and return the future of its answer."""
        assert self.transport is not None
        self._reset()
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self.waiter

    # -- asyncio.Protocol ------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have its methods
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.got_bytes = True
        if self.waiter is None or self.waiter.done():
            self._fail(HttpError("the upstream sent bytes nobody asked for"))
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(HttpError("the upstream switched protocols (HTTP 101)"))
        except httptools.HttpParserError as exc:
            self._fail(HttpError(f"the upstream sent a malformed HTTP answer ({exc})"))

    def eof_received(self) -> bool | None:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        if self.headers_done and not self.framed:
            self._finish()  # a body delimited by the close of the connection
            return
        detail = f": {exc}" if exc else ""
        if not self.got_bytes:
            err: HttpError = _ClosedUnanswered(f"the upstream closed the connection{detail}")
        else:
            err = HttpError(f"the upstream closed the connection mid-answer{detail}")
        waiter.set_exception(err)

    # -- httptools callbacks -----------------------------------------------------------------
    def on_message_begin(self) -> None:
        if self.waiter is None or self.waiter.done():
            # a second answer to one request: the connection is out of step, never reuse it
            self._fail(HttpError("the upstream sent an answer nobody asked for"))

    def on_header(self, name: bytes, value: bytes) -> None:
        lower = name.lower()
        if lower == b"content-encoding":
            self.encoding = value.strip().lower()
        elif lower == b"content-length" or (
            lower == b"transfer-encoding" and b"chunked" in value.lower()
        ):
            self.framed = True

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_body(self, body: bytes) -> None:
        self.size += len(body)
        if self.size > self.max_body:
            self._fail(HttpError(f"the upstream answer is larger than {self.max_body} bytes"))
            return
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        status = self.parser.get_status_code()
        if status == 101:
            self._fail(HttpError("the upstream switched protocols (HTTP 101)"))
        elif 100 <= status < 200:
            self._new_message()  # an interim answer (100 Continue, 103): the real one follows
        else:
            self._finish()

    # -- helpers -----------------------------------------------------------------------------
    def _finish(self) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        body = b"".join(self.chunks)
        if self.encoding not in (b"", b"identity"):
            try:
                body = _decode(body, self.encoding, self.max_body)
            except HttpError as exc:
                self._fail(exc)
                return
        status = self.parser.get_status_code()
        if not self.parser.should_keep_alive():
            self.close()
        waiter.set_result((status, body))

    def _fail(self, exc: HttpError) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)
        self.close()

    def close(self) -> None:
        """Close the connection (it is never reused afterwards)."""
        self.closed = True
        if self.transport is not None:
            self.transport.close()


def _decode(body: bytes, encoding: bytes, limit: int) -> bytes:
    """A gzip or deflate body decoded (every gzip member), never more than ``limit`` bytes."""
    if encoding not in (b"gzip", b"deflate"):
        raise HttpError(f"unsupported Content-Encoding {encoding.decode('latin-1')!r}")
    out: list[bytes] = []
    size = 0
    data = body
    try:
        while data:
            inflater = zlib.decompressobj(47)  # 32 + 15: a gzip or zlib header, detected
            chunk = inflater.decompress(data, limit + 1 - size)
            size += len(chunk)
            if size > limit or inflater.unconsumed_tail:
                raise HttpError(f"the upstream answer is larger than {limit} bytes decoded")
            if not inflater.eof:
                raise HttpError(f"the upstream's {encoding.decode()} body is truncated")
            out.append(chunk)
            data = inflater.unused_data  # a further gzip member follows
    except zlib.error as exc:
        raise HttpError(f"the upstream's {encoding.decode()} body: {exc}") from None
    return b"".join(out)


def _expire(waiter: asyncio.Future[tuple[int, bytes]], why: str) -> None:
    if not waiter.done():
        waiter.set_exception(HttpError(why))


class Http1Pool:
    """Keep-alive connections per origin, shared by every upstream call of one worker."""

    def __init__(
        self,
        *,
        max_connections: int = 256,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        keepalive_s: float = 30.0,
        max_body: int = MAX_BODY,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.keepalive_s = keepalive_s
        self.max_body = max_body
        self.opened = 0
        """Connections opened so far (for tests and diagnostics)."""
        self._slots = asyncio.Semaphore(max_connections)
        self._idle: dict[_Origin, collections.deque[_Conn]] = {}
        self._origins: dict[str, tuple[_Origin, str]] = {}
        self._ssl: ssl.SSLContext | None = None

    def _split(self, url: str) -> tuple[_Origin, str]:
        found = self._origins.get(url)
        if found is None:
            try:
                parts = urlsplit(url)
                port = parts.port
            except ValueError as exc:
                raise HttpError(f"{url}: not a valid URL ({exc})") from exc
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise HttpError(f"{url}: only http:// and https:// URLs can be called")
            origin = _Origin(
                parts.scheme,
                parts.hostname,
                port or (443 if parts.scheme == "https" else 80),
                parts.netloc.rpartition("@")[2],
            )
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            if any(c <= " " or c == "\x7f" for c in target):
                raise HttpError(f"{url}: the path holds spaces or control characters")
            if len(self._origins) > 1024:
                self._origins.clear()  # URLs come from configuration: a few, normally
            found = self._origins[url] = (origin, target)
        return found

    def _request(self, origin: _Origin, target: str, body: bytes, headers: dict[str, str]) -> bytes:
        lines = [
            f"POST {target} HTTP/1.1",
            f"Host: {origin.netloc}",
            f"Content-Length: {len(body)}",
        ]
        for name, value in headers.items():
            if not _TOKEN.fullmatch(name) or "\r" in value or "\n" in value:
                raise HttpError(
                    f"header {name!r} refused: a line break or a colon in its name (which must be "
                    "an HTTP token), or a line break in its value"
                )
            if name.lower() not in ("host", "content-length"):
                lines.append(f"{name}: {value}")
        try:
            return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        except UnicodeEncodeError as exc:
            raise HttpError(
                f"the request to {origin.netloc}{target} is not Latin-1: {exc}"
            ) from None

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST ``body`` to ``url``; the status and the whole (decoded) answer body."""
        origin, target = self._split(url)
        request = self._request(origin, target, body, headers)
        async with self._slots:
            conn, reused = await self._take(origin, url)
            try:
                return await self._exchange(conn, request, url, origin)
            except _ClosedUnanswered:
                if not reused:
                    raise
            # the server had closed the idle connection: once more, on a fresh one
            conn = await self._open(origin, url)
            return await self._exchange(conn, request, url, origin)

    async def _exchange(
        self, conn: _Conn, request: bytes, url: str, origin: _Origin
    ) -> tuple[int, bytes]:
        waiter = conn.begin(request)
        # A timer on the waiter, not asyncio.timeout(): the latter's rescheduling was 6 % of a
        # gateway worker's CPU. The timer fails the waiter; the connection is then dropped.
        timer = asyncio.get_running_loop().call_later(
            self.read_timeout,
            _expire,
            waiter,
            f"no answer within {self.read_timeout:g} s",
        )
        try:
            answer = await waiter
        except HttpError as exc:
            conn.close()
            raise type(exc)(f"{url}: {exc}") from None
        except BaseException:  # cancelled (the client went away): the answer is never read
            conn.close()
            raise
        finally:
            timer.cancel()
        if not conn.closed:
            conn.last_used = time.monotonic()
            self._idle.setdefault(origin, collections.deque()).append(conn)
        return answer

    async def _take(self, origin: _Origin, url: str) -> tuple[_Conn, bool]:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            conn = idle.pop()
            if not conn.closed and now - conn.last_used < self.keepalive_s:
                return conn, True
            conn.close()
        return await self._open(origin, url), False

    async def _open(self, origin: _Origin, url: str) -> _Conn:
        loop = asyncio.get_running_loop()
        tls: ssl.SSLContext | None = None
        if origin.scheme == "https":
            if self._ssl is None:
                self._ssl = ssl.create_default_context()
            tls = self._ssl
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, conn = await loop.create_connection(
                    lambda: _Conn(self.max_body),
                    origin.host,
                    origin.port,
                    ssl=tls,
                    server_hostname=origin.host if tls else None,
                )
        except TimeoutError:
            raise HttpError(f"{url}: no connection within {self.connect_timeout:g} s") from None
        except (OSError, ssl.SSLError, UnicodeError, ValueError) as exc:
            raise HttpError(f"{url}: cannot connect ({exc})") from None
        self.opened += 1
        return conn

    async def aclose(self) -> None:
        """Close every idle connection."""
        for idle in self._idle.values():
            while idle:
                idle.pop().close()
        self._idle.clear()
