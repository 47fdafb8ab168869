"""Signed-in pages over httpx: who sees which page, forms with CSRF, errors on the page."""

from __future__ import annotations

import re

import httpx
import pytest

from govloop.store import Store

from .conftest import PASSWORDS, DemoData

pytestmark = pytest.mark.db

HTML = {"accept": "text/html"}


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, role: str) -> None:
    form = await client.get("/login?lang=en", headers=HTML)
    r = await client.post(
        "/login",
        data={
            "csrf_token": _csrf(form.text),
            "username": role.replace("_", "-"),
            "password": PASSWORDS[role],
        },
        headers=HTML,
    )
    assert r.status_code == 303, r.text
    client.cookies.update(r.cookies)


async def test_wrong_password_is_shown_on_the_login_page(client: httpx.AsyncClient) -> None:
    form = await client.get("/login?lang=en", headers=HTML)
    r = await client.post(
        "/login",
        data={"csrf_token": _csrf(form.text), "username": "provider", "password": "nope"},
        headers=HTML,
    )
    assert r.status_code == 401
    assert "The user name or password is not right." in r.text
    assert "govloop_session" not in r.cookies


async def test_login_lands_on_the_role_page_and_never_off_site(client: httpx.AsyncClient) -> None:
    form = await client.get("/login", headers=HTML)
    r = await client.post(
        "/login",
        data={
            "csrf_token": _csrf(form.text),
            "username": "observer",
            "password": PASSWORDS["observer"],
            "next": "//evil.example/",
        },
        headers=HTML,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/stats"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/my/filings", {"provider", "regulator"}),
        ("/queue", {"provider", "regulator"}),
        ("/platform", {"platform"}),
        ("/stats", {"provider", "regulator", "observer"}),
    ],
)
async def test_pages_admit_only_their_roles(web_app: object, path: str, allowed: set[str]) -> None:
    from .conftest import make_client

    async with make_client(web_app) as anon:
        r = await anon.get(path + "?lang=en", headers=HTML)
        assert r.status_code == 401
        assert "Please sign in" in r.text
    for role in ("provider", "regulator", "platform", "observer"):
        async with make_client(web_app) as c:
            await sign_in(c, role)
            r = await c.get(path + "?lang=en", headers=HTML)
            assert r.status_code == (200 if role in allowed else 403), (role, r.text[:300])


async def test_provider_sees_own_filing_with_trail_not_another_providers(
    client: httpx.AsyncClient, demo_data: DemoData
) -> None:
    await sign_in(client, "provider")
    mine = await client.get(f"/my/filings/{demo_data.filings['demo']}?lang=en", headers=HTML)
    assert mine.status_code == 200
    assert 'id="audit-trail"' in mine.text
    assert "Classification" in mine.text
    assert 'id="review"' not in mine.text, "providers do not decide reviews"
    other = await client.get(
        f"/my/filings/{demo_data.filings['example-cv-screener']}?lang=en", headers=HTML
    )
    assert other.status_code == 404


async def test_regulator_suspends_with_a_comment_and_errors_stay_on_the_page(
    client: httpx.AsyncClient, demo_data: DemoData
) -> None:
    await sign_in(client, "regulator")
    fid = demo_data.filings["demo"]
    page = await client.get(f"/my/filings/{fid}?lang=en", headers=HTML)
    assert 'value="suspend"' in page.text
    token = _csrf(page.text)
    missing = await client.post(
        f"/my/filings/{fid}/decision?lang=en",
        data={"csrf_token": token, "decision": "suspend", "comment": ""},
        headers=HTML,
    )
    assert missing.status_code == 422
    assert "A decision needs a comment." in missing.text
    assert 'class="state state-approved"' in missing.text, "nothing changed"
    no_csrf = await client.post(
        f"/my/filings/{fid}/decision",
        data={"decision": "suspend", "comment": "x"},
        headers=HTML,
    )
    assert no_csrf.status_code == 403
    done = await client.post(
        f"/my/filings/{fid}/decision",
        data={"csrf_token": token, "decision": "suspend", "comment": "harmful outputs"},
        headers=HTML,
    )
    assert done.status_code == 303
    after = await client.get(f"/my/filings/{fid}?lang=en", headers=HTML)
    assert 'class="state state-suspended"' in after.text
    assert "harmful outputs" in after.text
    wrong_state = await client.post(
        f"/my/filings/{fid}/decision?lang=en",
        data={"csrf_token": token, "decision": "approve", "comment": "again"},
        headers=HTML,
    )
    assert wrong_state.status_code == 409
    assert 'class="error"' in wrong_state.text


async def test_dashboard_draws_charts(client: httpx.AsyncClient) -> None:
    await sign_in(client, "observer")
    r = await client.get("/stats?lang=zh", headers=HTML)
    assert r.status_code == 200
    assert r.text.count('<svg class="chart"') == 6
    assert "按监管体系与等级统计的备案" in r.text


async def test_complaint_is_filed_handled_and_its_result_shown(
    client: httpx.AsyncClient, web_app: object, demo_data: DemoData
) -> None:
    from .conftest import make_client

    fid = demo_data.filings["demo"]
    form = await client.get(f"/complain?filing_id={fid}&lang=en", headers=HTML)
    assert "Discriminatory content" in form.text
    token = _csrf(form.text)
    bad = await client.post(
        "/complain?lang=en",
        data={"csrf_token": token, "description": "no category", "filing_id": fid},
        headers=HTML,
    )
    assert bad.status_code == 422
    assert "Choose a category." in bad.text
    assert "no category" in bad.text, "the input is kept"
    pid, text = next(iter(demo_data.texts.items()))
    r = await client.post(
        "/complain?lang=en",
        data={
            "csrf_token": token,
            "category": "A.2",
            "description": "biased answer",
            "evidence_text": text.decode("utf-8"),
            "contact": "someone@example.org",
            "filing_id": fid,
        },
        headers=HTML,
    )
    assert r.status_code == 303, r.text
    status_url = r.headers["location"]
    receipt_page = await client.get(status_url, headers=HTML)
    receipt = re.search(r'id="receipt-number">([^<]+)<', receipt_page.text)
    assert receipt
    assert "someone@example.org" not in receipt_page.text, "no contact on the public page"

    async with make_client(web_app) as provider:
        await sign_in(provider, "provider")
        queue = await provider.get("/queue?lang=en", headers=HTML)
        link = re.search(r'href="(/queue/[^"]+)">' + re.escape(receipt.group(1)), queue.text)
        assert link, queue.text
        page = await provider.get(link.group(1) + "?lang=en", headers=HTML)
        assert "someone@example.org" in page.text, "handlers see the contact"
        assert 'value="suspend"' not in page.text, "providers cannot suspend"
        ptoken = _csrf(page.text)
        moved = await provider.post(
            link.group(1) + "/transition",
            data={"csrf_token": ptoken, "action": "triaged", "note": "looking"},
            headers=HTML,
        )
        assert moved.status_code == 303
        illegal = await provider.post(
            link.group(1) + "/transition?lang=en",
            data={"csrf_token": ptoken, "action": "received", "note": ""},
            headers=HTML,
        )
        assert illegal.status_code == 409
        assert 'class="error"' in illegal.text
        closed = await provider.post(
            link.group(1) + "/transition",
            data={"csrf_token": ptoken, "action": "resolved", "note": "answer corrected"},
            headers=HTML,
        )
        assert closed.status_code == 303

    status = await client.get(f"/complaints/{receipt.group(1)}?lang=en", headers=HTML)
    assert 'id="complaint-result"' in status.text
    assert "answer corrected" in status.text
    assert "resolved" in status.text


async def test_filing_page_shows_contradiction_findings_in_both_languages(
    client: httpx.AsyncClient, demo_data: DemoData, web_store: Store
) -> None:
    from govloop.classify import classify
    from govloop.registry import FilingCreate, Registry

    registry = Registry(web_store)
    fid = demo_data.filings["demo"]
    data = registry.get(fid).document.model_dump(mode="json")
    data["deployment_regions"] = ["EU"]
    data["eu"] = {"emotion_recognition": True, "annex_iii_area": "education"}
    profile = classify(FilingCreate.model_validate(data)).model_dump(mode="json")
    registry.set_risk_profile(fid, profile, actor="test")
    await sign_in(client, "provider")
    en = await client.get(f"/my/filings/{fid}?lang=en", headers=HTML)
    assert "Findings (contradictions, not resolved)" in en.text
    assert "Emotion recognition in the workplace or education" in en.text
    assert "AI Act Art. 5(1)(f)" in en.text
    zh = await client.get(f"/my/filings/{fid}?lang=zh", headers=HTML)
    assert "发现（答案相互矛盾，未作处理）" in zh.text
    assert "工作场所或教育机构中的情绪识别" in zh.text
    assert "工作或教育场所情绪识别：所述事实已构成，但 prohibited_practices 未列出" in zh.text


@pytest.mark.parametrize(
    ("lang", "limit", "text"),
    [
        ("ar", 1, "ملف واحد كحد أقصى في كل مرة."),
        ("ru", 1, "Не более 1 файла за раз."),
        ("ru", 2, "Не более 2 файлов за раз."),
        ("en", 1, "At most 1 file at a time."),
    ],
)
async def test_bulk_trace_states_its_file_limit_in_the_plural_form_of_the_limit(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, lang: str, limit: int, text: str
) -> None:
    from govloop.web.pages import platform

    monkeypatch.setattr(platform, "MAX_BULK_FILES", limit)
    await sign_in(client, "platform")
    page = await client.get(f"/platform?lang={lang}", headers=HTML)
    files = [("files", (f"f{i}.txt", b"text", "text/plain")) for i in range(limit + 1)]
    r = await client.post(
        f"/platform/trace?lang={lang}",
        data={"csrf_token": _csrf(page.text)},
        files=files,
        headers=HTML,
    )
    assert r.status_code == 422 and text in r.text
