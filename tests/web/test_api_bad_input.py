"""Bad input: each gets a clear problem document and changes nothing stored."""

from __future__ import annotations

import pytest

from govloop.web import WebLimits, create_app

pytestmark = pytest.mark.db


def _is_problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["type"].startswith("https://") and body["detail"]
    return body


async def test_verify_finds_recorded_text_with_a_verified_proof(client, demo_data) -> None:
    pid = demo_data.produce_ids[0]
    text = demo_data.texts[pid]
    r = await client.post("/api/v1/verify", files={"file": ("a.txt", text, "text/plain")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["found"] and body["stored"] is False
    best = body["trace"]["candidates"][0]
    assert best["entry"]["produce_id"] == pid and best["proof_verified"] is True
    assert body["filing"]["model_name"] == "demo"
    assert body["labels"]["implicit_label"] is True
    pasted = await client.post("/api/v1/verify", json={"text": text.decode("utf-8")})
    assert pasted.json()["trace"]["candidates"][0]["entry"]["produce_id"] == pid


async def test_oversized_upload_is_413_before_reading(web_settings, web_store) -> None:
    from .conftest import make_client

    app = create_app(
        web_settings, store=web_store, limits=WebLimits(max_body=1000, max_upload=2000)
    )
    async with make_client(app) as c:
        r = await c.post("/api/v1/verify", files={"file": ("a.txt", b"x" * 5000, "text/plain")})
        body = _is_problem(r, 413)
        assert body["limit"] == 2000

        async def chunks():
            for _ in range(10):
                yield b"y" * 500

        r = await c.post(
            "/api/v1/verify", content=chunks(), headers={"content-type": "application/json"}
        )
        _is_problem(r, 413)


async def test_wrong_types_are_415(client, tokens) -> None:
    r = await client.post(
        "/api/v1/verify", files={"file": ("x.exe", b"MZ\x90\x00", "application/x-msdownload")}
    )
    _is_problem(r, 415)
    r = await client.post(
        "/api/v1/verify", content=b"<a/>", headers={"content-type": "application/xml"}
    )
    _is_problem(r, 415)
    h = {"Authorization": f"Bearer {tokens['observer']}", "content-type": "text/plain"}
    r = await client.post("/api/v1/me/tokens", content=b"name=x", headers=h)
    _is_problem(r, 415)


async def test_malformed_json_is_400_and_wrong_fields_422(client, tokens) -> None:
    h = {"Authorization": f"Bearer {tokens['observer']}", "content-type": "application/json"}
    r = await client.post("/api/v1/me/tokens", content=b"{not json", headers=h)
    assert _is_problem(r, 400)["code"] == "malformed_json"
    r = await client.post("/api/v1/me/tokens", json={"name": "x", "extra": 1}, headers=h)
    assert _is_problem(r, 422)["errors"]
    r = await client.post(
        "/api/v1/verify", content=b"[1,", headers={"content-type": "application/json"}
    )
    _is_problem(r, 400)
    listed = await client.get("/api/v1/me/tokens", headers={"Authorization": h["Authorization"]})
    assert [t["name"] for t in listed.json()] == ["tests"]


async def test_verify_needs_something_to_verify(client) -> None:
    _is_problem(await client.post("/api/v1/verify", json={}), 422)


async def test_unknown_route_and_method_are_problems(client) -> None:
    _is_problem(await client.get("/api/v1/nothing-here"), 404)
    _is_problem(await client.delete("/api/v1/filings"), 405)


async def test_html_clients_get_an_html_error_page(client) -> None:
    r = await client.get("/no-such-page", headers={"accept": "text/html"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "<script" not in r.text


async def test_every_response_has_security_headers(client) -> None:
    r = await client.get("/api/v1/filings")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
