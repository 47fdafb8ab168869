"""Platforms (label check, propagation, bulk trace) and observers (statistics, open data)."""

from __future__ import annotations

import csv
import io

import pytest

from govloop.config import DEMO_PROVIDER_CODE

pytestmark = pytest.mark.db


def bearer(tokens, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


async def test_label_check_reports_a_verified_producer_signature(client, tokens, demo_data) -> None:
    text = demo_data.texts[demo_data.produce_ids[0]]
    r = await client.post(
        "/api/v1/platform/labels/check",
        files={"file": ("a.txt", text, "text/plain")},
        headers=bearer(tokens, "platform"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["implicit_label"] is True
    assert body["producer_signature"]["status"] == "valid"
    assert body["label"]["ContentProducer"] == DEMO_PROVIDER_CODE


async def test_propagation_needs_a_platform_code(client, tokens, demo_data) -> None:
    text = demo_data.texts[demo_data.produce_ids[0]]
    r = await client.post(
        "/api/v1/platform/labels/propagate",
        files={"file": ("a.txt", text, "text/plain")},
        headers=bearer(tokens, "platform"),
    )
    assert r.status_code == 409 and "platform_code" in r.json()["detail"]


async def test_propagation_writes_the_platform_fields(web_settings, web_store, tokens, demo_data):
    from govloop.web import create_app

    from .conftest import make_client

    settings = web_settings.model_copy(update={"platform_code": "001191110102MACQD9K6402PLAT"})
    app = create_app(settings, store=web_store)
    text = demo_data.texts[demo_data.produce_ids[0]]
    async with make_client(app) as c:
        r = await c.post(
            "/api/v1/platform/labels/propagate",
            files={"file": ("a.txt", text, "text/plain")},
            headers=bearer(tokens, "platform"),
        )
        assert r.status_code == 200, r.text
        assert r.headers["x-govloop-label-written"] == "true"
        checked = await c.post(
            "/api/v1/platform/labels/check",
            files={"file": ("a.txt", r.content, "text/plain")},
            headers=bearer(tokens, "platform"),
        )
    label = checked.json()["label"]
    assert label["ContentPropagator"] == "001191110102MACQD9K6402PLAT"
    assert label["ContentProducer"] == DEMO_PROVIDER_CODE


async def test_bulk_trace_one_result_per_file(client, tokens, demo_data) -> None:
    files = [
        ("files", (f"{pid}.txt", demo_data.texts[pid], "text/plain"))
        for pid in demo_data.produce_ids
    ]
    files.append(("files", ("other.txt", "完全无关的一段文字，没有记录。".encode(), "text/plain")))
    r = await client.post("/api/v1/platform/trace", files=files, headers=bearer(tokens, "platform"))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["produce_id"] for i in items[:2]] == demo_data.produce_ids
    assert all(i["proof_verified"] for i in items[:2])
    assert items[2]["found"] is False


async def test_bulk_trace_refuses_a_bad_file_type(client, tokens) -> None:
    files = [("files", ("x.bin", b"\x00\x01", "application/x-thing"))]
    r = await client.post("/api/v1/platform/trace", files=files, headers=bearer(tokens, "platform"))
    assert r.status_code == 415


async def test_observer_statistics_and_open_data(client, tokens) -> None:
    r = await client.get("/api/v1/stats", headers=bearer(tokens, "observer"))
    assert r.status_code == 200
    stats = r.json()
    assert stats["filings"]["total"] == 4
    assert stats["filings"]["by_state"] == {"approved": 2, "draft": 2}
    assert stats["ledger"]["entries"] == 2
    assert "contact" not in r.text
    r = await client.get("/api/v1/open-data/filings.csv", headers=bearer(tokens, "observer"))
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert len(rows) == 3


async def test_csv_cells_cannot_be_formulas() -> None:
    from govloop.web.api.filings import _safe_cell

    assert _safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _safe_cell("demo") == "demo"
