"""Explicit labels in every language of the languages table: wording, detection, rendering."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from govloop.errors import InputError
from govloop.label import (
    add_explicit_audio_label,
    add_explicit_text_label,
    has_explicit_text_label,
    spoken_prompt,
)
from govloop.label._wording import (
    IMAGE,
    MEDIA_KINDS,
    SPOKEN,
    TEXT,
    label_languages,
    missing_wording,
)
from govloop.languages import CODES, LANGUAGES

ALL = label_languages()


def test_every_table_language_has_wording_for_every_media_kind() -> None:
    missing = missing_wording()
    assert not missing, f"explicit-label wording missing for: {', '.join(missing)}"
    assert set(CODES) <= set(ALL) and set(MEDIA_KINDS) == {"text", "image", "spoken"}


def test_no_wording_for_a_language_outside_the_table() -> None:
    for table in (TEXT, IMAGE, SPOKEN):
        assert set(table) == set(ALL)


def test_chinese_and_english_wording_is_unchanged() -> None:
    body = "正文。"
    assert add_explicit_text_label(body, language="zh") == "正文。\n\n[本内容由人工智能生成]\n"
    assert (
        add_explicit_text_label(body, language="en", position="start")
        == "[This content was AI-generated.]\n\n正文。"
    )
    assert (
        add_explicit_text_label(body)
        == "正文。\n\n[本内容由人工智能生成 (This content was AI-generated.)]\n"
    )


@pytest.mark.parametrize("language", ALL)
def test_text_and_image_wording_carry_both_elements(language: str) -> None:
    assert has_explicit_text_label(TEXT[language]), TEXT[language]
    # the preferred image wording; fallbacks may abbreviate (en's historical "AI gen.")
    assert has_explicit_text_label(IMAGE[language][0]), IMAGE[language][0]


@pytest.mark.parametrize("language", ALL)
def test_text_label_in_every_language_is_found_again(language: str) -> None:
    body = "Un texto normal.\n\nOtro párrafo sin etiqueta."
    assert not has_explicit_text_label(body)
    out = add_explicit_text_label(body, language=language, position="middle")
    assert f"[{TEXT[language]}]" in out and has_explicit_text_label(out)


def test_region_subtags_resolve_and_unknown_languages_are_named() -> None:
    assert TEXT["pt"] in add_explicit_text_label("x", language="pt-BR")
    with pytest.raises(InputError, match="'xx'.*sw"):
        add_explicit_text_label("x", language="xx")


@pytest.mark.parametrize(
    "text",
    [
        "Ia dibuat oleh tim kami.",  # Indonesian "ia" (he/she) is not the AI abbreviation
        "La generación de energía solar.",
        "Ce rapport a été généré hier par notre équipe.",
    ],
)
def test_ordinary_text_is_not_taken_for_a_label(text: str) -> None:
    assert not has_explicit_text_label(text)


def test_every_table_language_has_an_installed_espeak_voice() -> None:
    out = subprocess.run(
        ["espeak-ng", "--voices"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    installed = {row.split()[1] for row in out.splitlines()[1:] if len(row.split()) > 1}
    missing = [f"{lang.code}:{lang.espeak_voice}" for lang in LANGUAGES]
    missing = [m for m in missing if m.split(":")[1] not in installed]
    assert not missing, f"espeak-ng lacks the voices {missing}"


def test_hindi_spoken_notice_is_spoken_in_the_hindi_voice() -> None:
    rate = 22050  # espeak-ng's own rate: no resampling in a fast test
    hindi = spoken_prompt(rate, language="hi")
    english = spoken_prompt(rate, language="en")
    assert len(hindi) > rate * 0.8 and np.abs(hindi).max() > 0.05
    # Devanagari read by the Hindi voice, not spelled out as unknown characters or silence
    assert abs(len(hindi) - len(english)) > rate * 0.1
    audio = add_explicit_audio_label(np.zeros(rate // 2), rate, mode="speech", language="hi")
    assert len(audio) == len(hindi) + rate // 2
