"""The complaint channel: intake with a receipt, status by receipt, queues, states and actions."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db


def bearer(tokens, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


async def _file(client, demo_data, **extra) -> dict:
    text = demo_data.texts[demo_data.produce_ids[0]].decode("utf-8")
    body = {"category": "A.2", "description": "歧视性的回答", "evidence_text": text, **extra}
    r = await client.post("/api/v1/complaints", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_complaint_gets_a_receipt_and_a_public_status(client, demo_data, web_app) -> None:
    size = web_app.state.services.ledger.size()
    filed = await _file(client, demo_data, contact="me@example.org")
    assert filed["receipt"].startswith("GL-") and filed["state"] == "received"
    assert filed["model_name"] == "demo", "the evidence was traced to the demo filing"
    assert web_app.state.services.ledger.size() > size, "the receipt is a ledger entry"
    status = await client.get(filed["status_url"])
    assert status.status_code == 200
    assert "me@example.org" not in status.text
    assert (await client.get("/api/v1/complaints/GL-0000000000")).status_code == 404


async def test_complaint_form_with_an_evidence_file(client, demo_data) -> None:
    pid = demo_data.produce_ids[1]
    r = await client.post(
        "/api/v1/complaints",
        data={"category": "labelling", "description": "no label shown", "lang": "en"},
        files={"file": ("seen.txt", demo_data.texts[pid], "text/plain")},
    )
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"category": "nonsense", "description": "x"}, 400),
        ({"description": "no category"}, 422),
        ({"category": "A.2", "description": "x", "unknown": "y"}, 422),
        ({"category": "A.2", "description": 5}, 422),
    ],
)
async def test_bad_complaints_are_refused_and_change_nothing(client, web_app, body, status) -> None:
    size = web_app.state.services.ledger.size()
    r = await client.post("/api/v1/complaints", json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert web_app.state.services.ledger.size() == size


async def test_provider_queue_holds_complaints_about_its_services_only(client, tokens, demo_data):
    filed = await _file(client, demo_data)
    mine = await client.get("/api/v1/queue/complaints", headers=bearer(tokens, "provider"))
    assert filed["receipt"] in {c["receipt"] for c in mine.json()["items"]}
    other = await client.get("/api/v1/queue/complaints", headers=bearer(tokens, "other_provider"))
    assert filed["receipt"] not in {c["receipt"] for c in other.json()["items"]}


async def test_provider_responds_and_the_complainant_sees_the_result(client, tokens, demo_data):
    filed = await _file(client, demo_data)
    queue = (
        await client.get("/api/v1/queue/complaints", headers=bearer(tokens, "provider"))
    ).json()
    cid = next(c["id"] for c in queue["items"] if c["receipt"] == filed["receipt"])
    h = bearer(tokens, "provider")
    url = f"/api/v1/queue/complaints/{cid}/transition"
    assert (
        await client.post(url, json={"action": "triaged", "note": "looking"}, headers=h)
    ).status_code == 200
    r = await client.post(url, json={"action": "resolved", "note": "answer corrected"}, headers=h)
    assert r.status_code == 200, r.text
    status = (await client.get(filed["status_url"])).json()
    assert status["state"] == "resolved" and "corrected" in (status["result"] or "")
    r = await client.post(
        f"/api/v1/queue/complaints/{cid}/transition",
        json={"action": "triaged", "note": "x"},
        headers=bearer(tokens, "other_provider"),
    )
    assert r.status_code == 404


async def test_only_a_regulator_suspends_and_the_filing_is_suspended(
    client, tokens, demo_data, web_store
) -> None:
    from govloop.registry import Registry

    filed = await _file(client, demo_data)
    queue = (
        await client.get("/api/v1/queue/complaints", headers=bearer(tokens, "regulator"))
    ).json()
    cid = next(c["id"] for c in queue["items"] if c["receipt"] == filed["receipt"])
    url = f"/api/v1/queue/complaints/{cid}/actions"
    r = await client.post(
        url, json={"action": "suspend", "note": "x"}, headers=bearer(tokens, "provider")
    )
    assert r.status_code == 403
    assert Registry(web_store).get("demo").state.value == "approved"
    r = await client.post(
        url,
        json={"action": "suspend", "note": "harm confirmed"},
        headers=bearer(tokens, "regulator"),
    )
    assert r.status_code == 200, r.text
    assert Registry(web_store).get("demo").state.value == "suspended"
