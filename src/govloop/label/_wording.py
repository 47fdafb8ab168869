"""The words of explicit labels, per language and per media kind (GB 45438 §4-5).

Why its own module: the wording is data that translators and reviewers edit, keyed on the codes
of :mod:`govloop.languages`; the drawing and mixing code in ``_explicit``/``_explicit_av`` only
looks words up here. Every wording keeps the standard's two elements: that it is artificial
intelligence (the AI element) and that the content was generated or synthesised (the generation
element); :data:`AI_TERMS` and :data:`GENERATION_TERMS` are how the text check recognises them.

Adding a language: add it to :data:`govloop.languages.LANGUAGES`, then one entry to each of
:data:`TEXT`, :data:`IMAGE` and :data:`SPOKEN`, and its terms to the two term lists when the
wording uses words not already there. ``tests/label/test_label_languages.py`` fails until all are
present.
"""

from __future__ import annotations

from govloop.errors import InputError
from govloop.languages import CODES, get_language

#: The media kinds an explicit label has wording for (video reuses the image wording).
MEDIA_KINDS = ("text", "image", "spoken")

#: Bilingual Chinese-English, the historical default; not a row of the languages table.
BILINGUAL = "zh-en"

#: The language of the labelled content, detected (text only; other media fall back to zh-en).
AUTO = "auto"

#: Text prompt per language (placed in brackets at the start, the middle or the end).
TEXT: dict[str, str] = {
    "zh": "本内容由人工智能生成",
    "en": "This content was AI-generated.",
    BILINGUAL: "本内容由人工智能生成 (This content was AI-generated.)",
    "ar": "تم إنشاء هذا المحتوى بواسطة الذكاء الاصطناعي.",
    "ru": "Этот контент сгенерирован искусственным интеллектом.",
    "es": "Este contenido ha sido generado por inteligencia artificial.",
    "fr": "Ce contenu a été généré par une intelligence artificielle.",
    "pt": "Este conteúdo foi gerado por inteligência artificial.",
    "id": "Konten ini dihasilkan oleh kecerdasan buatan (AI).",
    "hi": "यह सामग्री कृत्रिम बुद्धिमत्ता (एआई) द्वारा निर्मित है।",
    "sw": "Maudhui haya yametengenezwa na akili bandia (AI).",
}

#: Image and video label per language: the preferred wording first, shorter fallbacks after
#: (used when the preferred one does not fit the image's width).
IMAGE: dict[str, tuple[str, ...]] = {
    "zh": ("AI生成",),
    "en": ("AI-generated", "AI gen."),
    BILINGUAL: ("AI生成 AI-generated", "AI生成"),
    "ar": ("أُنشئ بالذكاء الاصطناعي",),
    "ru": ("Сгенерировано ИИ",),
    "es": ("Generado por IA",),
    "fr": ("Généré par IA",),
    "pt": ("Gerado por IA",),
    "id": ("Dihasilkan oleh AI", "Dihasilkan AI"),
    "hi": ("एआई द्वारा निर्मित",),
    "sw": ("Imetengenezwa na AI",),
}

#: Spoken audio notice per language (espeak-ng, with the table's voice).
SPOKEN: dict[str, str] = {
    "zh": "人工智能生成",
    "en": "AI generated",
    BILINGUAL: "人工智能生成. AI generated",
    "ar": "تم إنشاؤه بالذكاء الاصطناعي",
    "ru": "Сгенерировано искусственным интеллектом",
    "es": "Generado por inteligencia artificial",
    "fr": "Généré par une intelligence artificielle",
    "pt": "Gerado por inteligência artificial",
    "id": "Dihasilkan oleh kecerdasan buatan",
    "hi": "कृत्रिम बुद्धिमत्ता द्वारा निर्मित",
    "sw": "Imetengenezwa na akili bandia",
}

#: Regular-expression alternatives for the AI element, in every shipped language. The
#: abbreviations are case-sensitive so that Indonesian "ia" (he/she) is not mistaken for "IA".
AI_TERMS: tuple[str, ...] = (
    r"人工智能",
    r"\bA\.?I\b",
    r"AI(?=[\u4e00-\u9fff-])",
    r"الذكاء الاصطناعي",
    r"(?-i:\bИИ\b)",
    r"искусственн\w* интеллект\w*",
    r"(?-i:\bIA\b)",
    r"intelig[eê]ncia artificial",
    r"intelligence artificielle",
    r"kecerdasan buatan",
    r"कृत्रिम बुद्धिमत्ता",
    r"एआई",
    r"akili bandia",
)

#: Regular-expression alternatives for the generation element, in every shipped language.
GENERATION_TERMS: tuple[str, ...] = (
    r"生成",
    r"合成",
    r"generated",
    r"synthesi[sz]ed",
    r"generation",
    r"إنشاء",
    r"أُ?نشئ",
    r"مُ?نشأ",
    r"مُ?ولَّ?د",
    r"توليد",
    r"сгенерирован\w*",
    r"синтезирован\w*",
    r"generad[oa]s?",
    r"g[ée]n[ée]r[ée]e?s?",
    r"synth[ée]tis[ée]e?s?",
    r"gerad[oa]s?",
    r"sintetizad[oa]s?",
    r"dihasilkan",
    r"disintesis",
    r"निर्मित",
    r"जनित",
    r"\w*tengenezwa",
    r"\w*zalishwa",
)


def label_languages() -> tuple[str, ...]:
    """Every code a label accepts: the languages table plus bilingual ``zh-en``."""
    return (*CODES[:2], BILINGUAL, *CODES[2:])


def missing_wording() -> list[str]:
    """``code/kind`` for every language of the table (and ``zh-en``) that lacks wording."""
    tables: dict[str, dict[str, str] | dict[str, tuple[str, ...]]] = {
        "text": TEXT,
        "image": IMAGE,
        "spoken": SPOKEN,
    }
    return [
        f"{code}/{kind}"
        for code in label_languages()
        for kind in MEDIA_KINDS
        if not tables[kind].get(code)
    ]


def resolve_language(language: str, *, content: str = "") -> str:
    """The wording key for ``language``: ``zh-en`` as is, else the table's code.

    ``pt-BR`` is ``pt``; :class:`InputError` names the value and the choices when there is none.
    ``auto`` is the detected language of ``content`` (:func:`govloop.langid.detect_language`),
    and ``zh-en`` when there is no text to detect (images, audio) or no table language is found.
    """
    if language.strip().lower() == AUTO:
        if not content.strip():
            return BILINGUAL
        from govloop.langid import detect_language

        found = detect_language(content)
        return found if found in TEXT else BILINGUAL
    if language in TEXT:
        return language
    try:
        code = get_language(language).code
    except InputError:
        code = ""
    if code in TEXT:
        return code
    raise InputError(
        f"label language {language!r} must be one of {', '.join(label_languages())} or {AUTO}"
    )
