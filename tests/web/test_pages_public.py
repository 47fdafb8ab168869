"""Public pages over httpx: every page in zh and en, the language choice, forms and errors."""

from __future__ import annotations

import re

import httpx
import pytest

from .conftest import DemoData

pytestmark = pytest.mark.db

HTML = {"accept": "text/html"}


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


@pytest.mark.parametrize(("lang", "word"), [("zh", "备案公示"), ("en", "Registry")])
async def test_home_speaks_the_asked_language_and_remembers_it(
    client: httpx.AsyncClient, lang: str, word: str
) -> None:
    r = await client.get(f"/?lang={lang}", headers=HTML)
    assert r.status_code == 200
    assert word in r.text
    assert f'lang="{"zh-CN" if lang == "zh" else "en"}"' in r.text
    assert r.cookies.get("govloop_lang") == lang
    again = await client.get("/registry", headers=HTML)
    assert word in again.text


async def test_language_defaults_to_chinese_and_follows_accept_language(
    client: httpx.AsyncClient,
) -> None:
    zh = await client.get("/", headers=HTML)
    assert "内容核验" in zh.text
    en = await client.get("/", headers={**HTML, "accept-language": "en-GB,en;q=0.9,zh;q=0.5"})
    assert "Verify content" in en.text
    # the switch on every page links to the same page in the other language
    assert 'href="/?lang=zh"' in en.text


async def test_registry_search_finds_approved_services_only(
    client: httpx.AsyncClient, demo_data: DemoData
) -> None:
    r = await client.get("/registry?lang=en", headers=HTML)
    assert r.status_code == 200
    assert f"/registry/{demo_data.filings['demo']}" in r.text
    assert "format=csv" in r.text
    none = await client.get("/registry?q=no-such-service-xyz&lang=en", headers=HTML)
    assert "No service matches" in none.text
    page = await client.get(f"/registry/{demo_data.filings['demo']}?lang=zh", headers=HTML)
    assert page.status_code == 200
    assert "标识策略" in page.text
    assert f"/complain?filing_id={demo_data.filings['demo']}" in page.text


@pytest.mark.parametrize(
    ("lang", "two", "none"),
    [
        ("en", "2 services found", "0 services found"),
        ("ar", "عُثر على خدمتين", "لم يُعثر على أي خدمة"),  # Arabic's dual and zero forms
        ("ru", "Найдено 2 сервиса", "Найдено 0 сервисов"),
    ],
)
async def test_registry_counts_services_in_the_languages_plural_form(
    client: httpx.AsyncClient, lang: str, two: str, none: str
) -> None:
    r = await client.get(f"/registry?lang={lang}", headers=HTML)
    assert two in r.text  # the demo data has two approved services
    empty = await client.get(f"/registry?q=no-such-service-xyz&lang={lang}", headers=HTML)
    assert none in empty.text


async def test_unknown_service_is_a_readable_404_page(client: httpx.AsyncClient) -> None:
    r = await client.get("/registry/no-such-filing?lang=en", headers=HTML)
    assert r.status_code == 404
    assert "Not found" in r.text
    assert "Traceback" not in r.text


async def test_verify_pasted_text_shows_label_ledger_entry_and_filing(
    client: httpx.AsyncClient, demo_data: DemoData
) -> None:
    form = await client.get("/verify?lang=en", headers=HTML)
    pid, text = next(iter(demo_data.texts.items()))
    r = await client.post(
        "/verify?lang=en",
        data={"csrf_token": _csrf(form.text), "text": text.decode("utf-8")},
        files={"file": ("", b"", "application/octet-stream")},
        headers=HTML,
    )
    assert r.status_code == 200, r.text
    assert pid in r.text
    assert "verified against the latest signed checkpoint" in r.text
    assert f"/registry/{demo_data.filings['demo']}" in r.text


async def test_verify_without_content_or_csrf_says_so_and_keeps_nothing(
    client: httpx.AsyncClient,
) -> None:
    form = await client.get("/verify?lang=en", headers=HTML)
    empty = await client.post(
        "/verify?lang=en", data={"csrf_token": _csrf(form.text), "text": " "}, headers=HTML
    )
    assert empty.status_code == 422
    assert "Choose a file or paste some text." in empty.text
    no_token = await client.post("/verify", data={"text": "hello"}, headers=HTML)
    assert no_token.status_code == 403
    assert "<html" in no_token.text


async def test_verify_refuses_a_file_type_it_does_not_take(client: httpx.AsyncClient) -> None:
    form = await client.get("/verify?lang=en", headers=HTML)
    r = await client.post(
        "/verify?lang=en",
        data={"csrf_token": _csrf(form.text)},
        files={"file": ("tool.exe", b"MZ\x90\x00", "application/x-msdownload")},
        headers=HTML,
    )
    assert r.status_code == 415
    assert 'class="error"' in r.text
