"""Outside input the web core parses by hand: session cookies, CSRF tokens, content types."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from govloop.web._auth import Session, SessionCodec
from govloop.web._limits import UPLOAD_TYPES, WebLimits, upload_type
from govloop.web._problems import ProblemError
from govloop.web.api._common import is_json

CODEC = SessionCodec(b"k" * 32)


@given(st.text(max_size=300))
def test_any_cookie_text_is_a_session_or_none(value: str) -> None:
    assert CODEC.loads(value) is None


def test_a_session_round_trips_and_another_key_refuses_it() -> None:
    value = CODEC.dumps(Session("01USER", "nonce-nonce-nonce-nonce"))
    assert CODEC.loads(value) == Session("01USER", "nonce-nonce-nonce-nonce")
    assert SessionCodec(b"x" * 32).loads(value) is None
    assert CODEC.loads(value[:-2] + ("AA" if not value.endswith("AA") else "BB")) is None


@given(st.text(max_size=80), st.text(max_size=40))
def test_upload_type_accepts_only_listed_types(ctype: str, filename: str) -> None:
    try:
        got = upload_type(ctype, filename)
    except ProblemError as exc:
        assert exc.status == 415
    else:
        assert got in UPLOAD_TYPES


@given(st.text(max_size=80))
def test_is_json_never_raises(ctype: str) -> None:
    assert isinstance(is_json(ctype), bool)


def test_json_types() -> None:
    assert is_json("application/json; charset=utf-8") and is_json("application/problem+json")
    assert not is_json("text/json") and not is_json("") and not is_json("application/jsonx")


def test_limits_pick_the_upload_limit_for_multipart() -> None:
    limits = WebLimits(max_body=10, max_upload=20)
    assert limits.for_content_type("multipart/form-data; boundary=x") == 20
    assert limits.for_content_type("application/json") == 10
