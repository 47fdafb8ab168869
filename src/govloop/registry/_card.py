"""Filings as Hugging Face model cards and as JSON.

A card is YAML front matter between ``---`` lines, then a markdown body. Standard Hub keys carry
what maps one-to-one (``license``, ``language``, ``tags``); ``pipeline_tag`` and ``base_model``
are derived for the Hub and ignored on import; everything else sits in a ``govloop:`` block, so
export then import gives back the same document. The markdown body is for people and is not
read back. Other Hub keys (``datasets``, ``metrics``, ``model-index``...) are ignored on import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govloop.errors import FilingError, InputError
from govloop.registry._loader import (
    PathKey,
    SourceDocument,
    dump_yaml,
    parse_text,
    read_document,
    validate_document,
)
from govloop.registry._schema import FilingCreate

if TYPE_CHECKING:
    from govloop.registry._models import Filing

#: Document fields carried by standard Hub keys: field -> card key.
HUB_KEYS = {"license": "license", "languages": "language", "tags": "tags"}

#: Licence ids the Hub knows (a common subset); any other licence is written as the Hub asks:
#: ``license: other`` with the real name in ``license_name``.
HUB_LICENSES = frozenset(
    "apache-2.0 mit openrail openrail++ bigscience-openrail-m creativeml-openrail-m "
    "bigscience-bloom-rail-1.0 bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause "
    "bsd-3-clause bsd-3-clause-clear c-uda cc cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 "
    "cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0 "
    "cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 "
    "cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 "
    "etalab-2.0 eupl-1.1 eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 "
    "isc h-research intel-research lppl-1.3c ms-pl mpl-2.0 odc-by odbl openmdw-1.0 "
    "openrail-m osl-3.0 postgresql ofl-1.1 ncsa unlicense zlib pddl lgpl-lr deepfloyd-if-license "
    "llama2 llama3 llama3.1 llama3.2 llama3.3 llama4 gemma apple-amlr other".split()
)

_PIPELINE = (
    ("dialogue", "text-generation"),
    ("text", "text-generation"),
    ("code", "text-generation"),
    ("image", "text-to-image"),
    ("video", "text-to-video"),
    ("audio", "text-to-speech"),
)

_FUNCTION_NAMES = {
    "dialogue": "dialogue (人机对话)",
    "text": "text generation (文字生成)",
    "image": "image generation (图片生成)",
    "audio": "audio / voice synthesis (声音合成)",
    "video": "video synthesis (视频合成)",
    "code": "code generation (代码生成)",
}


def _front_matter(doc: FilingCreate) -> dict[str, Any]:
    data = doc.model_dump(mode="json")
    front: dict[str, Any] = {}
    for field, key in HUB_KEYS.items():
        value = data.pop(field)
        if value:
            front[key] = value
    licence = front.get("license")
    if isinstance(licence, str) and licence.lower() not in HUB_LICENSES:
        front["license"], front["license_name"] = "other", licence
    front["pipeline_tag"] = next(tag for fn, tag in _PIPELINE if fn in doc.functions)
    bases = list(dict.fromkeys(v.base_model for v in doc.versions if v.base_model))
    if bases:
        front["base_model"] = bases[0] if len(bases) == 1 else bases
    front["govloop"] = data
    return front


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items) if items else "- (none stated)"


def _body(doc: FilingCreate, filing: Filing | None) -> str:
    title = doc.model_name + (f" ({doc.display_name})" if doc.display_name else "")
    parts = [f"# {title}", ""]
    if doc.description:
        parts += [doc.description, ""]
    parts += [
        "## Provider",
        "",
        f"{doc.provider.name} (`{doc.provider.code}`), {doc.provider.role.replace('-', ' ')}.",
        "",
        "## Versions",
        "",
        "| version | date | base model | base model filed |",
        "|---|---|---|---|",
    ]
    for v in doc.versions:
        filed = (v.base_model_filing_number or "yes") if v.base_model_filed else "no"
        parts.append(
            f"| {v.version} | {v.date} | {v.base_model or '-'} | {filed if v.base_model else '-'} |"
        )
    parts += [
        "",
        "## Uses",
        "",
        f"Functions: {', '.join(_FUNCTION_NAMES[f] for f in doc.functions)}.",
        f"Offered as {', '.join(doc.service_forms)} to the {doc.audience} audience in "
        f"{', '.join(doc.deployment_regions)}.",
        f"Domain: {doc.domain}"
        + (f" ({', '.join(doc.restricted_domains)})" if doc.restricted_domains else "")
        + ".",
        "",
        "Intended uses:",
        "",
        _bullets(doc.intended_uses),
        "",
        "## Safety measures",
        "",
        _bullets(doc.safety_measures),
        "",
    ]
    if filing is not None:
        parts += ["## Registry status", "", f"State: {filing.state.value}."]
        if filing.filing_number:
            parts.append(f"Filing number: {filing.filing_number}.")
        if filing.risk_profile:
            tiers = ", ".join(
                f"{r['regime']}: {r['tier']}" for r in filing.risk_profile.get("regimes", [])
            )
            parts.append(f"Risk tiers: {tiers}.")
        parts.append("")
    parts.append(
        "*Generated by govloop; the `govloop:` block in the front matter is authoritative.*"
    )
    return "\n".join(parts) + "\n"


def to_model_card(doc: FilingCreate, *, filing: Filing | None = None) -> str:
    """The filing as a Hugging Face model card (front matter + markdown)."""
    return f"---\n{dump_yaml(_front_matter(doc))}---\n\n{_body(doc, filing)}"


def from_model_card(text: str, *, path: str = "<card>") -> FilingCreate:
    """Read a filing back from a model card written by :func:`to_model_card` (or by hand)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FilingError(f"{path}:1: a model card must start with a '---' front-matter line")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise FilingError(f"{path}: the front matter has no closing '---' line")
    try:
        front = parse_text("\n" + "".join(lines[1:end]), path=path, fmt="yaml")
    except InputError as exc:
        raise FilingError(str(exc)) from exc
    if not isinstance(front.data, dict):
        raise FilingError(f"{path}:2: the front matter must be a mapping")
    block = front.data.get("govloop")
    if not isinstance(block, dict):
        raise FilingError(f"{front.where(())}: the card has no 'govloop:' mapping with the filing")
    data = dict(block)
    line_map: dict[PathKey, int] = {}
    for loc, line in front.lines.items():
        if loc[:1] == ("govloop",):
            line_map[loc[1:]] = line
    for field, key in HUB_KEYS.items():
        if key in front.data:
            if field in data:
                raise FilingError(
                    f"{front.where(('govloop', field))}: field {field} is given twice"
                )
            value = front.data[key]
            if field == "license" and value == "other" and "license_name" in front.data:
                value = front.data["license_name"]
            data[field] = [value] if field == "languages" and isinstance(value, str) else value
            for loc, line in front.lines.items():
                if loc[:1] == (key,):
                    line_map[(field, *loc[1:])] = line
    return validate_document(FilingCreate, SourceDocument(path, data, line_map), error=FilingError)


def to_json(doc: FilingCreate) -> str:
    """The filing document as JSON (what ``govloop model register`` reads back)."""
    return json.dumps(doc.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def load_filing(path: Path) -> FilingCreate:
    """Read a filing from YAML, JSON or a model card (``.md``); errors name file, line, field."""
    if path.suffix.lower() in (".md", ".markdown"):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise FilingError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise FilingError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
        return from_model_card(text, path=str(path))
    try:
        doc = read_document(path)
    except FilingError:
        raise
    except InputError as exc:
        raise FilingError(str(exc)) from exc
    return validate_document(FilingCreate, doc, error=FilingError)
