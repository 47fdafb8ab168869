"""Browser fixtures: the web app on a real uvicorn server, headless Chromium, a traced image.

The server runs in a thread on 127.0.0.1 and a free port, on the test's copy of the demo home
(``web_settings`` / ``web_store`` from ``tests/web/conftest.py``). Chromium is Debian's
``/usr/bin/chromium`` driven by ``/usr/bin/chromedriver`` (override with ``GOVLOOP_CHROMIUM``
and ``GOVLOOP_CHROMEDRIVER``). Screenshots go to ``$GOVLOOP_SCREENSHOTS`` or
``artifacts/screenshots`` under the repository root, a folder CI keeps.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from govloop.config import Settings
from govloop.store import Store

REPO = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("GOVLOOP_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("GOVLOOP_CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = Path(os.environ.get("GOVLOOP_SCREENSHOTS") or REPO / "artifacts" / "screenshots")
"""Read at import: the web fixtures clear GOVLOOP_* variables for each test."""


def screenshot_dir() -> Path:
    """Where the tests write their screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@dataclass
class TracedImage:
    """A watermarked, labelled image recorded in the ledger under the demo filing."""

    path: Path
    produce_id: str
    index: int


@pytest.fixture
def traced_image(web_settings: Settings, web_store: Store, tmp_path: Path) -> TracedImage:
    """Generate, watermark, label and record one image, then checkpoint the ledger."""
    import numpy as np
    from PIL import Image

    from govloop.ids import new_produce_id, produce_tag
    from govloop.keys import KeyStore
    from govloop.label import label_bytes
    from govloop.ledger import Ledger, record_output
    from govloop.registry import Registry
    from govloop.watermark import embed_image, watermark_key
    from govloop.watermark.image import save_image

    keys = KeyStore.open(web_settings.keys_dir)
    ledger = Ledger.open(web_store, keys, web_settings)
    filing = Registry(web_store).get("demo")
    rng = np.random.default_rng(7)
    base = np.clip(
        np.linspace(40, 220, 384)[None, :, None] + rng.normal(0, 18, (256, 384, 3)), 0, 255
    ).astype(np.uint8)
    wkey = watermark_key(keys)
    pid = new_produce_id()
    payload = (wkey.key_id << 32) | produce_tag(pid, 32)
    marked = embed_image(Image.fromarray(base), key=wkey, payload=payload)
    if not isinstance(marked, Image.Image):
        marked = Image.fromarray(marked)
    data, outcome = label_bytes(
        save_image(marked, filename="valley.png"),
        filename="valley.png",
        producer_code=filing.provider_code,
        signer=keys.active("label"),
        produce_id=pid,
    )
    result = record_output(
        ledger,
        data,
        media_type="image",
        model=filing.model_name,
        provider_code=filing.provider_code,
        filing_id=filing.id,
        model_version=filing.serving_version,
        requester="someone",
        label=outcome.label,
        watermark={
            "scheme": "govloop-image-v1",
            "payload": f"{payload:012x}",
            "bits": 48,
            "key_id": wkey.key_id,
        },
        produce_id=pid,
    )
    ledger.checkpoint()
    path = tmp_path / "valley.png"
    path.write_bytes(data)
    return TracedImage(path, pid, result.index)


@pytest.fixture
def live_url(web_app: Any) -> Iterator[str]:
    """The web app served by uvicorn on a free local port."""
    from govloop.gateway import serve_in_thread

    with serve_in_thread(web_app) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session (cookies are cleared between uses)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
