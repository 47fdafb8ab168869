"""``labels.language: auto``: each request's labels follow the language of its prompt.

The label is chosen from the screened prompt before generation, so a label placed at the start
of a stream is already in the right language, and images and speech follow the same rule.
"""

from __future__ import annotations

import openai
import pytest

from govloop.config import Settings
from govloop.gateway import ApiKeys, LabelPolicy, create_app, load_gateway_config, serve_in_thread
from govloop.label import add_explicit_text_label
from govloop.store import Store

from .conftest import FAKE_CONFIG, approved_filing, start

pytestmark = pytest.mark.db

FRENCH = "Écris-moi un court poème sur le printemps et les fleurs du jardin, s'il te plaît."
CHINESE = "请写一首关于春天和花园里的花的短诗。"


def _label(language: str) -> str:
    """The start label of ``language`` as the label package writes it."""
    return add_explicit_text_label("\x00", position="start", language=language).split("\x00")[0]


def test_text_labels_follow_the_prompt_language(settings: Settings, store: Store) -> None:
    approved_filing(store, "demo")
    _, token = ApiKeys(store).create("alice")
    base = load_gateway_config(home=settings.home)
    config = base.model_copy(update={"labels": LabelPolicy(position="start", language="auto")})
    with serve_in_thread(create_app(settings, config=config, checkpoints=False)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key=token, max_retries=0, timeout=60)
        fr = client.chat.completions.create(
            model="demo", messages=[{"role": "user", "content": FRENCH}], max_tokens=20
        )
        zh = client.chat.completions.create(
            model="demo", messages=[{"role": "user", "content": CHINESE}], max_tokens=20
        )
        stream = client.chat.completions.create(
            model="demo",
            messages=[{"role": "user", "content": FRENCH}],
            max_tokens=20,
            stream=True,
        )
        first = ""
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                first = chunk.choices[0].delta.content
                break
        stream.close()
    assert _label("fr") in (fr.choices[0].message.content or "")
    zh_text = zh.choices[0].message.content or ""
    assert _label("zh") in zh_text and _label("fr") not in zh_text
    assert _label("fr") in first  # the start label is sent before any generated text


def test_images_and_speech_get_the_prompt_language(settings: Settings, store: Store) -> None:
    config = FAKE_CONFIG.model_copy(update={"labels": LabelPolicy(language="auto")})
    with start(settings, store, config) as run, run.client() as client:
        client.images.generate(model="fake-image", prompt=FRENCH, size="256x256")
        client.audio.speech.create(model="fake-speech", voice="alloy", input=CHINESE)
        client.chat.completions.create(
            model="fake", messages=[{"role": "user", "content": "   "}], max_tokens=5
        )
    languages = run.fakes.labeler.languages
    assert languages[:2] == ["fr", "zh"]
    assert languages[2] == "zh-en"  # nothing to detect: the bilingual label


def test_a_fixed_language_is_not_overridden(settings: Settings, store: Store) -> None:
    with start(settings, store) as run, run.client() as client:
        client.images.generate(model="fake-image", prompt=FRENCH, size="256x256")
    assert run.fakes.labeler.languages == [None]  # the configured language, not a detected one
