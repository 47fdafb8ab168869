"""Which language a page speaks, and its gettext catalogue.

The choice, first match wins: ``?lang=`` in the URL (remembered in the ``govloop_lang`` cookie
by the page that answers it), then that cookie, then the browser's ``Accept-Language``, then
Chinese. The languages are those of :mod:`govloop.languages` (one table for every face), so
adding a language is a row there plus a catalogue here. Catalogues are compiled ``.mo`` files
committed in ``govloop/web/locale/<babel locale>/LC_MESSAGES`` (a wheel carries them; a test
checks they match their ``.po``), loaded once per process. Message ids are the English texts,
so a missing translation shows English rather than a key.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path

from starlette.requests import HTTPConnection

from govloop.catalogues import Catalogue, NGettext
from govloop.languages import BY_CODE, CODES, LANGUAGES

LANGS: tuple[str, ...] = CODES
"""Languages the pages speak; the first is the default."""
DEFAULT_LANG = "zh"
"""Chinese unless the visitor asks otherwise."""
LANG_COOKIE = "govloop_lang"
"""Cookie remembering an explicit choice."""
LOCALE_DIR = Path(__file__).parent / "locale"
"""Where the compiled catalogues live."""
DOMAIN = "messages"
"""The gettext domain of the pages."""
CATALOGUE = Catalogue(DOMAIN, LOCALE_DIR)
"""The pages' catalogues, loaded by the shared loader of :mod:`govloop.catalogues`."""
HTML_LANG: dict[str, str] = {lang.code: lang.html for lang in LANGUAGES}
"""Value of ``<html lang>`` per language (CJK fonts are chosen by it)."""
DIRECTION: dict[str, str] = {lang.code: lang.direction for lang in LANGUAGES}
"""Value of ``<html dir>`` per language (``rtl`` for Arabic)."""
SWITCH: tuple[tuple[str, str], ...] = tuple((lang.code, lang.native) for lang in LANGUAGES)
"""The language switch: each language by its own name."""


def normalise(value: str | None) -> str | None:
    """The shipped code of a language tag such as ``zh-CN``, ``zh_Hans``, ``ar-EG``; else None."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in BY_CODE else None


def from_accept_language(header: str) -> str | None:
    """The best supported language of an ``Accept-Language`` header (RFC 9110 q-values)."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate(header.split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        lang = normalise(tag)
        if lang is None:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if q <= 0:
            continue
        key = (q, -position, lang)
        if best is None or key > best:
            best = key
    return best[2] if best else None


def choose_language(conn: HTTPConnection) -> str:
    """The request's language: query, cookie, Accept-Language, default."""
    return (
        normalise(conn.query_params.get("lang"))
        or normalise(conn.cookies.get(LANG_COOKIE))
        or from_accept_language(conn.headers.get("accept-language", ""))
        or DEFAULT_LANG
    )


def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (a null catalogue when none is installed)."""
    return CATALOGUE.translations(lang)


def gettext_for(lang: str) -> Callable[[str], str]:
    """``_`` for ``lang``: the translated text of an English message id."""
    return CATALOGUE.gettext(lang)


def ngettext_for(lang: str) -> NGettext:
    """``ngettext`` for ``lang``: a text that carries a count, in the language's plural form."""
    return CATALOGUE.ngettext(lang)
