"""Each page in each shipped language: status, ``lang``/``dir`` and no English left on a page
in another language (names and codes aside)."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from babel.messages.pofile import read_po

from govloop.languages import LANGUAGES, Language
from govloop.web._i18n import DOMAIN, LOCALE_DIR

from .conftest import DemoData

HTML = {"accept": "text/html"}
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


def _visible_text(page: str) -> str:
    return html.unescape(_TAG.sub("\n", page))


def _english_phrases(language: Language) -> list[str]:
    """Multi-word English message ids that ``language`` translates differently."""
    with (LOCALE_DIR / language.locale / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        catalogue = read_po(f)
    return [
        m.id
        for m in catalogue
        if isinstance(m.id, str) and " " in m.id and "%(" not in m.id and m.string != m.id
    ]


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.code)
async def test_pages_render_in_each_language(
    client: httpx.AsyncClient, demo_data: DemoData, language: Language
) -> None:
    filing = demo_data.filings["demo"]
    english = _english_phrases(language) if language.code not in ("en",) else []
    for path in ("/", f"/registry/{filing}", "/complain"):
        r = await client.get(f"{path}?lang={language.code}", headers=HTML)
        assert r.status_code == 200, (path, language.code)
        assert f'<html lang="{language.html}" dir="{language.direction}">' in r.text
        for other in LANGUAGES:  # the switch names every language in its own name
            assert other.native in r.text
        text = _visible_text(r.text)
        left = [phrase for phrase in english if phrase in text]
        assert not left, f"{path}?lang={language.code} still shows English: {left[:5]}"


async def test_accept_language_picks_arabic_right_to_left(client: httpx.AsyncClient) -> None:
    r = await client.get("/", headers={**HTML, "accept-language": "ar-SA,ar;q=0.9,en;q=0.5"})
    assert '<html lang="ar" dir="rtl">' in r.text
    assert "التحقق من المحتوى" in r.text
