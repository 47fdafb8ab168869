"""The lean HTTP/1.1 client of the gateway (``govloop.gateway._http1.Http1Pool``).

Every non-streamed upstream call of the gateway goes through this pool, so what it makes of an
upstream's bytes is what the gateway delivers: a reused connection must not mix two answers, a
truncated answer must not pass for a whole one, and a broken or hostile upstream must surface
as :class:`HttpError` (which ``_backends`` turns into an ``UpstreamTransportError``), never as
another exception or a hang.

The servers here are raw ``asyncio`` TCP (and TLS) servers on 127.0.0.1 that send exact bytes,
so each case is deterministic. Covered: keep-alive reuse and the bytes of the request; the
``max_connections`` bound; chunked, close-delimited, gzip and deflate bodies; ``Connection:
close`` and HTTP/1.0; the single transparent retry when the server closed an idle connection;
the connect and read timeouts; refused connections; truncated answers; ``max_body``; non-2xx
statuses; bad URLs and header injection; HTTPS trust via ``SSL_CERT_FILE``; ``aclose`` and
cancellation. Hypothesis throws arbitrary and near-HTTP bytes at the pool (near-HTTP ones come
with the exact answer expected when they are well-formed). One test runs the project's mock
upstream under uvicorn.
"""

from __future__ import annotations

import asyncio
import datetime
import gzip
import ipaddress
import json
import socket
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govloop.gateway import mock_upstream_app, serve_in_thread
from govloop.gateway._http1 import Http1Pool, HttpError

PATH = "/v1/chat/completions"


# -- a scripted raw server -----------------------------------------------------------------------
@dataclass
class Request:
    line: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


@dataclass
class ServerConn:
    index: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    server: RawServer
    requests: list[Request] = field(default_factory=list)
    eof: asyncio.Event = field(default_factory=asyncio.Event)

    async def read_request(self) -> Request | None:
        """The next request on this connection, or None at EOF (then ``eof`` is set)."""
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            self.eof.set()
            return None
        lines = head[:-4].split(b"\r\n")
        headers = []
        for raw in lines[1:]:
            name, _, value = raw.partition(b":")
            headers.append((name.decode("latin-1"), value.strip().decode("latin-1")))
        req = Request(lines[0].decode("latin-1"), headers, b"")
        length = int((req.header("content-length") or ["0"])[0])
        try:
            req.body = await self.reader.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError):
            self.eof.set()
            return None
        self.requests.append(req)
        self.server.requests.append(req)
        return req

    async def wait_eof(self) -> None:
        """Wait until the client closes its side (discarding anything it still sends)."""
        try:
            while await self.reader.read(65536):
                pass
        except ConnectionError:
            pass
        self.eof.set()

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()


Handler = Callable[[ServerConn], Awaitable[None]]


class RawServer:
    """An asyncio server on 127.0.0.1:0 whose ``handler`` runs once per connection."""

    def __init__(self, handler: Handler, ssl_ctx: Any = None) -> None:
        self.handler = handler
        self.ssl_ctx = ssl_ctx
        self.conns: list[ServerConn] = []
        self.requests: list[Request] = []
        self.tasks: set[asyncio.Task[Any]] = set()
        self.port = 0
        self.host = "127.0.0.1"
        self._server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        conn = ServerConn(len(self.conns), reader, writer, self)
        self.conns.append(conn)
        try:
            await self.handler(conn)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, self.host, 0, ssl=self.ssl_ctx)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for conn in self.conns:
            conn.writer.close()
        if self.tasks:
            _, pending = await asyncio.wait(self.tasks, timeout=2)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        await self._server.wait_closed()

    def url(self, path: str = PATH, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.port}"


def response(body: bytes = b"ok", status: str = "200 OK", headers: tuple[str, ...] = ()) -> bytes:
    """A Content-Length framed HTTP/1.1 answer."""
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def answering(make: Callable[[Request], bytes]) -> Handler:
    """A keep-alive handler answering every request with ``make(request)``."""

    async def handler(conn: ServerConn) -> None:
        while (req := await conn.read_request()) is not None:
            await conn.send(make(req))

    return handler


def once(payload: bytes, then_close: bool = True) -> Handler:
    """A handler that reads one request, sends ``payload`` and closes (or waits for EOF)."""

    async def handler(conn: ServerConn) -> None:
        if await conn.read_request() is None:
            return
        await conn.send(payload)
        if not then_close:
            await conn.wait_eof()

    return handler


@pytest.fixture
async def pool() -> AsyncIterator[Http1Pool]:
    p = Http1Pool(read_timeout=5.0, connect_timeout=2.0)
    yield p
    await p.aclose()


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# -- keep-alive and the request bytes ------------------------------------------------------------
async def test_keepalive_reuses_one_connection_and_sends_exact_request(pool: Http1Pool) -> None:
    async with RawServer(answering(lambda r: response(b"answer:" + r.body))) as srv:
        for i in range(30):
            body = json.dumps({"i": i, "text": "héllo"}).encode()
            status, answer = await pool.post(
                srv.url(), body, {"Authorization": "Bearer tok", "X-Trace": f"t{i}"}
            )
            assert (status, answer) == (200, b"answer:" + body)
        assert pool.opened == 1
        assert len(srv.conns) == 1 and len(srv.requests) == 30
        for i, req in enumerate(srv.requests):
            assert req.line == f"POST {PATH} HTTP/1.1"
            assert req.header("host") == [srv.host_port]
            assert req.header("content-length") == [str(len(req.body))]
            assert req.header("authorization") == ["Bearer tok"]
            assert req.header("x-trace") == [f"t{i}"]
            assert json.loads(req.body) == {"i": i, "text": "héllo"}


async def test_request_target_host_and_reserved_headers(pool: Http1Pool) -> None:
    async with RawServer(answering(lambda r: response())) as srv:
        # the query string is kept, an empty path becomes "/", user info never reaches Host,
        # and caller-supplied Host / Content-Length are dropped in favour of the right ones
        await pool.post(srv.url("/a/b?x=1&y=%20"), b"abc", {"Host": "evil", "content-length": "9"})
        await pool.post(srv.url(""), b"", {})
        await pool.post(f"http://user:pw@127.0.0.1:{srv.port}/u", b"", {})
        first, empty, userinfo = srv.requests
        assert first.line == "POST /a/b?x=1&y=%20 HTTP/1.1"
        assert first.header("host") == [srv.host_port]
        assert first.header("content-length") == ["3"] and first.body == b"abc"
        assert empty.line == "POST / HTTP/1.1" and empty.header("content-length") == ["0"]
        assert userinfo.header("host") == [srv.host_port]
        assert userinfo.header("authorization") == []
        assert pool.opened == 1  # one origin: the three URLs share the connection


async def test_concurrent_posts_stay_within_max_connections() -> None:
    active = peak = 0

    async def handler(conn: ServerConn) -> None:
        nonlocal active, peak
        while (req := await conn.read_request()) is not None:
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.01)
            active -= 1
            await conn.send(response(b"echo:" + req.body))

    pool = Http1Pool(max_connections=4, read_timeout=5.0)
    try:
        async with RawServer(handler) as srv:
            bodies = [f"req-{i}".encode() for i in range(20)]
            answers = await asyncio.gather(*(pool.post(srv.url(), b, {}) for b in bodies))
            # each caller gets the answer to its own request, not a neighbour's
            assert answers == [(200, b"echo:" + b) for b in bodies]
            assert pool.opened <= 4 and len(srv.conns) == pool.opened
            assert 2 <= peak <= 4  # the calls did overlap, and never beyond the bound
    finally:
        await pool.aclose()


async def test_idle_connection_expires_after_keepalive_s() -> None:
    pool = Http1Pool(keepalive_s=0.05)
    try:
        async with RawServer(answering(lambda r: response())) as srv:
            await pool.post(srv.url(), b"", {})
            await pool.post(srv.url(), b"", {})
            assert pool.opened == 1
            await asyncio.sleep(0.1)
            assert await pool.post(srv.url(), b"", {}) == (200, b"ok")
            assert pool.opened == 2
            await asyncio.wait_for(srv.conns[0].eof.wait(), 2)  # the stale one was closed
    finally:
        await pool.aclose()


# -- body framings -------------------------------------------------------------------------------
async def test_chunked_body_is_dechunked_and_connection_reused(pool: Http1Pool) -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
        b"5\r\nhello\r\n"
        b"1;ext=1\r\n \r\n"
        b"A\r\n0123456789\r\n"
        b"0\r\nX-Trailer: t\r\n\r\n"
    )
    async with RawServer(answering(lambda r: chunked)) as srv:
        assert await pool.post(srv.url(), b"{}", {}) == (200, b"hello 0123456789")
        assert await pool.post(srv.url(), b"{}", {}) == (200, b"hello 0123456789")
        assert pool.opened == 1


async def test_chunked_body_split_across_many_segments(pool: Http1Pool) -> None:
    payload = b"x" * 3000 + b"y" * 3000

    async def handler(conn: ServerConn) -> None:
        while await conn.read_request() is not None:
            wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            for i in range(0, len(payload), 700):
                piece = payload[i : i + 700]
                wire += b"%x\r\n" % len(piece) + piece + b"\r\n"
            wire += b"0\r\n\r\n"
            for i in range(0, len(wire), 97):  # odd cuts through sizes and CRLFs
                await conn.send(wire[i : i + 97])
                await asyncio.sleep(0)

    async with RawServer(handler) as srv:
        assert await pool.post(srv.url(), b"", {}) == (200, payload)


async def test_close_delimited_body(pool: Http1Pool) -> None:
    body = b"no length, no chunks: " + bytes(range(256)) * 20
    payload = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body
    async with RawServer(once(payload)) as srv:
        assert await pool.post(srv.url(), b"q", {}) == (200, body)
        assert await pool.post(srv.url(), b"q", {}) == (200, body)
        assert pool.opened == 2 and len(srv.conns) == 2


async def test_close_delimited_body_in_several_segments(pool: Http1Pool) -> None:
    async def handler(conn: ServerConn) -> None:
        await conn.read_request()
        for piece in (b"HTTP/1.1 201 Created\r\n\r\n", b"part1", b"", b"part2"):
            await conn.send(piece)
            await asyncio.sleep(0.01)

    async with RawServer(handler) as srv:  # no Connection header: the close ends the body
        assert await pool.post(srv.url(), b"", {}) == (201, b"part1part2")


async def test_no_content_answer_needs_no_close(pool: Http1Pool) -> None:
    async with RawServer(answering(lambda r: b"HTTP/1.1 204 No Content\r\n\r\n")) as srv:
        assert await pool.post(srv.url(), b"", {}) == (204, b"")
        assert await pool.post(srv.url(), b"", {}) == (204, b"")
        assert pool.opened == 1


# -- content encodings ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("GZip ", gzip.compress),
        ("deflate", zlib.compress),
        ("identity", lambda b: b),
    ],
)
async def test_content_encoding_is_decoded(
    pool: Http1Pool, encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    body = json.dumps({"choices": [{"message": {"content": "x" * 500}}]}).encode()
    wire = compress(body)
    async with RawServer(
        answering(lambda r: response(wire, headers=(f"Content-Encoding: {encoding}",)))
    ) as srv:
        assert await pool.post(srv.url(), b"", {}) == (200, body)
        assert await pool.post(srv.url(), b"", {}) == (200, body)
        assert pool.opened == 1


async def test_gzip_chunked_body_is_decoded(pool: Http1Pool) -> None:
    body = b"chunked and gzipped " * 50
    z = gzip.compress(body)
    mid = len(z) // 2
    wire = (
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"%x\r\n" % mid
        + z[:mid]
        + b"\r\n"
        + b"%x\r\n" % (len(z) - mid)
        + z[mid:]
        + b"\r\n0\r\n\r\n"
    )
    async with RawServer(answering(lambda r: wire)) as srv:
        assert await pool.post(srv.url(), b"", {}) == (200, body)


@pytest.mark.parametrize(
    ("encoding", "wire"),
    [
        ("gzip", b"\x1f\x8b\x08\x00not really gzip at all"),
        ("gzip", gzip.compress(b"truncated " * 100)[:-12]),
        ("deflate", b"plain text"),
        ("br", b"\x0b\x02\x80hello\x03"),
    ],
)
async def test_undecodable_body_is_an_error(pool: Http1Pool, encoding: str, wire: bytes) -> None:
    async with RawServer(
        answering(lambda r: response(wire, headers=(f"Content-Encoding: {encoding}",)))
    ) as srv:
        with pytest.raises(HttpError) as err:
            await pool.post(srv.url(), b"", {})
        assert srv.url() in str(err.value) and encoding in str(err.value)
        # the failed connection is dropped; a good answer afterwards still comes through
        srv.handler = answering(lambda r: response(b"fine"))
        assert await pool.post(srv.url(), b"", {}) == (200, b"fine")
        assert pool.opened == 2


# -- connection management -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "answer",
    [
        response(b"bye", headers=("Connection: close",)),
        b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nbye",
    ],
    ids=["connection-close", "http10"],
)
async def test_non_keepalive_answer_is_not_reused(pool: Http1Pool, answer: bytes) -> None:
    async with RawServer(once(answer, then_close=False)) as srv:
        assert await pool.post(srv.url(), b"", {}) == (200, b"bye")
        # the client closed the connection itself, without waiting for the server to
        await asyncio.wait_for(srv.conns[0].eof.wait(), 2)
        assert await pool.post(srv.url(), b"", {}) == (200, b"bye")
        assert pool.opened == 2 and len(srv.conns) == 2


async def test_idle_connection_closed_by_server_is_not_reused(pool: Http1Pool) -> None:
    async with RawServer(once(response(b"one"))) as srv:  # answers, then closes (idle)
        assert await pool.post(srv.url(), b"", {}) == (200, b"one")
        await asyncio.sleep(0.05)  # the client sees the FIN while the connection is idle
        assert await pool.post(srv.url(), b"", {}) == (200, b"one")
        assert pool.opened == 2


async def test_connection_closed_as_request_arrives_is_retried_once(pool: Http1Pool) -> None:
    async def handler(conn: ServerConn) -> None:
        if await conn.read_request() is None:
            return
        await conn.send(response(b"on-" + str(conn.index).encode()))
        if conn.index == 0:
            await conn.read_request()  # the second request: close without a byte of answer
            return
        while await conn.read_request() is not None:
            await conn.send(response(b"on-" + str(conn.index).encode()))

    async with RawServer(handler) as srv:
        assert await pool.post(srv.url(), b"first", {}) == (200, b"on-0")
        assert await pool.post(srv.url(), b"second", {}) == (200, b"on-1")
        assert pool.opened == 2
        # the retry re-sent the same request on the fresh connection
        assert [r.body for r in srv.requests] == [b"first", b"second", b"second"]


async def test_fresh_connection_closed_unanswered_is_not_retried(pool: Http1Pool) -> None:
    async with RawServer(once(b"")) as srv:
        with pytest.raises(HttpError, match="closed the connection") as err:
            await pool.post(srv.url(), b"x", {})
        assert srv.url() in str(err.value)
        assert pool.opened == 1 and len(srv.requests) == 1


async def test_retry_happens_only_once(pool: Http1Pool) -> None:
    async def handler(conn: ServerConn) -> None:
        if conn.index == 0:
            await conn.read_request()
            await conn.send(response())
        await conn.read_request()  # then close unanswered, on every connection

    async with RawServer(handler) as srv:
        await pool.post(srv.url(), b"", {})
        with pytest.raises(HttpError, match="closed the connection"):
            await pool.post(srv.url(), b"", {})
        assert pool.opened == 2 and len(srv.requests) == 3


async def test_reused_connection_closed_mid_answer_is_not_retried(pool: Http1Pool) -> None:
    async def handler(conn: ServerConn) -> None:
        await conn.read_request()
        await conn.send(response())
        await conn.read_request()
        await conn.send(b"HTTP/1.1 200 OK\r\nContent-Len")  # some bytes, then the close

    async with RawServer(handler) as srv:
        await pool.post(srv.url(), b"", {})
        with pytest.raises(HttpError, match="mid-answer"):
            await pool.post(srv.url(), b"", {})
        assert pool.opened == 1 and len(srv.requests) == 2


async def test_unsolicited_bytes_on_idle_connection_drop_it(pool: Http1Pool) -> None:
    async def handler(conn: ServerConn) -> None:
        await conn.read_request()
        await conn.send(response(b"first"))
        if conn.index == 0:
            await asyncio.sleep(0.05)  # the client has the first answer and is idle now
            await conn.send(response(b"stray answer nobody asked for"))
            await conn.wait_eof()
            return
        while await conn.read_request() is not None:
            await conn.send(response(b"again"))

    async with RawServer(handler) as srv:
        assert await pool.post(srv.url(), b"", {}) == (200, b"first")
        await asyncio.wait_for(srv.conns[0].eof.wait(), 2)  # the pool closed that connection
        # the stray answer is never handed to the next caller
        assert await pool.post(srv.url(), b"", {}) == (200, b"first")
        assert pool.opened == 2


async def test_excess_bytes_after_the_answer_drop_the_connection(pool: Http1Pool) -> None:
    # Content-Length says 5 but 10 bytes follow: the answer is the first 5, and the rest
    # must not be left to be read as the answer to the next request on that connection
    async with RawServer(
        answering(lambda r: b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloworld")
    ) as srv:
        assert await pool.post(srv.url(), b"", {}) == (200, b"hello")
        assert await pool.post(srv.url(), b"", {}) == (200, b"hello")
        assert pool.opened == 2


async def test_malformed_answer_is_an_error(pool: Http1Pool) -> None:
    async with RawServer(once(b"SMTP 220 hello\r\n\r\n", then_close=False)) as srv:
        with pytest.raises(HttpError, match="malformed") as err:
            await pool.post(srv.url(), b"", {})
        assert srv.url() in str(err.value)
        await asyncio.wait_for(srv.conns[0].eof.wait(), 2)


async def test_aclose_closes_idle_connections(pool: Http1Pool) -> None:
    async with RawServer(answering(lambda r: response())) as srv:
        await asyncio.gather(*(pool.post(srv.url(), b"", {}) for _ in range(3)))
        assert pool.opened == 3
        await asyncio.sleep(0.02)
        assert not any(c.eof.is_set() for c in srv.conns)
        await pool.aclose()
        await asyncio.wait_for(asyncio.gather(*(c.eof.wait() for c in srv.conns)), 2)
        # the pool is still usable afterwards, on a fresh connection
        assert await pool.post(srv.url(), b"", {}) == (200, b"ok")
        assert pool.opened == 4


async def test_cancelled_call_drops_its_connection(pool: Http1Pool) -> None:
    async def handler(conn: ServerConn) -> None:
        await conn.read_request()
        if conn.index == 0:
            await conn.wait_eof()  # never answers
            return
        await conn.send(response(b"late"))
        await conn.wait_eof()

    async with RawServer(handler) as srv:
        task = asyncio.create_task(pool.post(srv.url(), b"", {}))
        while not srv.requests:
            await asyncio.sleep(0.005)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.wait_for(srv.conns[0].eof.wait(), 2)
        assert await pool.post(srv.url(), b"", {}) == (200, b"late")
        assert pool.opened == 2


# -- failures ------------------------------------------------------------------------------------
async def test_silent_server_times_out_within_read_timeout() -> None:
    async def handler(conn: ServerConn) -> None:
        await conn.read_request()
        if conn.index == 0:
            await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf")  # then stalls
            await conn.wait_eof()
            return
        await conn.send(response(b"second"))

    pool = Http1Pool(read_timeout=0.3)
    try:
        async with RawServer(handler) as srv:
            start = time.monotonic()
            with pytest.raises(HttpError, match="no answer within 0.3 s") as err:
                await asyncio.wait_for(pool.post(srv.url(), b"", {}), 3)
            elapsed = time.monotonic() - start
            assert 0.25 <= elapsed < 1.5
            assert srv.url() in str(err.value)
            await asyncio.wait_for(srv.conns[0].eof.wait(), 2)  # the connection was dropped
            assert await pool.post(srv.url(), b"", {}) == (200, b"second")
            assert pool.opened == 2
    finally:
        await pool.aclose()


async def test_connection_refused_names_the_url(pool: Http1Pool) -> None:
    url = f"http://127.0.0.1:{closed_port()}{PATH}"
    with pytest.raises(HttpError, match="cannot connect") as err:
        await pool.post(url, b"{}", {})
    assert url in str(err.value)
    assert pool.opened == 0


async def test_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.get_running_loop()

    async def never_connects(*args: object, **kwargs: object) -> Any:
        await asyncio.sleep(10)

    monkeypatch.setattr(loop, "create_connection", never_connects)
    pool = Http1Pool(connect_timeout=0.1)
    start = time.monotonic()
    with pytest.raises(HttpError, match="no connection within 0.1 s") as err:
        await pool.post("http://127.0.0.1:9/x", b"", {})
    assert time.monotonic() - start < 1.0
    assert "http://127.0.0.1:9/x" in str(err.value) and pool.opened == 0


@pytest.mark.parametrize(
    "payload",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly thirty bytes of the body.",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nwo",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",
        b"HTTP/1.1 20",
    ],
    ids=["content-length", "chunk-cut", "no-last-chunk", "headers-cut", "status-cut"],
)
async def test_premature_close_is_an_error_not_a_truncated_answer(
    pool: Http1Pool, payload: bytes
) -> None:
    async with RawServer(once(payload)) as srv:
        with pytest.raises(HttpError, match="mid-answer") as err:
            await pool.post(srv.url(), b"", {})
        assert srv.url() in str(err.value)


async def test_body_over_max_body_is_refused() -> None:
    limit = 1000
    framings = {
        "exact": response(b"a" * limit),
        "length": response(b"a" * (limit + 1)),
        "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"200\r\n"
        + b"b" * 512
        + b"\r\n"
        + b"200\r\n"
        + b"b" * 512
        + b"\r\n0\r\n\r\n",
        "close": b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"c" * 5000,
    }
    pool = Http1Pool(max_body=limit)
    try:
        for name, payload in framings.items():
            async with RawServer(once(payload, then_close=name == "close")) as srv:
                if name == "exact":
                    assert await pool.post(srv.url(), b"", {}) == (200, b"a" * limit)
                    continue
                with pytest.raises(HttpError, match=f"larger than {limit} bytes") as err:
                    await pool.post(srv.url(), b"", {})
                assert srv.url() in str(err.value), name
    finally:
        await pool.aclose()


@pytest.mark.parametrize(
    ("status", "body"),
    [
        ("500 Internal Server Error", b'{"error": "boom"}'),
        ("429 Too Many Requests", b'{"error": "slow down"}'),
        ("404 Not Found", b""),
        ("503 Service Unavailable", b"down"),
        ("302 Found", b"elsewhere"),
    ],
)
async def test_non_2xx_statuses_are_answers(pool: Http1Pool, status: str, body: bytes) -> None:
    async with RawServer(answering(lambda r: response(body, status=status))) as srv:
        assert await pool.post(srv.url(), b"", {}) == (int(status.split()[0]), body)
        assert await pool.post(srv.url(), b"", {}) == (int(status.split()[0]), body)
        assert pool.opened == 1  # an error status is no reason to drop the connection


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        "127.0.0.1:8000/v1",
        "http:///no-host",
        "http://127.0.0.1:99999/",
        "http://127.0.0.1:port/",
        "http://[::1/",
        "",
    ],
)
async def test_bad_urls_are_refused(pool: Http1Pool, url: str) -> None:
    with pytest.raises(HttpError) as err:
        await pool.post(url, b"", {})
    assert url in str(err.value)
    assert pool.opened == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Evil": "a\r\nInjected: yes"},
        {"X-Evil": "a\nb"},
        {"X-Evil": "a\rb"},
        {"X-Evil\r\nInjected": "yes"},
        {"X-Evil:Injected": "yes"},
    ],
)
async def test_header_injection_is_refused_before_connecting(
    pool: Http1Pool, headers: dict[str, str]
) -> None:
    async with RawServer(answering(lambda r: response())) as srv:
        with pytest.raises(HttpError, match="line break or a colon"):
            await pool.post(srv.url(), b"", headers)
        assert pool.opened == 0 and srv.conns == []


@settings(max_examples=60, deadline=None, database=None)
@given(
    prefix=st.text(max_size=10),
    bad=st.sampled_from(["\r", "\n", "\r\n"]),
    suffix=st.text(max_size=10),
    in_name=st.booleans(),
)
def test_header_injection_fuzz(prefix: str, bad: str, suffix: str, in_name: bool) -> None:
    async def scenario() -> None:
        pool = Http1Pool()
        text = prefix + bad + suffix
        headers = {text: "v"} if in_name else {"X-Ok": "fine", "X-Value": text}
        with pytest.raises(HttpError, match="line break"):
            await pool.post(f"http://127.0.0.1:{closed_port()}/x", b"", headers)
        assert pool.opened == 0

    asyncio.run(scenario())


# -- fuzzing what the upstream sends -------------------------------------------------------------
def _chunked(body: bytes, cuts: list[int]) -> bytes:
    out, start = b"", 0
    for cut in sorted({c % (len(body) + 1) for c in cuts} | {len(body)}):
        if cut > start:
            out += b"%x\r\n" % (cut - start) + body[start:cut] + b"\r\n"
            start = cut
    return out + b"0\r\n\r\n"


FUZZ_LIMIT = 64
"""``max_body`` of the fuzzed pool: small, so that the limit is hit often."""

TOO_LARGE = "too large"


@st.composite
def near_http(draw: st.DrawFn) -> tuple[bytes, tuple[int, bytes] | str | None]:
    """An HTTP/1.x answer, often valid, sometimes lying about its framing or encoding.

    With it comes what the pool must make of it when the answer is well-formed: the
    ``(status, decoded body)``, or :data:`TOO_LARGE` when the body exceeds :data:`FUZZ_LIMIT`;
    None when the bytes are broken somehow (then only "an answer or an HttpError" is required).
    """
    sane = draw(st.booleans())  # half of the cases: only valid choices below

    def pick(valid: list[Any], broken: list[Any]) -> Any:
        return draw(st.sampled_from(valid if sane else valid + broken))

    version = pick([b"HTTP/1.1", b"HTTP/1.0"], [b"HTTP/2", b"HTTP/1.", b"HTTP/1.1 "])
    status = pick([b"200", b"201", b"404", b"500"], [b"100", b"204", b"304", b"999", b"2x"])
    plain = draw(st.binary(max_size=300) | st.binary(min_size=FUZZ_LIMIT - 4, max_size=300))
    encoding = pick([None, b"gzip", b"deflate", b"identity"], [b"br"])
    compressed = sane or draw(st.booleans())
    body = plain
    if encoding == b"gzip" and compressed:
        body = gzip.compress(plain)
    elif encoding == b"deflate" and compressed:
        body = zlib.compress(plain)
    wire_size = len(body)
    framing = pick(["length", "chunked" if version == b"HTTP/1.1" else "close", "close"], ["both"])
    headers = [b"Content-Type: application/json"]
    if encoding is not None:
        headers.append(b"Content-Encoding: " + encoding)
    delta = 0
    if framing in ("length", "both"):
        delta = pick([0], [0, -1, 1, 50])
        headers.append(b"Content-Length: %d" % max(0, len(body) + delta))
    if framing in ("chunked", "both"):
        headers.append(b"Transfer-Encoding: chunked")
        body = _chunked(body, draw(st.lists(st.integers(0, 400), max_size=4)))
    if draw(st.booleans()):
        headers.append(draw(st.sampled_from([b"Connection: close", b"Connection: keep-alive"])))
    text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20)
    extra = draw(st.lists(text.map(str.encode) if sane else st.binary(max_size=20), max_size=2))
    headers += [b"X-F: " + value for value in extra]
    wire = version + b" " + status + b" Reason\r\n" + b"\r\n".join(headers) + b"\r\n\r\n" + body
    cut = None if sane else draw(st.one_of(st.none(), st.integers(0, len(wire) - 1)))
    if cut is not None:
        wire = wire[:cut]
    well_formed = (
        cut is None
        and (version == b"HTTP/1.1" or (version == b"HTTP/1.0" and framing != "chunked"))
        and status in (b"200", b"201", b"404", b"500")
        and (encoding in (None, b"identity") or (encoding in (b"gzip", b"deflate") and compressed))
        and framing != "both"
        and delta == 0
        and all(32 <= c < 127 for value in extra for c in value)
    )
    if not well_formed:
        return wire, None
    if wire_size > FUZZ_LIMIT:
        return wire, TOO_LARGE
    return wire, (int(status), plain)


async def _post_payload(payload: bytes) -> tuple[str, tuple[int, bytes] | HttpError]:
    """Serve ``payload`` (then close) to one POST; the URL and the answer or the HttpError."""
    pool = Http1Pool(read_timeout=0.5, max_body=FUZZ_LIMIT)
    try:
        async with RawServer(once(payload)) as srv:
            try:
                # wait_for: a hang fails the test (TimeoutError is no HttpError)
                return srv.url(), await asyncio.wait_for(pool.post(srv.url(), b"{}", {}), 3)
            except HttpError as exc:
                return srv.url(), exc
    finally:
        await pool.aclose()


FUZZ = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@FUZZ
@given(payload=st.binary(max_size=400) | st.binary(max_size=200).map(lambda b: b"HTTP/1.1 " + b))
def test_arbitrary_upstream_bytes_give_an_answer_or_http_error(payload: bytes) -> None:
    url, result = asyncio.run(_post_payload(payload))
    if isinstance(result, HttpError):
        assert url in str(result)
    else:
        status, body = result
        assert isinstance(status, int) and isinstance(body, bytes)
        if b"content-encoding" not in payload.lower():  # else the decoded body may be larger
            assert len(body) <= FUZZ_LIMIT


@FUZZ
@given(case=near_http())
def test_near_http_answers_are_read_exactly(
    case: tuple[bytes, tuple[int, bytes] | str | None],
) -> None:
    payload, expected = case
    url, result = asyncio.run(_post_payload(payload))
    if isinstance(result, HttpError):
        assert url in str(result)
        assert expected is None or expected == TOO_LARGE, result
        if expected == TOO_LARGE:
            assert f"larger than {FUZZ_LIMIT} bytes" in str(result)
    else:
        assert isinstance(result[0], int) and isinstance(result[1], bytes)
        assert expected is None or expected == result


# -- HTTPS ---------------------------------------------------------------------------------------
@dataclass
class Certs:
    ca: Path
    other_ca: Path
    cert: Path
    key: Path


def _make_ca(name: str) -> tuple[Any, Any]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    tmp = tmp_path_factory.mktemp("tls")
    ca_key, ca_cert = _make_ca("govloop test CA")
    _, other_cert = _make_ca("some other CA")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.IPv4Address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    out = Certs(tmp / "ca.pem", tmp / "other-ca.pem", tmp / "cert.pem", tmp / "key.pem")
    out.ca.write_bytes(ca_cert.public_bytes(pem))
    out.other_ca.write_bytes(other_cert.public_bytes(pem))
    out.cert.write_bytes(leaf.public_bytes(pem))
    out.key.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return out


def _server_ssl(certs: Certs) -> Any:
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certs.cert, certs.key)
    return ctx


@pytest.fixture
async def quiet_loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """Collect the loop's error reports (a refused TLS handshake is logged server side)."""
    seen: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, ctx: seen.append(ctx))
    yield seen
    loop.set_exception_handler(previous)


async def test_https_with_trusted_certificate(
    certs: Certs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certs.ca))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    pool = Http1Pool(read_timeout=5.0)
    try:
        async with RawServer(
            answering(lambda r: response(b"secure:" + r.body)), ssl_ctx=_server_ssl(certs)
        ) as srv:
            for host in ("localhost", "127.0.0.1", "localhost"):
                url = srv.url(host=host, scheme="https")
                assert await pool.post(url, b"tls", {"X-A": "1"}) == (200, b"secure:tls")
            assert pool.opened == 2  # one per origin (host name), reused within it
            req = srv.requests[0]
            assert req.line == f"POST {PATH} HTTP/1.1"
            assert req.header("host") == [f"localhost:{srv.port}"]
            assert req.header("x-a") == ["1"]
    finally:
        await pool.aclose()


@pytest.mark.usefixtures("quiet_loop_errors")
@pytest.mark.parametrize("trust", ["other-ca", "empty-file"])
async def test_https_with_untrusted_certificate_is_refused(
    certs: Certs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, trust: str
) -> None:
    if trust == "other-ca":
        monkeypatch.setenv("SSL_CERT_FILE", str(certs.other_ca))
    else:
        (tmp_path / "empty.pem").write_bytes(b"")
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "empty.pem"))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    pool = Http1Pool(read_timeout=5.0)
    try:
        async with RawServer(answering(lambda r: response()), ssl_ctx=_server_ssl(certs)) as srv:
            url = srv.url(host="localhost", scheme="https")
            with pytest.raises(HttpError, match="cannot connect") as err:
                await pool.post(url, b"", {})
            assert url in str(err.value) and "CERTIFICATE_VERIFY_FAILED" in str(err.value)
            assert pool.opened == 0 and srv.requests == []
    finally:
        await pool.aclose()


@pytest.mark.usefixtures("quiet_loop_errors")
async def test_https_hostname_mismatch_is_refused(
    certs: Certs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certs.ca))
    pool = Http1Pool(read_timeout=5.0)
    server = RawServer(answering(lambda r: response()), ssl_ctx=_server_ssl(certs))
    server.host = "127.0.0.2"  # all of 127/8 is loopback on Linux; not in the certificate
    try:
        async with server as srv:
            url = srv.url(host="127.0.0.2", scheme="https")
            with pytest.raises(HttpError, match="cannot connect") as err:
                await pool.post(url, b"", {})
            assert url in str(err.value) and pool.opened == 0
    except OSError as exc:  # pragma: no cover - a loopback without 127.0.0.2
        pytest.skip(f"cannot listen on 127.0.0.2: {exc}")
    finally:
        await pool.aclose()


# -- the project's own mock upstream ---------------------------------------------------------------
def test_against_the_mock_upstream() -> None:
    chat = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}

    async def scenario(url: str) -> list[tuple[int, bytes]]:
        pool = Http1Pool(read_timeout=5.0)
        try:
            answers = [
                await pool.post(
                    f"{url}{PATH}",
                    json.dumps(chat).encode(),
                    {"Content-Type": "application/json", "Authorization": "Bearer x"},
                )
                for _ in range(3)
            ]
            answers.append(await pool.post(f"{url}/v1/nothing", b"{}", {}))
            assert pool.opened == 1  # uvicorn keeps the connection alive
            return answers
        finally:
            await pool.aclose()

    with serve_in_thread(mock_upstream_app(text="mocked answer")) as url:
        answers = asyncio.run(scenario(url))
    for status, body in answers[:3]:
        assert status == 200
        data = json.loads(body)
        assert data["choices"][0]["message"]["content"] == "mocked answer"
        assert data["model"] == "m"
    assert answers[3][0] == 404


# -- defects found in review, fixed: interim answers, upgrades, gzip members, bombs, encoding --
@pytest.mark.parametrize(
    "interim", [b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 103 Early\r\n\r\n"]
)
async def test_interim_1xx_answer_is_skipped(pool: Http1Pool, interim: bytes) -> None:
    async with RawServer(once(interim + response(b"final"), then_close=False)) as srv:
        assert await pool.post(srv.url(), b"", {}) == (200, b"final")


async def test_interim_answer_does_not_shift_answers(pool: Http1Pool) -> None:
    async def handler(conn: ServerConn) -> None:
        while (req := await conn.read_request()) is not None:
            await conn.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            await asyncio.sleep(0.05)
            await conn.send(response(b"answer to " + req.body))

    async with RawServer(handler) as srv:
        names = [b"alice", b"bob", b"carol"]
        answers = [await pool.post(srv.url(), name, {}) for name in names]
        for name, (_, body) in zip(names, answers, strict=True):
            assert body in (b"", b"answer to " + name), f"{name!r} got {body!r}"
        assert answers == [(200, b"answer to " + name) for name in names]


async def test_upgrade_answer_is_an_http_error(
    pool: Http1Pool, quiet_loop_errors: list[dict[str, Any]]
) -> None:
    upgrade = (
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    )
    async with RawServer(once(upgrade + b"\x81\x00", then_close=False)) as srv:
        try:
            await pool.post(srv.url(), b"", {})
        except HttpError:
            pass
        else:
            pytest.fail("a 101 answer to a POST came back as an answer")
        finally:
            await asyncio.sleep(0.02)
        assert quiet_loop_errors == []


async def test_multi_member_gzip_is_decoded_whole(pool: Http1Pool) -> None:
    wire = gzip.compress(b"first half, ") + gzip.compress(b"second half")
    async with RawServer(
        answering(lambda r: response(wire, headers=("Content-Encoding: gzip",)))
    ) as srv:
        assert await pool.post(srv.url(), b"", {}) == (200, b"first half, second half")


async def test_max_body_bounds_the_decoded_body() -> None:
    wire = gzip.compress(b"\0" * 5_000_000)
    assert len(wire) < 10_000
    pool = Http1Pool(max_body=10_000)
    try:
        async with RawServer(
            answering(lambda r: response(wire, headers=("Content-Encoding: gzip",)))
        ) as srv:
            with pytest.raises(HttpError, match="larger than"):
                await pool.post(srv.url(), b"", {})
    finally:
        await pool.aclose()


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("http://127.0.0.1:{port}/x", {"X-Name": "\u20ac"}),
        ("http://127.0.0.1:{port}/\u20ac", {}),
        ("http://\u20ac.invalid:{port}/x", {}),
        ("http://a..b:{port}/x", {}),
    ],
    ids=["header", "path", "host", "idna"],
)
async def test_unencodable_request_is_an_http_error(
    pool: Http1Pool, url: str, headers: dict[str, str]
) -> None:
    with pytest.raises(HttpError):
        await pool.post(url.format(port=closed_port()), b"", headers)
