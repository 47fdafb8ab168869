"""The built-in espeak-ng speech model: voices, language by text, speed, bounded input."""

from __future__ import annotations

import numpy as np
import pytest

from govloop.errors import InputError
from govloop.models import SpeechModel, open_speech_model
from govloop.models.espeak import MAX_CHARS, language_of, words_per_minute


def test_speaks_chinese_and_english_and_speed_shortens() -> None:
    model = open_speech_model("espeak")
    assert isinstance(model, SpeechModel) and "alloy" in model.voices
    zh = model.synthesize("你好", voice="alloy")
    assert zh.rate == 22050 and zh.samples.dtype == np.float32 and zh.seconds > 0.3
    slow = model.synthesize("Hello there, friend", voice="onyx", speed=0.5)
    fast = model.synthesize("Hello there, friend", voice="onyx", speed=2.0)
    assert slow.seconds > 1.5 * fast.seconds
    assert language_of("你好 world") == "cmn" and language_of("hello") == "en-us"
    assert words_per_minute(0.25) == 80 and words_per_minute(4.0) == 450


def test_text_is_never_an_option_and_bad_input_is_named() -> None:
    model = open_speech_model()
    said = model.synthesize("--version", voice="echo")  # read from stdin, spoken not obeyed
    assert said.seconds > 0.3 and np.abs(said.samples).max() > 0.05
    with pytest.raises(InputError, match="voice 'robot'"):
        model.synthesize("hi", voice="robot")
    with pytest.raises(InputError, match="at most"):
        model.synthesize("a" * (MAX_CHARS + 1), voice="echo")
    with pytest.raises(InputError, match="unknown speech model spec"):
        open_speech_model("festival")
