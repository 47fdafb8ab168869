"""MultiJail (Deng et al., ICLR 2024) as a govloop bank: its CSV read as should-refuse items.

Why read the CSV itself rather than a converted copy: the file shipped in ``data/multijail/`` is
byte-for-byte the upstream one (MIT, licence and attribution beside it), so anyone can check it
against its source, and the only thing govloop adds, the mapping of MultiJail's 18 harm tags to
GB/T 45654 Appendix A risk codes, is the table below with a reason per tag, where a reviewer
reads and changes it. The rows become bank lines here and go through the same validation as a
JSONL bank (:func:`govloop.assess._bank.parse_bank`).

Every prompt is harmful (Anthropic and OpenAI red-teaming prompts, translated by native
speakers), so every item is ``should-refuse``. A column becomes items only when its language is
in :mod:`govloop.languages` (the refusal judge, the report catalogue and the gap test speak
those): today en, zh, ar and sw. The other six (it, vi, ko, th, bn, jv) stay in the file and are
skipped, because adding a language to govloop is not only data: it needs label wording, both
catalogues translated in full, refusal patterns, and label fonts that are not shipped for Thai,
Bengali and Hangul.
"""

from __future__ import annotations

import ast
import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from govloop.errors import BankError
from govloop.languages import CODES

#: Upstream: https://github.com/DAMO-NLP-SG/multilingual-safety-for-LLMs, data/MultiJail.csv.
UPSTREAM_COMMIT = "577ac511437e07a256130945ef312a99158a18ad"
#: The language columns of MultiJail, in the file's order.
MULTIJAIL_LANGUAGES: tuple[str, ...] = ("en", "zh", "it", "vi", "ar", "ko", "th", "bn", "sw", "jv")
#: Columns a MultiJail-format CSV must have besides its language columns.
_REQUIRED = ("id", "tags")


@dataclass(frozen=True)
class TagMapping:
    """Where one MultiJail tag lands in GB/T 45654 Appendix A, and why."""

    risk: str
    """Appendix A risk code."""
    reason: str
    """Why this code: what the tag's prompts ask for, read against the risk's wording."""


#: MultiJail tag -> Appendix A risk, most specific first: a row with several tags takes the
#: risk of its tag that comes first here (all its tags stay in the item's notes).
MULTIJAIL_TAGS: dict[str, TagMapping] = {
    "Terrorism & organized crime": TagMapping(
        "A.1.d", "promoting or planning terrorism and organised crime is A.1.d's own wording"
    ),
    "Child abuse": TagMapping(
        "A.4.a", "abuse of a child harms another person's physical and mental health"
    ),
    "Sexual exploitation & human trafficking": TagMapping(
        "A.1.h",
        "selling people or their sex is a crime prohibited by law (the catch-all of A.1); "
        "sexual content alone is 'Adult content'",
    ),
    "Self-harm": TagMapping(
        "A.4.a", "an answer would endanger the asker's own physical or mental health"
    ),
    "Weapons": TagMapping(
        "A.1.h",
        "making or obtaining weapons outside the law is prohibited content; violence against "
        "people has its own tag",
    ),
    "Conspiracy theories & misinformation": TagMapping(
        "A.1.g", "spreading false and harmful information is A.1.g's own wording"
    ),
    "Adult content": TagMapping("A.1.f", "obscenity and pornography are named in A.1.f"),
    "Hate speech & offensive language": TagMapping(
        "A.2.i",
        "slurs and contempt for groups of people are discriminatory content; the tag does not "
        "name the ground (ethnicity, belief, sex, ...), so the catch-all A.2.i, not A.1.e",
    ),
    "Discrimination & injustice": TagMapping(
        "A.2.i",
        "unequal treatment of groups; the tag does not name the ground that A.2.a-h key on",
    ),
    "Soliciting personally identifiable information": TagMapping(
        "A.4.f", "asking for someone's address, number or identity documents"
    ),
    "Substance abuse & banned substances": TagMapping(
        "A.1.h", "making, buying or dealing banned drugs is prohibited by law"
    ),
    "Fraud & deception": TagMapping(
        "A.1.h", "instructions for fraud teach a crime prohibited by law"
    ),
    "Theft": TagMapping("A.1.h", "instructions for theft teach a crime prohibited by law"),
    "Property crime & vandalism": TagMapping(
        "A.1.h", "damaging others' property is a crime prohibited by law"
    ),
    "Animal abuse": TagMapping(
        "A.1.f", "cruelty to animals is violent content; A.1.f does not limit violence to people"
    ),
    "Bullying & harassment": TagMapping(
        "A.4.a", "harassing or bullying a person harms their mental health"
    ),
    "Violence & incitement": TagMapping("A.1.f", "promoting violence is named in A.1.f"),
    "Non-violent unethical behavior (e.g. lying, cheating, etc.)": TagMapping(
        "A.4.g",
        "lying to or cheating others harms their interests without naming a crime or one of "
        "the rights of A.4.b-f",
    ),
}

#: MultiJail's columns that become items, and those kept in the file but skipped.
LOADED_LANGUAGES: tuple[str, ...] = tuple(c for c in MULTIJAIL_LANGUAGES if c in CODES)
SKIPPED_LANGUAGES: tuple[str, ...] = tuple(c for c in MULTIJAIL_LANGUAGES if c not in CODES)

_PRECEDENCE = {tag: i for i, tag in enumerate(MULTIJAIL_TAGS)}


def multijail_path() -> Path:
    """The MultiJail CSV shipped with govloop (upstream bytes, MIT; LICENSE and README beside)."""
    return Path(str(resources.files("govloop.assess") / "data" / "multijail" / "MultiJail.csv"))


def parse_tags(value: str, *, where: str) -> list[str]:
    """A ``tags`` cell (``"['Violence & incitement', 'Weapons']"``) as a list of tags."""
    try:
        tags = ast.literal_eval(value)
    except (ValueError, SyntaxError) as exc:
        raise BankError(f"{where}: field 'tags': not a list of tags: {value!r}") from exc
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
        raise BankError(f"{where}: field 'tags': expected a non-empty list of tags, got {value!r}")
    return tags


def risk_of(tags: Iterable[str], *, where: str) -> str:
    """The risk code of a row: its tag that comes first in :data:`MULTIJAIL_TAGS`."""
    tags = list(tags)
    unknown = [t for t in tags if t not in MULTIJAIL_TAGS]
    if unknown:
        raise BankError(f"{where}: field 'tags': no GB/T 45654 risk mapped for {unknown[0]!r}")
    return MULTIJAIL_TAGS[min(tags, key=_PRECEDENCE.__getitem__)].risk


def multijail_lines(text: str, *, source: str) -> list[str]:
    """The bank lines (metadata first) of a CSV in MultiJail's columns.

    One ``should-refuse`` item per row and loaded language, id ``mj-<row id>-<language>``; a
    missing column or an unmapped tag is a :class:`BankError` naming ``source``, the line and
    the field. An empty cell is skipped (that row has no prompt in that language).
    """
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    columns = reader.fieldnames or []
    missing = [c for c in (*_REQUIRED, *LOADED_LANGUAGES) if c not in columns]
    if missing:
        raise BankError(f"{source}:1: MultiJail CSV lacks the column {missing[0]!r}")
    skipped = [c for c in SKIPPED_LANGUAGES if c in columns]
    name = "MultiJail (Deng et al., ICLR 2024; MIT); languages " + ", ".join(LOADED_LANGUAGES)
    meta = {
        "name": name + (f" (skipped: {', '.join(skipped)})" if skipped else ""),
        "version": f"upstream {UPSTREAM_COMMIT[:12]}, govloop tag mapping 1",
    }
    lines = [json.dumps({"bank": meta}, ensure_ascii=False)]
    for row in reader:
        where = f"{source}:{reader.line_num}"
        row_id = (row.get("id") or "").strip()
        if not row_id:
            raise BankError(f"{where}: field 'id': empty")
        tags = parse_tags(row.get("tags") or "", where=where)
        risk = risk_of(tags, where=where)
        notes = f"MultiJail {row_id} ({row.get('source') or 'unknown source'}); tags: " + (
            "; ".join(tags)
        )
        for lang in LOADED_LANGUAGES:
            prompt = (row.get(lang) or "").strip()
            if not prompt:
                continue
            item = {
                "id": f"mj-{row_id}-{lang}",
                "text": prompt,
                "language": lang,
                "risk": risk,
                "kind": "should-refuse",
                "notes": notes,
            }
            lines.append(json.dumps(item, ensure_ascii=False))
    return lines
