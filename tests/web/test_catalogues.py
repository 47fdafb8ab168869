"""Every shipped catalogue is complete: each message the pages use is translated, placeholders
intact, and the committed ``.mo`` says what its ``.po`` says."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from govloop.languages import LANGUAGES, Language
from govloop.web._i18n import DOMAIN, LOCALE_DIR
from govloop.web.pages._words import category_label

WEB = LOCALE_DIR.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _msgids(root: Path, cfg: Path) -> set[str]:
    """The message ids Babel extracts with the repository's own ``babel.cfg``."""
    with cfg.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, filename=str(cfg))
    ids: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(root), method_map, options_map
    ):
        ids.update([message] if isinstance(message, str) else [m for m in message if m])
    return ids


@pytest.fixture(scope="module")
def page_ids() -> set[str]:
    ids = _msgids(WEB, LOCALE_DIR / "babel.cfg")
    assert "Verify content" in ids and "draft" in ids, "the extractor found no page texts"
    return ids


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.code)
def test_catalogue_translates_every_page_message(language: Language, page_ids: set[str]) -> None:
    po = LOCALE_DIR / language.locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    assert po.is_file(), f"{po} is missing: every language in govloop.languages needs one"
    with po.open("rb") as f:
        catalogue = read_po(f)
    strings = {m.id: m.string for m in catalogue if m.id and isinstance(m.id, str)}
    missing = sorted(page_ids - strings.keys())
    assert not missing, f"{po}: no entry for {missing[:5]}"
    fuzzy = sorted(m.id for m in catalogue if m.id and m.fuzzy)
    assert not fuzzy, f"{po}: fuzzy entries {fuzzy[:5]}"
    for msgid in page_ids:
        text = strings[msgid]
        if language.code != "en":  # English message ids are the English texts
            assert text, f"{po}: {msgid!r} is not translated"
        if text:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(msgid)), (
                f"{po}: placeholders of {msgid!r} differ in {text!r}"
            )
    compiled = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language.locale])
    stale = [i for i in sorted(page_ids) if strings[i] and compiled.gettext(i) != strings[i]]
    assert not stale, f"{po.with_suffix('.mo')} is older than its .po (run pybabel compile)"


def test_chinese_category_names_are_the_feedback_modules_own() -> None:
    from govloop.feedback import CATEGORIES, category_name

    for code in CATEGORIES:
        assert category_label(code, "zh") == category_name(code, "zh")
        assert category_label(code, "en") == category_name(code, "en")
        assert category_label(code, "ar") != category_name(code, "en")
