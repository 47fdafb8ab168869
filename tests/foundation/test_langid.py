"""govloop.langid: the right table language for short and paragraph-sized texts."""

from __future__ import annotations

import pytest

from govloop.langid import detect_language
from govloop.languages import CODES

SAMPLES = {
    "zh": "这段文字是由人工智能生成的",
    "en": "This picture was made by a machine",
    "ar": "هذه الصورة من إنتاج الذكاء الاصطناعي",
    "ru": "Эта картинка создана нейросетью",
    "es": "Esta imagen fue creada por una máquina",
    "fr": "Cette image a été créée par une machine",
    "pt": "Esta imagem foi criada por uma máquina",
    "id": "Gambar ini dibuat oleh mesin",
    "hi": "यह चित्र मशीन द्वारा बनाया गया है",
    "sw": "Picha hii imetengenezwa na mashine",
}


def test_samples_cover_every_language_of_the_table() -> None:
    assert set(SAMPLES) == set(CODES)


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_detect_language_names_the_language_of_a_sentence(code: str) -> None:
    assert detect_language(SAMPLES[code]) == code


def test_detect_language_tells_portuguese_from_spanish_on_a_label() -> None:
    assert detect_language("Gerado por IA") == "pt"
    assert detect_language("Generado por IA") == "es"


@pytest.mark.parametrize("text", ["", "42", "!!", " "])
def test_detect_language_claims_nothing_without_letters(text: str) -> None:
    assert detect_language(text) is None


def test_detect_language_only_answers_table_languages() -> None:
    # German is not in the table: the answer is one of the table's codes or None, never "de"
    assert detect_language("Dieses Bild wurde von einer Maschine erstellt") in (*CODES, None)
