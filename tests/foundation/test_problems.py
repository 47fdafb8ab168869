"""One mapping from the error tree to HTTP: the class decides the status, the error its code."""

from __future__ import annotations

import pytest

from govloop.errors import (
    AccessError,
    AuthenticationError,
    GovloopError,
    InputError,
    NotFoundError,
    RateLimitError,
    StoreError,
)
from govloop.problems import problem_for


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (AuthenticationError("no key"), 401, "unauthenticated"),
        (AccessError("no"), 403, "forbidden"),
        (NotFoundError("gone"), 404, "not_found"),
        (RateLimitError("slow down"), 429, "rate_limit_exceeded"),
        (InputError("bad"), 400, "invalid_value"),
        (StoreError("down"), 503, "store_unavailable"),
        (GovloopError("other"), 500, "internal_error"),
    ],
)
def test_the_class_decides_the_status(exc: GovloopError, status: int, code: str) -> None:
    problem = problem_for(exc)
    assert (problem.status, problem.code) == (status, code)
    assert problem.param is None


def test_an_errors_own_code_and_param_refine_the_table() -> None:
    problem = problem_for(NotFoundError("model 'x'", code="model_not_found", param="model"))
    assert (problem.status, problem.code, problem.param) == (404, "model_not_found", "model")
    # The code never changes the status: a 403 stays a 403 whatever it is called.
    assert problem_for(AccessError("s", code="requester_suspended")).status == 403


def test_gateway_renders_the_shared_decision_in_openai_shape() -> None:
    from govloop.gateway._errors import from_govloop

    err = from_govloop(
        RateLimitError("too many", retry_after=2.6, quota={"x-ratelimit-remaining-requests": "0"})
    )
    assert err.status == 429 and err.type == "rate_limit_error"
    assert err.headers == {"Retry-After": "3", "x-ratelimit-remaining-requests": "0"}
    body = from_govloop(AccessError("no", code="model_suspended", param="model")).body()
    assert body["error"] == {
        "message": "no",
        "type": "permission_error",
        "param": "model",
        "code": "model_suspended",
    }
    assert from_govloop(AuthenticationError("k", code="invalid_api_key")).status == 401
