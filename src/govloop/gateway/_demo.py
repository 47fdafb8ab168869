"""``demo_roundtrip``: start the gateway in-process, send a few requests, return the ProduceIDs.

``govloop demo`` calls this at the end of the loop, then traces one answer back to its filing.
"""

from __future__ import annotations

from dataclasses import dataclass

from govloop.config import Settings
from govloop.gateway._accounts import ApiKeys
from govloop.gateway._app import PortsFactory, create_app
from govloop.gateway._config import GatewayConfig, LabelPolicy, ServedModel
from govloop.gateway._ports import GatewayPorts
from govloop.gateway._server import serve_in_thread
from govloop.store import Store

DEMO_PROMPTS = ("写一首关于春天的短诗。", "Explain what a provenance ledger is in one sentence.")


@dataclass(frozen=True)
class DemoResult:
    """What the round trip produced."""

    base_url: str
    """Where the gateway listened (it is stopped now)."""
    produce_ids: tuple[str, ...]
    """ProduceIDs of every answer, in request order (text, then the image and speech if any)."""
    answers: tuple[str, ...]
    """The text answers as delivered (labels included)."""
    aigc: tuple[dict[str, str], ...]
    """The implicit label object of each answer."""
    image_png: bytes | None
    """The generated image file, when an image model was asked."""
    speech_wav: bytes | None = None
    """The spoken first prompt (WAV), when a speech model was asked."""


def demo_roundtrip(
    settings: Settings,
    *,
    filing: str = "demo",
    image_filing: str | None = None,
    speech_filing: str | None = None,
    config: GatewayConfig | None = None,
    label_policy: LabelPolicy | None = None,
    ports: GatewayPorts | PortsFactory | None = None,
    prompts: tuple[str, ...] = DEMO_PROMPTS,
    requester: str = "demo-user",
) -> DemoResult:
    """Serve the demo model (under ``filing``, which must be approved) and ask it ``prompts``.

    The first prompt goes through non-streamed chat, the second streamed, any others as plain
    completions; with ``image_filing`` one image is generated too, with ``speech_filing`` the
    first prompt is spoken (``demo-speech``, espeak-ng) as WAV; ``label_policy`` sets the labels
    (its language) when no ``config`` is given. Uses the official ``openai``
    client against a real uvicorn server on a free local port.
    """
    import base64
    import json

    import openai

    models = [ServedModel(name="demo", filing=filing, backend="demo")]
    if image_filing is not None:
        models.append(
            ServedModel(name="demo-image", filing=image_filing, backend="demo-image", kind="image")
        )
    if speech_filing is not None:
        models.append(
            ServedModel(name="demo-speech", filing=speech_filing, backend="espeak", kind="speech")
        )
    cfg = config or (
        GatewayConfig(models=tuple(models))
        if label_policy is None
        else GatewayConfig(models=tuple(models), labels=label_policy)
    )
    store = Store.open(settings.db_url)
    try:
        _, token = ApiKeys(store).create(requester)
    finally:
        store.close()
    app = create_app(settings, config=cfg, ports=ports, checkpoints=False)
    pids: list[str] = []
    answers: list[str] = []
    labels: list[dict[str, str]] = []
    png: bytes | None = None
    wav: bytes | None = None
    with serve_in_thread(app) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key=token, max_retries=0, timeout=120)
        try:
            for i, prompt in enumerate(prompts):
                if i == 0:
                    chat = client.chat.completions.create(
                        model="demo", messages=[{"role": "user", "content": prompt}], max_tokens=48
                    )
                    extra = chat.model_extra or {}
                    answers.append(chat.choices[0].message.content or "")
                elif i == 1:
                    text, extra = "", {}
                    for chunk in client.chat.completions.create(
                        model="demo",
                        messages=[{"role": "user", "content": prompt}],
                        max_tokens=48,
                        stream=True,
                    ):
                        if chunk.choices and chunk.choices[0].delta.content:
                            text += chunk.choices[0].delta.content
                        if chunk.model_extra and "produce_id" in chunk.model_extra:
                            extra = chunk.model_extra
                    answers.append(text)
                else:
                    comp = client.completions.create(model="demo", prompt=prompt, max_tokens=48)
                    extra = comp.model_extra or {}
                    answers.append(comp.choices[0].text)
                pids.append(str(extra["produce_id"]))
                labels.append(dict(extra["aigc"]))
            if image_filing is not None:
                img = client.images.generate(model="demo-image", prompt=prompts[0], size="256x256")
                item = img.data[0] if img.data else None
                if item is not None and item.b64_json:
                    png = base64.b64decode(item.b64_json)
                    item_extra = item.model_extra or {}
                    pids.append(str(item_extra["produce_id"]))
                    labels.append(dict(item_extra["aigc"]))
            if speech_filing is not None:
                spoken = client.audio.speech.with_raw_response.create(
                    model="demo-speech", voice="alloy", input=prompts[0], response_format="wav"
                )
                wav = spoken.content
                pids.append(spoken.headers["x-produce-id"])
                labels.append(dict(json.loads(spoken.headers["x-aigc"])))
        finally:
            client.close()
    return DemoResult(url, tuple(pids), tuple(answers), tuple(labels), png, wav)
