"""The public registry, providers' own filings, regulators' reviews and the gateway's refusal."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.db


def bearer(tokens, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


async def test_public_search_lists_only_approved_services(client, demo_data) -> None:
    r = await client.get("/api/v1/filings")
    assert r.status_code == 200
    names = {f["model_name"] for f in r.json()["items"]}
    assert names == {"demo", "example-cv-screener"}, "drafts are not public"
    item = next(f for f in r.json()["items"] if f["model_name"] == "demo")
    assert item["filing_number"].startswith("GL-")
    assert "document" not in item and "audit_trail" not in item


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=demo", {"demo"}),
        ("provider=001191440101", {"example-cv-screener"}),
        ("regime=eu&tier=high", {"example-cv-screener"}),
        ("q=nothing-like-this", set()),
    ],
)
async def test_public_search_filters(client, query, expected) -> None:
    r = await client.get(f"/api/v1/filings?{query}")
    assert {f["model_name"] for f in r.json()["items"]} == expected


async def test_search_pages_and_csv_export(client) -> None:
    r = await client.get("/api/v1/filings?limit=1&offset=1")
    body = r.json()
    assert body["total"] == 2 and len(body["items"]) == 1 and body["offset"] == 1
    r = await client.get("/api/v1/filings?format=csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["id", "model_name"] and len(rows) == 3


async def test_bad_search_parameters_are_a_problem(client) -> None:
    r = await client.get("/api/v1/filings?limit=100000")
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    assert r.json()["errors"][0]["pointer"] == "/limit"


async def test_public_filing_page_and_drafts_are_404(client, demo_data) -> None:
    r = await client.get(f"/api/v1/filings/{demo_data.filings['demo']}")
    assert r.status_code == 200 and r.json()["labels_policy"]
    r = await client.get(f"/api/v1/filings/{demo_data.filings['demo-image']}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


async def test_provider_sees_own_filings_in_full_and_not_others(client, tokens, demo_data) -> None:
    mine = await client.get("/api/v1/my/filings", headers=bearer(tokens, "provider"))
    names = {f["model_name"] for f in mine.json()["items"]}
    assert names == {"demo", "demo-image"}, "one organisation, two services"
    full = mine.json()["items"][0]
    assert "document" in full and full["audit_trail"]
    assert all(":" not in e["actor"] or e["actor"] == "test" for e in full["audit_trail"])
    other = demo_data.filings["example-cv-screener"]
    r = await client.get(f"/api/v1/my/filings/{other}", headers=bearer(tokens, "provider"))
    assert r.status_code == 404
    r = await client.get(
        f"/api/v1/my/filings/{other}/assessments", headers=bearer(tokens, "provider")
    )
    assert r.status_code == 404
    r = await client.get(f"/api/v1/my/filings/{other}", headers=bearer(tokens, "other_provider"))
    assert r.status_code == 200


async def test_regulator_sees_its_jurisdiction_only(client, tokens) -> None:
    r = await client.get("/api/v1/my/filings", headers=bearer(tokens, "regulator"))
    names = {f["model_name"] for f in r.json()["items"]}
    assert names == {"demo", "demo-image", "example-travel-assistant"}, "CN deployments"


async def test_regulator_decision_goes_through_the_lifecycle(client, tokens, demo_data) -> None:
    fid = demo_data.filings["demo"]
    url = f"/api/v1/review/filings/{fid}/decision"
    r = await client.post(
        url,
        json={"decision": "suspend", "comment": "complaint 7"},
        headers=bearer(tokens, "regulator"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "suspended"
    last = r.json()["audit_trail"][-1]
    assert last["actor"] == "regulator:regulator" and "complaint 7" in last["reason"]
    again = await client.post(
        url, json={"decision": "suspend", "comment": "x"}, headers=bearer(tokens, "regulator")
    )
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    back = await client.post(
        url, json={"decision": "reinstate", "comment": "fixed"}, headers=bearer(tokens, "regulator")
    )
    assert back.json()["state"] == "approved"


async def test_regulator_outside_jurisdiction_gets_404_and_nothing_changes(
    client, tokens, demo_data, web_store
) -> None:
    from govloop.registry import Registry

    fid = demo_data.filings["example-cv-screener"]  # deployed in the EU only
    r = await client.post(
        f"/api/v1/review/filings/{fid}/decision",
        json={"decision": "suspend", "comment": "not mine"},
        headers=bearer(tokens, "regulator"),
    )
    assert r.status_code == 404
    assert Registry(web_store).get(fid).state.value == "approved"


async def test_a_provider_cannot_review(client, tokens, demo_data, web_store) -> None:
    from govloop.registry import Registry

    fid = demo_data.filings["demo"]
    r = await client.post(
        f"/api/v1/review/filings/{fid}/decision",
        json={"decision": "suspend", "comment": "self"},
        headers=bearer(tokens, "provider"),
    )
    assert r.status_code == 403
    assert Registry(web_store).get(fid).state.value == "approved"


async def test_suspension_through_the_web_makes_the_gateway_refuse(
    client, tokens, demo_data, web_settings, web_store
) -> None:
    import httpx

    from gateway.fakes import Fakes, FakeTextBackend
    from govloop.gateway import ApiKeys, GatewayConfig, ServedModel
    from govloop.gateway import create_app as gateway_app
    from govloop.gateway._production import RegistryServing
    from govloop.registry import Registry

    fid = demo_data.filings["demo"]
    ports = Fakes().ports()
    ports = type(ports)(
        serving=RegistryServing(Registry(web_store)),
        input_filter=ports.input_filter,
        output_filter=ports.output_filter,
        labeler=ports.labeler,
        watermarker=ports.watermarker,
        recorder=ports.recorder,
    )
    cfg = GatewayConfig(models=(ServedModel(name="demo", filing=fid, backend="demo"),))
    gw = gateway_app(
        web_settings,
        config=cfg,
        ports=ports,
        backends={"demo": FakeTextBackend()},
        checkpoints=False,
    )
    _, key = ApiKeys(web_store).create("someone")
    body = {"model": "demo", "messages": [{"role": "user", "content": "hi"}]}
    async with gw.router.lifespan_context(gw):
        transport = httpx.ASGITransport(app=gw)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as g:
            h = {"Authorization": f"Bearer {key}"}
            ok = await g.post("/v1/chat/completions", json=body, headers=h)
            assert ok.status_code == 200, ok.text
            r = await client.post(
                f"/api/v1/review/filings/{fid}/decision",
                json={"decision": "suspend", "comment": "harmful output reported"},
                headers=bearer(tokens, "regulator"),
            )
            assert r.status_code == 200
            import asyncio

            for _ in range(60):  # the gateway re-reads the state within a second
                refused = await g.post("/v1/chat/completions", json=body, headers=h)
                if refused.status_code == 403:
                    break
                await asyncio.sleep(0.05)
            assert refused.status_code == 403, refused.text
            assert "suspended" in refused.text
