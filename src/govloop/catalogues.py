"""Loading a gettext catalogue per language of :mod:`govloop.languages`: one loader for every face.

Why one module: the web pages (domain ``messages``) and the HTML assessment report (domain
``report``) keep their catalogues in their own packages, so the report renders without the web
package, but both look a language up the same way: the language's Babel locale directory
(``zh_Hans`` for ``zh``), English for a code outside the table, a null catalogue (the English
message ids) when no compiled ``.mo`` is installed, each catalogue read once per process. It sits
beside :mod:`govloop.languages` so that the assessment library and the web face may both import
it without one reaching into the other.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from govloop.languages import BY_CODE

#: ``ngettext``'s signature: singular id, plural id, the count.
NGettext = Callable[[str, str, int], str]


@functools.cache
def _load(locale_dir: Path, domain: str, locale: str) -> gettext.NullTranslations:
    return gettext.translation(domain, localedir=locale_dir, languages=[locale], fallback=True)


@dataclass(frozen=True)
class Catalogue:
    """One gettext domain whose compiled catalogues live in ``locale_dir/<locale>/LC_MESSAGES``."""

    domain: str
    """The gettext domain (``messages``, ``report``)."""
    locale_dir: Path
    """The directory that holds one sub-directory per Babel locale."""

    def translations(self, lang: str) -> gettext.NullTranslations:
        """The catalogue of ``lang`` (English for an unknown code; null when none is installed)."""
        language = BY_CODE.get(lang, BY_CODE["en"])
        return _load(self.locale_dir, self.domain, language.locale)

    def gettext(self, lang: str) -> Callable[[str], str]:
        """``_`` for ``lang``: the translated text of an English message id."""
        return self.translations(lang).gettext

    def ngettext(self, lang: str) -> NGettext:
        """``ngettext`` for ``lang``: the plural form the language's ``Plural-Forms`` picks."""
        return self.translations(lang).ngettext
