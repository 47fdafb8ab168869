"""Every shipped catalogue is complete: each message the pages use is translated, placeholders
intact, and the committed ``.mo`` says what its ``.po`` says."""

from __future__ import annotations

import functools
import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from govloop.assess import _catalogue as report_catalogue
from govloop.languages import LANGUAGES, Language
from govloop.web._i18n import DOMAIN, LOCALE_DIR
from govloop.web.pages._words import category_label

WEB = LOCALE_DIR.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%|\{(\w+)\}")


def _msgids(root: Path, cfg: Path, keywords: tuple[str, ...] = ()) -> set[str]:
    """The message ids Babel extracts with the repository's own ``babel.cfg``."""
    with cfg.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, filename=str(cfg))
    ids: set[str] = set()
    kw = {**DEFAULT_KEYWORDS, **{k: None for k in keywords}}
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(root), method_map, options_map, keywords=kw
    ):
        ids.update([message] if isinstance(message, str) else [m for m in message if m])
    return ids


ASSESS = report_catalogue.LOCALE_DIR.parent
DOMAINS: dict[str, tuple[Path, Path, tuple[str, ...], tuple[str, ...]]] = {
    # domain: (locale dir, sources, keywords beyond gettext's, two ids it must find)
    DOMAIN: (LOCALE_DIR, WEB, ("N_",), ("Verify content", "draft")),
    report_catalogue.DOMAIN: (
        report_catalogue.LOCALE_DIR,
        ASSESS,
        ("N_",),
        ("Clause table", "showing {n} of {total}"),
    ),
}


@functools.cache
def _domain_ids(domain: str) -> frozenset[str]:
    locale_dir, root, keywords, expected = DOMAINS[domain]
    ids = _msgids(root, locale_dir / "babel.cfg", keywords)
    assert set(expected) <= ids, f"the extractor found no {domain} texts"
    return frozenset(ids)


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.code)
def test_catalogue_translates_every_message(language: Language, domain: str) -> None:
    locale_dir = DOMAINS[domain][0]
    page_ids = _domain_ids(domain)
    po = locale_dir / language.locale / "LC_MESSAGES" / f"{domain}.po"
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
    compiled = gettext.translation(domain, locale_dir, languages=[language.locale])
    stale = [i for i in sorted(page_ids) if strings[i] and compiled.gettext(i) != strings[i]]
    assert not stale, f"{po.with_suffix('.mo')} is older than its .po (run pybabel compile)"


def test_chinese_category_names_are_the_feedback_modules_own() -> None:
    from govloop.feedback import CATEGORIES, category_name

    for code in CATEGORIES:
        assert category_label(code, "zh") == category_name(code, "zh")
        assert category_label(code, "en") == category_name(code, "en")
        assert category_label(code, "ar") != category_name(code, "en")
