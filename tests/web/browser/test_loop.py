"""The loop in a real browser: the public verifies a traced image and complains, the provider
responds, the regulator suspends the service, the gateway refuses it, and the complainant's
status page shows the result; once in Chinese and once in English, with screenshots; and one
Arabic (right-to-left) page."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from govloop.config import Settings
from govloop.store import Store

from ..conftest import PASSWORDS, DemoData
from .conftest import TracedImage, screenshot_dir

pytestmark = pytest.mark.db

TEXT = {
    "zh": {
        "proof": "已对照最新签名检查点验证",
        "received": "您的投诉已受理",
        "resolved": "已办结",
        "result": "经核查，该服务已暂停，待整改后重新评估。",
        "suspended": "已暂停",
    },
    "en": {
        "proof": "verified against the latest signed checkpoint",
        "received": "Your complaint was received",
        "resolved": "resolved",
        "result": "The service was suspended pending a new assessment.",
        "suspended": "suspended",
    },
}


def shot(driver: Any, name: str) -> Path:
    """A full-page screenshot of the current page."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(900, int(height) + 40), 4000))
    path = screenshot_dir() / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    return path


def _gone(element: Any) -> bool:
    try:
        element.is_enabled()
    except WebDriverException:  # stale, or no longer in any document
        return True
    return False


def click_through(driver: Any, element: Any) -> None:
    """Click a button or link and wait until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 15).until(lambda _: _gone(page))


def submit(driver: Any, button_id: str) -> None:
    """Submit a form with its button and wait for the answer page."""
    click_through(driver, driver.find_element(By.ID, button_id))


def sign_in(driver: Any, url: str, role: str, lang: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{url}/login?lang={lang}")
    driver.find_element(By.ID, "login-username").send_keys(role.replace("_", "-"))
    driver.find_element(By.ID, "login-password").send_keys(PASSWORDS[role])
    submit(driver, "login-submit")


def gateway_status(settings: Settings, store: Store, filing_id: str) -> int:
    """What the governed gateway answers for the demo model now."""
    from gateway.fakes import Fakes, FakeTextBackend
    from govloop.gateway import ApiKeys, GatewayConfig, ServedModel
    from govloop.gateway import create_app as gateway_app
    from govloop.gateway._production import RegistryServing
    from govloop.registry import Registry

    fakes = Fakes().ports()
    ports = type(fakes)(
        serving=RegistryServing(Registry(store)),
        input_filter=fakes.input_filter,
        output_filter=fakes.output_filter,
        labeler=fakes.labeler,
        watermarker=fakes.watermarker,
        recorder=fakes.recorder,
    )
    cfg = GatewayConfig(models=(ServedModel(name="demo", filing=filing_id, backend="demo"),))
    app = gateway_app(
        settings, config=cfg, ports=ports, backends={"demo": FakeTextBackend()}, checkpoints=False
    )
    _, key = ApiKeys(store).create("someone")
    body = {"model": "demo", "messages": [{"role": "user", "content": "你好"}]}

    async def ask() -> int:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as gw:
                r = await gw.post(
                    "/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}
                )
                return r.status_code

    return asyncio.run(ask())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_complaint_closes_the_loop_in_the_browser(
    lang: str,
    browser: Any,
    live_url: str,
    traced_image: TracedImage,
    demo_data: DemoData,
    web_settings: Settings,
    web_store: Store,
) -> None:
    t = TEXT[lang]
    d, url = browser, live_url
    fid = demo_data.filings["demo"]
    d.delete_all_cookies()

    # the public: home, registry, verify the traced image
    d.get(f"{url}/?lang={lang}")
    shot(d, f"{lang}-01-home")
    d.get(f"{url}/registry")
    assert "demo" in d.page_source
    shot(d, f"{lang}-02-registry")
    d.get(f"{url}/verify")
    d.find_element(By.ID, "verify-file").send_keys(str(traced_image.path))
    submit(d, "verify-submit")
    shot(d, f"{lang}-03-verify")
    result = d.find_element(By.ID, "verify-result").text
    assert traced_image.produce_id in result
    assert t["proof"] in d.find_element(By.ID, "proof-status").text
    assert d.find_element(By.ID, "watermark").is_displayed()
    assert d.find_element(By.ID, "verify-filing").is_displayed()
    shot(d, f"{lang}-03-verify")

    # ...and files a complaint with the image as evidence
    d.get(f"{url}/complain?filing_id={fid}")
    d.find_element(By.CSS_SELECTOR, "input[name=category][value='A.4']").click()
    d.find_element(By.ID, "complaint-description").send_keys("这张图片冒用了我的肖像。")
    d.find_element(By.ID, "complaint-file").send_keys(str(traced_image.path))
    shot(d, f"{lang}-04-complain")
    submit(d, "complaint-submit")
    assert t["received"] in d.find_element(By.ID, "receipt").text
    receipt = d.find_element(By.ID, "receipt-number").text
    assert receipt.startswith("GL-")
    shot(d, f"{lang}-05-receipt")

    # the provider sees it in its queue and responds
    sign_in(d, url, "provider", lang)
    d.get(f"{url}/queue")
    assert receipt in d.find_element(By.ID, "queue").text
    shot(d, f"{lang}-06-provider-queue")
    click_through(d, d.find_element(By.LINK_TEXT, receipt))
    Select(d.find_element(By.ID, "transition-state")).select_by_value("triaged")
    d.find_element(By.ID, "transition-note").send_keys("已收到，正在核查。")
    submit(d, "transition-submit")
    assert "triaged" in d.find_element(By.ID, "complaint-state").get_attribute("class")
    shot(d, f"{lang}-07-provider-complaint")

    # the regulator suspends the service and gives the result
    sign_in(d, url, "regulator", lang)
    d.get(f"{url}/queue")
    click_through(d, d.find_element(By.LINK_TEXT, receipt))
    Select(d.find_element(By.ID, "action-name")).select_by_value("suspend")
    d.find_element(By.ID, "action-note").send_keys("complaint " + receipt)
    submit(d, "action-submit")
    assert 'class="error"' not in d.page_source
    Select(d.find_element(By.ID, "transition-state")).select_by_value("resolved")
    d.find_element(By.ID, "transition-note").send_keys(t["result"])
    submit(d, "transition-submit")
    assert "resolved" in d.find_element(By.ID, "complaint-state").get_attribute("class")
    shot(d, f"{lang}-08-regulator-complaint")
    d.get(f"{url}/my/filings/{fid}")
    assert t["suspended"] in d.find_element(By.ID, "filing-state").text
    shot(d, f"{lang}-09-regulator-filing")
    d.get(f"{url}/stats")
    shot(d, f"{lang}-10-stats")

    # the gateway no longer serves the model
    assert gateway_status(web_settings, web_store, fid) == 403

    # the complainant's status page shows the result
    d.delete_all_cookies()
    d.get(f"{url}/track?lang={lang}")
    d.find_element(By.ID, "receipt").send_keys(receipt)
    page = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.ID, "receipt").submit()
    WebDriverWait(d, 15).until(lambda _: _gone(page))
    assert t["resolved"] in d.find_element(By.ID, "complaint-state").text
    assert t["result"] in d.find_element(By.ID, "complaint-result").text
    shot(d, f"{lang}-11-status")


def test_arabic_pages_run_right_to_left_and_take_a_complaint(
    browser: Any, live_url: str, demo_data: DemoData
) -> None:
    """One RTL language end to end: layout mirrored, Arabic texts, a complaint filed in Arabic."""
    d, url = browser, live_url
    d.delete_all_cookies()
    d.get(f"{url}/?lang=ar")
    assert d.execute_script("return document.documentElement.dir") == "rtl"
    assert d.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    brand = d.find_element(By.CSS_SELECTOR, "header.site .brand").rect
    switch = d.find_element(By.CSS_SELECTOR, "header.site nav.lang").rect
    assert brand["x"] > switch["x"], "the brand should sit on the right of an RTL header"
    links = d.find_elements(By.CSS_SELECTOR, "nav.main > a")
    assert links[0].rect["x"] > links[1].rect["x"], "the main menu should run right to left"
    assert "التحقق من المحتوى" in d.page_source
    shot(d, "ar-01-home")
    d.get(f"{url}/complain?filing_id={demo_data.filings['demo']}")
    d.find_element(By.CSS_SELECTOR, "input[name=category][value='A.2']").click()
    d.find_element(By.ID, "complaint-description").send_keys("الإجابة تميّز ضد فئة من الناس.")
    shot(d, "ar-02-complain")
    submit(d, "complaint-submit")
    assert "تم استلام شكواك" in d.find_element(By.ID, "receipt").text
    assert d.find_element(By.ID, "receipt-number").text.startswith("GL-")
    shot(d, "ar-03-receipt")
