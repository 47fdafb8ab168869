"""Image labels draw every shipped script: full glyph coverage, shaped Arabic and Devanagari."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageFont

from govloop.config import DEMO_PROVIDER_CODE
from govloop.errors import ConfigError
from govloop.keys import SigningKey
from govloop.label import ExplicitOptions, label_bytes, read_implicit_label
from govloop.label._explicit import SHIPPED_FONT, add_explicit_image_label
from govloop.label._script_fonts import ARABIC_FONT, layout_for, raqm_available
from govloop.label._wording import IMAGE, label_languages

PRODUCER = DEMO_PROVIDER_CODE
needs_raqm = pytest.mark.skipif(not raqm_available(), reason="Pillow built without libraqm")


def _cmap(path: Path) -> set[int]:
    return set(TTFont(str(path), fontNumber=0).getBestCmap())


@pytest.mark.parametrize("language", label_languages())
def test_label_font_has_a_glyph_for_every_character_of_the_wording(language: str) -> None:
    for wording in IMAGE[language]:
        layout = layout_for(wording, use_raqm=True)
        font = layout.font if layout.font is not None else SHIPPED_FONT
        missing = {ch for ch in wording if ord(ch) not in _cmap(font) and not ch.isspace()}
        assert not missing, f"{font.name} has no glyph for {sorted(missing)} of {wording!r}"


@pytest.mark.parametrize("language", label_languages())
def test_image_label_in_every_language_draws_ink(language: str) -> None:
    image = Image.new("RGB", (320, 120), (200, 220, 240))
    out = np.asarray(add_explicit_image_label(image, language=language))
    assert (out == 255).all(axis=2).sum() > 50  # white glyph pixels were drawn


def _ink(text: str, engine: ImageFont.Layout) -> np.ndarray:
    font = ImageFont.truetype(str(ARABIC_FONT), 40, layout_engine=engine)
    return np.asarray(font.getmask(text)).reshape(font.getmask(text).size[::-1])


@needs_raqm
def test_arabic_is_shaped_and_right_to_left() -> None:
    word = "بالذكاء"
    shaped = _ink(word, ImageFont.Layout.RAQM)
    unshaped = _ink(word, ImageFont.Layout.BASIC)
    assert shaped.shape != unshaped.shape or (shaped != unshaped).any()
    # raqm's output matches the reshaped, visually ordered string drawn without layout
    fallback = layout_for(word, use_raqm=False)
    assert fallback.engine == "basic"
    expected = _ink(fallback.text, ImageFont.Layout.BASIC)
    assert shaped.shape == expected.shape
    assert np.abs(shaped.astype(int) - expected.astype(int)).mean() < 8


def test_arabic_fallback_reshapes_to_presentation_forms_in_visual_order() -> None:
    layout = layout_for("بالذكاء", use_raqm=False)
    assert all(0xFE70 <= ord(ch) <= 0xFEFF for ch in layout.text)
    assert layout.text[-1] in "\ufe91\ufe8f"  # the logical first letter, beh, drawn rightmost


def test_devanagari_without_raqm_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="libraqm0"):
        layout_for("एआई द्वारा निर्मित", use_raqm=False)


def test_chinese_and_ascii_labels_keep_the_cjk_font() -> None:
    for wording in (*IMAGE["zh"], *IMAGE["en"], *IMAGE["zh-en"]):
        assert layout_for(wording).font is None
        assert layout_for(wording).engine is None


@pytest.mark.parametrize("language", ["ar", "hi", "ru"])
def test_labelled_png_keeps_its_implicit_label_in_every_script(
    language: str, signer: SigningKey
) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (200, 120), (40, 80, 120)).save(buf, format="PNG")
    out, outcome = label_bytes(
        buf.getvalue(),
        filename="a.png",
        producer_code=PRODUCER,
        signer=signer,
        options=ExplicitOptions(language=language),
    )
    assert outcome.explicit == "added"
    label = read_implicit_label(out, filename="a.png")
    assert label is not None and label.as_dict()["ContentProducer"] == PRODUCER
    drawn = np.asarray(Image.open(io.BytesIO(out)).convert("RGB"))
    assert (drawn == 255).all(axis=2).sum() > 20  # the overlay is there too
