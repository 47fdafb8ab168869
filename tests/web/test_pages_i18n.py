"""Language choice: query, then cookie, then Accept-Language, then Chinese."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request

from govloop.languages import CODES
from govloop.web._i18n import choose_language, from_accept_language, gettext_for, normalise


def _request(query: str = "", cookie: str = "", accept: str = "") -> Request:
    headers = []
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if accept:
        headers.append((b"accept-language", accept.encode()))
    return Request({"type": "http", "query_string": query.encode(), "headers": headers})


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("", "", "", "zh"),
        ("lang=en", "govloop_lang=zh", "zh-CN", "en"),
        ("", "govloop_lang=en", "zh-CN", "en"),
        ("", "", "en-US,en;q=0.9", "en"),
        ("", "", "fr-FR, en;q=0.5, zh;q=0.8", "fr"),
        ("", "", "de-DE, en;q=0.5, zh;q=0.8", "zh"),
        ("", "", "ar-EG,ar;q=0.9,en;q=0.8", "ar"),
        ("", "", "hi-IN", "hi"),
        ("lang=fr", "", "en", "fr"),
        ("lang=de", "", "en", "en"),
        ("", "govloop_lang=xx", "", "zh"),
    ],
)
def test_choose_language_order(query: str, cookie: str, accept: str, expected: str) -> None:
    assert choose_language(_request(query, cookie, accept)) == expected


def test_tags_normalise_to_the_shipped_languages() -> None:
    assert normalise("zh_Hans") == normalise("zh-CN") == "zh"
    assert normalise("EN-gb") == "en"
    assert normalise("pt-BR") == "pt"
    assert normalise("sw_KE") == "sw"
    assert normalise("de") is None


def test_catalogues_are_compiled_and_shipped() -> None:
    assert gettext_for("zh")("Verify content") == "内容核验"
    assert gettext_for("en")("Verify content") == "Verify content"
    assert gettext_for("ar")("Verify content") == "التحقق من المحتوى"
    assert gettext_for("ru")("Verify content") == "Проверка контента"


@given(st.text(max_size=300))
def test_accept_language_parser_never_fails(header: str) -> None:
    assert from_accept_language(header) in (None, *CODES)
