"""The HTML report's gettext catalogue (domain ``report``), one per language of govloop.languages.

The same mechanism as the web pages (Babel-extracted English message ids, committed ``.po`` and
compiled ``.mo`` under ``govloop/assess/locale/<babel locale>/LC_MESSAGES``), kept in its own
domain so the report can be rendered without the web package. A missing translation shows the
English text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from govloop.catalogues import Catalogue, NGettext

LOCALE_DIR = Path(__file__).parent / "locale"
"""Where the report's catalogues live."""
DOMAIN = "report"
"""The gettext domain of the report."""
CATALOGUE = Catalogue(DOMAIN, LOCALE_DIR)
"""The report's catalogues, loaded by the shared loader of :mod:`govloop.catalogues`."""


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional marker name
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


def report_gettext(lang: str) -> Callable[[str], str]:
    """``_`` for the report in ``lang``: the translated text of an English message id."""
    return CATALOGUE.gettext(lang)


def report_ngettext(lang: str) -> NGettext:
    """``ngettext`` for the report in ``lang``: a text that carries a count, in its plural form."""
    return CATALOGUE.ngettext(lang)
