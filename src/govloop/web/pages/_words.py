"""Words that reach the pages as data: states, roles, actions, evidence sources.

They are marked here so the catalogue extractor sees them; templates translate them with
``_(value)``.
"""

from __future__ import annotations

from govloop.feedback import category_name
from govloop.web._i18n import gettext_for


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional marker name
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


WORDS: tuple[str, ...] = (
    # filing states
    N_("draft"),
    N_("submitted"),
    N_("assessing"),
    N_("approved"),
    N_("suspended"),
    N_("revoked"),
    # complaint states
    N_("received"),
    N_("triaged"),
    N_("investigating"),
    N_("resolved"),
    N_("rejected"),
    # roles
    N_("provider"),
    N_("regulator"),
    N_("platform"),
    N_("observer"),
    N_("admin"),
    # actions and review decisions
    N_("reassess"),
    N_("suspend"),
    N_("reinstate"),
    N_("warn"),
    N_("restrict"),
    N_("approve"),
    N_("reject"),
    N_("return"),
    # signature checks and evidence sources
    N_("valid"),
    N_("invalid"),
    N_("absent"),
    N_("digest"),
    N_("metadata"),
    N_("watermark"),
    N_("fingerprint"),
    # media types
    N_("text"),
    N_("image"),
    N_("audio"),
    N_("video"),
    N_("other"),
    # complaint categories: the English names of govloop.feedback._categories (a test keeps
    # the two in step; the Chinese catalogue carries the module's own Chinese names)
    N_("Content violating core socialist values"),
    N_("Discriminatory content"),
    N_("Commercial violations"),
    N_("Infringing others' legitimate rights and interests"),
    N_("Failing the safety needs of the service type"),
    N_("Missing or misleading AI-generated content labels"),
    N_("Privacy and personal information"),
    N_("Other"),
    # the default source of the complaint time limits (govloop.feedback.TimeLimits.source)
    N_("govloop default (no number is set by the Interim Measures Art. 15)"),
)
"""Every such word (only the extractor reads this)."""


def category_label(code: str, lang: str) -> str:
    """A complaint category's name in ``lang``, through the pages' catalogue."""
    return gettext_for(lang)(category_name(code, "en"))
