"""Which of govloop's languages a piece of text is in, offline (``--language auto``).

Why lingua-language-detector: restricted to the ten languages of :mod:`govloop.languages`, it
identified every label-sized and paragraph-sized sample of ``benchmarks/langid.py`` (py3langid
took "Gerado por IA" for Spanish), and its models ship inside the wheel, so nothing is
downloaded at run time. Models load lazily, one language at a time, and the detector is built
once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from govloop.errors import ConfigError
from govloop.languages import CODES

#: Fewer letters than this and no language is claimed (a lone "OK" or a number).
MIN_LETTERS = 2


@lru_cache(maxsize=1)
def _detector() -> Callable[[str], str | None]:
    try:
        from lingua import IsoCode639_1, LanguageDetectorBuilder
        from lingua import Language as LinguaLanguage
    except ImportError as exc:
        raise ConfigError(
            "language detection needs the Python package 'lingua-language-detector' "
            "(pip install 'govloop[langid]')"
        ) from exc
    langs = [LinguaLanguage.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in CODES]
    detector = LanguageDetectorBuilder.from_languages(*langs).build()

    def detect(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return None if found is None else str(found.iso_code_639_1.name).lower()

    return detect


def detect_language(text: str) -> str | None:
    """The code (``ar``, ``zh``, ...) of the table's language ``text`` is written in.

    ``None`` when the text has too few letters to tell or the detector cannot decide.
    """
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    code = _detector()(text)
    return code if code in CODES else None
