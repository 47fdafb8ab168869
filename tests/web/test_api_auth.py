"""Sign-in, sessions, tokens and CSRF through the REST API."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.db


async def test_login_sets_a_secure_session_cookie_and_me_answers(client, passwords) -> None:
    r = await client.post(
        "/api/v1/auth/login", json={"username": "provider", "password": passwords["provider"]}
    )
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert (
        "govloop_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    )
    assert "Secure" not in cookie  # plain http here
    assert r.json()["user"]["role"] == "provider"
    me = await client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "provider"


async def test_cookie_is_secure_over_https(web_app, passwords) -> None:
    transport = httpx.ASGITransport(app=web_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
        r = await c.post(
            "/api/v1/auth/login", json={"username": "observer", "password": passwords["observer"]}
        )
    assert r.status_code == 200
    assert "Secure" in r.headers["set-cookie"]


async def test_wrong_password_is_a_401_problem(client) -> None:
    r = await client.post(
        "/api/v1/auth/login", json={"username": "provider", "password": "nope-nope-nope"}
    )
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 401 and body["type"].endswith("/bad_credentials")
    assert "govloop_session" not in r.headers.get("set-cookie", "")


async def test_anonymous_me_is_401_and_forged_cookie_is_anonymous(client) -> None:
    assert (await client.get("/api/v1/me")).status_code == 401
    client.cookies.set("govloop_session", "eyJ1IjoiMDEifQ.forged.sig")
    r = await client.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"


async def test_bearer_token_authenticates_without_csrf(client, tokens) -> None:
    h = {"Authorization": f"Bearer {tokens['platform']}"}
    me = await client.get("/api/v1/me", headers=h)
    assert me.json()["role"] == "platform"
    made = await client.post("/api/v1/me/tokens", json={"name": "ci"}, headers=h)
    assert made.status_code == 201, made.text
    new = made.json()["token"]
    assert new.startswith("glt_")
    listed = await client.get("/api/v1/me/tokens", headers={"Authorization": f"Bearer {new}"})
    assert {t["name"] for t in listed.json()} == {"tests", "ci"}
    assert all("token" not in t for t in listed.json())


async def test_bad_token_is_401_not_anonymous(client) -> None:
    r = await client.get("/api/v1/filings", headers={"Authorization": "Bearer glt_nonsense"})
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"
    r = await client.get("/api/v1/filings", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401


async def test_revoking_a_token_ends_it_and_others_tokens_are_404(client, tokens) -> None:
    h = {"Authorization": f"Bearer {tokens['observer']}"}
    made = (await client.post("/api/v1/me/tokens", json={"name": "tmp"}, headers=h)).json()
    other = {"Authorization": f"Bearer {tokens['platform']}"}
    r = await client.delete(f"/api/v1/me/tokens/{made['id']}", headers=other)
    assert r.status_code == 404
    still = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {made['token']}"})
    assert still.status_code == 200
    assert (await client.delete(f"/api/v1/me/tokens/{made['id']}", headers=h)).status_code == 204
    gone = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {made['token']}"})
    assert gone.status_code == 401


async def test_cookie_session_post_needs_the_csrf_token(client, login) -> None:
    token = await login(client, "observer")
    del client.headers["X-CSRF-Token"]
    r = await client.post("/api/v1/me/tokens", json={"name": "x"})
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    r = await client.post("/api/v1/me/tokens", json={"name": "x"}, headers={"X-CSRF-Token": "bad"})
    assert r.status_code == 403
    listed = await client.get("/api/v1/me/tokens")
    assert [t["name"] for t in listed.json()] == ["tests"], "refused calls made nothing"
    r = await client.post("/api/v1/me/tokens", json={"name": "x"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 201


async def test_csrf_token_of_another_session_is_refused(web_app, login) -> None:
    from .conftest import make_client

    async with make_client(web_app) as a, make_client(web_app) as b:
        token_a = await login(a, "observer")
        await login(b, "observer")
        r = await b.post("/api/v1/me/tokens", json={"name": "x"}, headers={"X-CSRF-Token": token_a})
        assert r.status_code == 403


async def test_logout_clears_the_cookie(client, login) -> None:
    await login(client, "regulator")
    r = await client.post("/api/v1/auth/logout")
    assert r.status_code == 204
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_openapi_document_and_docs_page_have_nothing_external(client) -> None:
    spec = (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/filings" in spec["paths"] and "/api/v1/verify" in spec["paths"]
    page = await client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "<script" not in page.text.lower()
    assert "/api/v1/verify" in page.text
