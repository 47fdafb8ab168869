"""Every shipped catalogue is complete: each message the pages use is translated, placeholders
intact, every plural form a language's ``Plural-Forms`` needs is there, and the committed ``.mo``
says what its ``.po`` says."""

from __future__ import annotations

import functools
import gettext
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from govloop.assess import _catalogue as report_catalogue
from govloop.languages import LANGUAGES, Language
from govloop.web._i18n import DOMAIN, LOCALE_DIR
from govloop.web.pages._words import category_label

WEB = LOCALE_DIR.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%|\{(\w+)\}")


def _msgids(root: Path, cfg: Path, keywords: tuple[str, ...] = ()) -> dict[str, str | None]:
    """The message ids Babel extracts with the repository's own ``babel.cfg``: each singular id
    with its plural id (``ngettext``), or None for a message without plural forms."""
    with cfg.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, filename=str(cfg))
    ids: dict[str, str | None] = {}
    kw = {**DEFAULT_KEYWORDS, **{k: None for k in keywords}}
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(root), method_map, options_map, keywords=kw
    ):
        if isinstance(message, str):
            ids.setdefault(message, None)
        elif message[0] and len(message) > 1 and message[1]:
            ids[message[0]] = message[1]
    return ids


ASSESS = report_catalogue.LOCALE_DIR.parent
DOMAINS: dict[str, tuple[Path, Path, tuple[str, ...], tuple[str, ...]]] = {
    # domain: (locale dir, sources, keywords beyond gettext's, two ids it must find)
    DOMAIN: (LOCALE_DIR, WEB, ("N_",), ("Verify content", "draft", "%(n)s service found")),
    report_catalogue.DOMAIN: (
        report_catalogue.LOCALE_DIR,
        ASSESS,
        ("N_",),
        ("Clause table", "showing {n} of {total} failing item"),
    ),
}


@functools.cache
def _domain_ids(domain: str) -> dict[str, str | None]:
    locale_dir, root, keywords, expected = DOMAINS[domain]
    ids = _msgids(root, locale_dir / "babel.cfg", keywords)
    assert set(expected) <= ids.keys(), f"the extractor found no {domain} texts"
    assert any(ids.values()), f"the extractor found no {domain} plural (ngettext) texts"
    return ids


def _read(language: Language, domain: str) -> tuple[Path, Catalog]:
    po = DOMAINS[domain][0] / language.locale / "LC_MESSAGES" / f"{domain}.po"
    assert po.is_file(), f"{po} is missing: every language in govloop.languages needs one"
    with po.open("rb") as f:
        return po, read_po(f)


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.code)
def test_catalogue_translates_every_message(language: Language, domain: str) -> None:
    locale_dir = DOMAINS[domain][0]
    page_ids = {i for i, plural in _domain_ids(domain).items() if plural is None}
    po, catalogue = _read(language, domain)
    strings = {m.id: m.string for m in catalogue if m.id and isinstance(m.id, str)}
    missing = sorted(page_ids - strings.keys())
    assert not missing, f"{po}: no entry for {missing[:5]}"
    fuzzy = sorted(str(m.id) for m in catalogue if m.id and m.fuzzy)
    assert not fuzzy, f"{po}: fuzzy entries {fuzzy[:5]}"
    for msgid in page_ids:
        text = strings[msgid]
        assert isinstance(text, str), f"{po}: {msgid!r} has plural forms but is used as gettext"
        if language.code != "en":  # English message ids are the English texts
            assert text, f"{po}: {msgid!r} is not translated"
        if text:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(msgid)), (
                f"{po}: placeholders of {msgid!r} differ in {text!r}"
            )
    compiled = gettext.translation(domain, locale_dir, languages=[language.locale])
    stale = [i for i in sorted(page_ids) if strings[i] and compiled.gettext(i) != strings[i]]
    assert not stale, f"{po.with_suffix('.mo')} is older than its .po (run pybabel compile)"


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.code)
def test_catalogue_declares_the_languages_plural_rule(language: Language, domain: str) -> None:
    po, catalogue = _read(language, domain)
    cldr = get_plural(language.locale)  # Babel's CLDR plural rule for the locale
    assert (catalogue.num_plurals, catalogue.plural_expr) == (cldr.num_plurals, cldr.plural_expr), (
        f"{po}: Plural-Forms {catalogue.plural_forms!r}, CLDR says {cldr.plural_forms!r}"
    )


def _numbers_per_form(catalogue: Catalog) -> dict[int, list[int]]:
    """The counts (0..1000 and some millions, for CLDR's "many" forms) that each plural form of
    the catalogue's rule is chosen for."""
    rule = gettext.c2py(
        catalogue.plural_expr
    )  # the C expression of Plural-Forms, as gettext runs it
    chosen: dict[int, list[int]] = {i: [] for i in range(catalogue.num_plurals)}
    for n in [*range(1001), 10**4, 10**5, 10**6, 2 * 10**6, 10**9]:
        chosen[rule(n)].append(n)
    return chosen


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.code)
def test_catalogue_translates_every_plural_form(language: Language, domain: str) -> None:
    locale_dir = DOMAINS[domain][0]
    plurals = {i: p for i, p in _domain_ids(domain).items() if p is not None}
    po, catalogue = _read(language, domain)
    numbers = _numbers_per_form(catalogue)
    assert all(numbers.values()), f"{po}: a plural form no count selects"
    compiled = gettext.translation(domain, locale_dir, languages=[language.locale])
    for singular, plural in plurals.items():
        msg = catalogue.get(singular)
        assert msg is not None and msg.pluralizable, f"{po}: no plural entry for {singular!r}"
        assert msg.id == (singular, plural), f"{po}: plural id of {singular!r} is not {plural!r}"
        forms = list(msg.string)
        assert len(forms) == catalogue.num_plurals, f"{po}: {singular!r} has {len(forms)} forms"
        if language.code == "en" and not any(forms):
            continue  # English falls back to the ids themselves
        want = sorted(PLACEHOLDER.findall(plural))
        for index, form in enumerate(forms):
            assert form, f"{po}: plural form {index} of {singular!r} is not translated"
            got = sorted(PLACEHOLDER.findall(form))
            # a form chosen for one number only ("يومان", two days) may spell out the count
            ok = got == want or (len(numbers[index]) == 1 and len(want) - len(got) == 1)
            assert ok and set(got) <= set(want), (
                f"{po}: placeholders of form {index} of {singular!r} differ in {form!r}"
            )
        for index, chosen in numbers.items():
            n = chosen[-1]
            assert compiled.ngettext(singular, plural, n) == forms[index], (
                f"{po.with_suffix('.mo')} is older than its .po (run pybabel compile)"
            )


def test_chinese_category_names_are_the_feedback_modules_own() -> None:
    from govloop.feedback import CATEGORIES, category_name

    for code in CATEGORIES:
        assert category_label(code, "zh") == category_name(code, "zh")
        assert category_label(code, "en") == category_name(code, "en")
        assert category_label(code, "ar") != category_name(code, "en")
