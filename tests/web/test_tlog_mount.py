"""The web app serves its ledger as C2SP tlog-tiles under /tlog/, to anyone, read-only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db


async def test_checkpoint_and_tiles_are_public_and_read_only(client, web_app) -> None:
    ledger = web_app.state.services.ledger
    r = await client.get("/tlog/checkpoint")
    assert r.status_code == 200, r.text
    origin, size = r.text.splitlines()[:2]
    assert origin == ledger.origin and int(size) >= 1
    tile = await client.get(f"/tlog/tile/0/000.p/{size}")
    assert tile.status_code == 200 and len(tile.content) == 32 * int(size)
    bundle = await client.get(f"/tlog/tile/entries/000.p/{size}")
    assert bundle.status_code == 200
    assert (await client.get("/tlog/tile/0/../../etc/passwd")).status_code == 404
    assert (await client.post("/tlog/checkpoint")).status_code in (403, 405)
