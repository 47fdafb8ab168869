"""`govloop demo --lang`: the loop's labels in the chosen language (fast: one publish step)."""

from __future__ import annotations

from types import SimpleNamespace

from govloop.cli.main import build_app
from govloop.config import Settings
from govloop.demo._loop import DemoSummary, _label_options, _Publisher
from govloop.keys import KeyStore
from govloop.label import read_implicit_label
from govloop.label._wording import TEXT
from govloop.ledger import Ledger
from govloop.store import Store


def test_demo_lang_ar_labels_the_published_answer_in_arabic(settings: Settings) -> None:
    summary = DemoSummary(label_language="ar")
    keys = KeyStore.open(settings.keys_dir)
    store = Store.open(settings.db_url)
    try:
        ledger = Ledger.open(store, keys, settings)
        folder = settings.home / "demo"
        folder.mkdir(parents=True)
        publisher = _Publisher(
            settings, ledger, keys.active("label"), folder, summary, options=_label_options(summary)
        )
        filing = SimpleNamespace(
            id="f-1", model_name="demo", serving_version="1", current_version="1"
        )
        path = publisher.publish(
            "answer.md",
            "نص الإجابة.".encode(),
            produce_id="01JDEMOLANGAR0000000000000",
            filing=filing,
            media_type="text",
            watermark=None,
        )
    finally:
        store.close()
    data = path.read_bytes()
    assert f"[{TEXT['ar']}]" in data.decode("utf-8")
    assert TEXT["zh-en"] not in data.decode("utf-8")
    assert read_implicit_label(data, filename="answer.md") is not None


def test_demo_lang_unknown_is_refused_before_the_loop_runs(cli) -> None:
    result = cli.invoke(build_app(), ["demo", "--lang", "xx"])
    assert result.exit_code != 0
    assert "'xx'" in result.output and "ar" in result.output
    assert "Traceback" not in result.output
