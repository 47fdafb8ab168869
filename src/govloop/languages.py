"""The languages govloop speaks: one table that labels, judges, banks, reports and pages share.

Why one table: a label's wording, a refusal judge's normalisation, a report's catalogue and a web
page's direction all key on the same language code, and adding a language should be a data change
in one place (plus its wording and catalogue), not an edit in every face.

Codes are the primary subtags of BCP 47 (``zh``, ``en``, ``ar``, ...); ``zh`` means Simplified
Chinese as used in the PRC's standards.
"""

from __future__ import annotations

from dataclasses import dataclass

from govloop.errors import InputError


@dataclass(frozen=True)
class Language:
    """One language: how to name it, which way it runs, and what speaks and renders it."""

    code: str
    """Primary BCP 47 subtag (``ar``)."""
    english: str
    """English name (``Arabic``)."""
    native: str
    """The language's own name for itself (``العربية``)."""
    rtl: bool = False
    """Written right to left (HTML ``dir="rtl"``, right-aligned labels)."""
    espeak_voice: str = ""
    """espeak-ng voice for spoken audio notices."""
    babel_locale: str = ""
    """Babel/gettext locale directory name (defaults to ``code``)."""
    html_lang: str = ""
    """Value for HTML ``lang`` (defaults to ``code``)."""

    @property
    def locale(self) -> str:
        """The gettext catalogue directory for this language."""
        return self.babel_locale or self.code

    @property
    def html(self) -> str:
        """The HTML ``lang`` attribute value."""
        return self.html_lang or self.code

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``."""
        return "rtl" if self.rtl else "ltr"


#: Every language govloop ships wording for, in display order (Chinese and English first).
LANGUAGES: tuple[Language, ...] = (
    Language(
        "zh", "Chinese", "中文", espeak_voice="cmn", babel_locale="zh_Hans", html_lang="zh-CN"
    ),
    Language("en", "English", "English", espeak_voice="en-us"),
    Language("ar", "Arabic", "العربية", rtl=True, espeak_voice="ar"),
    Language("ru", "Russian", "Русский", espeak_voice="ru"),
    Language("es", "Spanish", "Español", espeak_voice="es"),
    Language("fr", "French", "Français", espeak_voice="fr-fr"),
    Language("pt", "Portuguese", "Português", espeak_voice="pt-br"),
    Language("id", "Indonesian", "Bahasa Indonesia", espeak_voice="id"),
    Language("hi", "Hindi", "हिन्दी", espeak_voice="hi"),
    Language("sw", "Swahili", "Kiswahili", espeak_voice="sw"),
)

BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}

CODES: tuple[str, ...] = tuple(lang.code for lang in LANGUAGES)


def get_language(code: str) -> Language:
    """The language for ``code`` (case and region tolerated: ``pt-BR`` is ``pt``).

    Raises :class:`InputError` naming the value and the choices for an unknown code.
    """
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    if primary in BY_CODE:
        return BY_CODE[primary]
    raise InputError(f"language {code!r} is not one of {', '.join(CODES)}")
