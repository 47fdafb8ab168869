"""The one gettext loader both faces use: the language's locale directory, English for an
unknown code, the message id when no catalogue is installed, each catalogue read once."""

from __future__ import annotations

from pathlib import Path

from govloop.assess import _catalogue as report
from govloop.catalogues import Catalogue
from govloop.web import _i18n as web


def test_both_faces_load_through_the_shared_loader() -> None:
    assert isinstance(web.CATALOGUE, Catalogue) and isinstance(report.CATALOGUE, Catalogue)
    assert web.translations("ar") is web.CATALOGUE.translations("ar")
    assert web.gettext_for("zh")("Verify content") == "内容核验"
    assert report.report_gettext("zh")("Bank") != "Bank"


def test_an_unknown_code_reads_english_and_a_missing_catalogue_gives_the_id(
    tmp_path: Path,
) -> None:
    assert web.CATALOGUE.translations("xx") is web.CATALOGUE.translations("en")
    empty = Catalogue("messages", tmp_path)
    assert empty.gettext("ar")("Verify content") == "Verify content"
    assert empty.ngettext("ar")("%(n)s day", "%(n)s days", 1) == "%(n)s day"
    assert empty.ngettext("ar")("%(n)s day", "%(n)s days", 3) == "%(n)s days"
