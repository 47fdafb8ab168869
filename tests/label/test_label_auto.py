"""``--language auto``: a text label speaks the language of the text it labels."""

from __future__ import annotations

import pytest

from govloop.gateway import LabelPolicy
from govloop.label._explicit import add_explicit_text_label
from govloop.label._wording import TEXT, resolve_language

ANSWERS = {
    "ar": "الطقس اليوم مشمس ودافئ في معظم المدن.",
    "ru": "Сегодня в большинстве городов солнечно и тепло.",
    "hi": "आज ज़्यादातर शहरों में धूप और गर्मी है।",
    "pt": "Hoje o tempo está ensolarado e quente na maioria das cidades.",
    "zh": "今天大部分城市天气晴朗温暖。",
}


@pytest.mark.parametrize("code", sorted(ANSWERS))
def test_auto_labels_text_in_its_own_language(code: str) -> None:
    out = add_explicit_text_label(ANSWERS[code], language="auto")
    assert out.endswith(f"[{TEXT[code]}]\n")


def test_auto_without_text_falls_back_to_bilingual() -> None:
    assert resolve_language("auto") == "zh-en"
    assert resolve_language("AUTO", content="1234 !!") == "zh-en"


def test_gateway_policy_keeps_auto_and_still_rejects_unknown_languages() -> None:
    assert LabelPolicy(language="auto").language == "auto"
    with pytest.raises(ValueError, match="xx"):
        LabelPolicy(language="xx")
