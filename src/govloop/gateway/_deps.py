"""Route dependencies: the worker's governor and the authenticated caller."""

from __future__ import annotations

import json
from typing import Annotated

import orjson
from fastapi import Depends, Request

from govloop.gateway._accounts import Principal
from govloop.gateway._errors import ApiError
from govloop.gateway._governor import Governor
from govloop.gateway._requestid import add_header_pairs

UNLABELED_HEADER = "x-govloop-unlabeled"
"""Request header asking for delivery without explicit labels (value ``1``)."""


async def get_governor(request: Request) -> Governor:
    """The governor of this worker (built by the app's lifespan)."""
    gov = getattr(request.app.state, "governor", None)
    if not isinstance(gov, Governor):
        raise ApiError(503, "the gateway is starting", type="server_error", code="not_ready")
    return gov


GovernorDep = Annotated[Governor, Depends(get_governor)]


async def principal_from(gov: Governor, authorization: str) -> Principal:
    """The caller behind an ``Authorization: Bearer <key>`` header value; rate limited."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401, "missing API key: send 'Authorization: Bearer <key>'", code="invalid_api_key"
        )
    return await gov.authenticate(token.strip())


async def get_principal(request: Request, gov: GovernorDep) -> Principal:
    """The caller, from ``Authorization: Bearer <key>``; rate limited (``x-ratelimit-*``)."""
    principal = await principal_from(gov, request.headers.get("authorization", ""))
    add_header_pairs(request.scope, gov.limiter.header_pairs(principal.key_id))
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def wants_unlabeled(request: Request, body_flag: bool) -> bool:
    """True when the request asks for content without explicit labels (header or body)."""
    return body_flag or unlabeled_header(request.headers.get(UNLABELED_HEADER, ""))


def unlabeled_header(value: str) -> bool:
    """True for an ``X-Govloop-Unlabeled`` value that asks for unlabeled delivery."""
    return value.strip().lower() in ("1", "true", "yes")


def aigc_headers(produce_id: str, aigc: dict[str, str] | None) -> dict[str, str]:
    """``X-Produce-Id`` and (when known) ``X-AIGC`` with the compact label JSON."""
    headers = {"X-Produce-Id": produce_id}
    if aigc is not None:
        headers["X-AIGC"] = label_json(aigc)
    return headers


def label_json(aigc: dict[str, str]) -> str:
    r"""``json.dumps(aigc, separators=(",", ":"), ensure_ascii=True)``, made by orjson when equal.

    orjson writes the same compact text as long as it escaped nothing: no backslash in its
    output means every character was printable ASCII other than ``"`` and ``\``, which the
    standard encoder leaves as they are too (it escapes DEL, orjson does not). A signed label
    is such text (codes, a ULID, base64); anything else takes the standard encoder. On the
    gateway's hot path ``json.dumps`` took 4.8 us per signed label, this 0.9 us.
    """
    try:
        data = orjson.dumps(aigc)
    except TypeError:  # a key that is not a string: the standard encoder says what it makes
        data = b"\\"
    if b"\\" not in data and b"\x7f" not in data and data.isascii():
        return data.decode("ascii")
    return json.dumps(aigc, separators=(",", ":"), ensure_ascii=True)
