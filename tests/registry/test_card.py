from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govloop.errors import FilingError
from govloop.registry import (
    FilingCreate,
    from_model_card,
    load_filing,
    parse_text,
    to_json,
    to_model_card,
)

from .conftest import REALISTIC

CODES = [
    "001191110108MA01C3DK7J1YY01",
    "001191440300708461136T00000",
    "001191310115MA1H7QW2XC2AB12",
]
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,20}", fullmatch=True)
words = st.lists(text, max_size=3)
subset = lambda values: st.lists(st.sampled_from(values), unique=True, max_size=len(values))  # noqa: E731


@st.composite
def versions(draw: st.DrawFn) -> list[dict[str, object]]:
    out = []
    for i in range(draw(st.integers(1, 3))):
        base = draw(st.none() | names)
        filed = base is not None and draw(st.booleans())
        out.append(
            {
                "version": f"{draw(st.from_regex(r'[0-9A-Za-z.]{1,6}', fullmatch=True))}-{i}",
                "date": draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1))),
                "base_model": base,
                "base_model_filed": filed,
                "base_model_filing_number": draw(st.none() | text) if filed else None,
                "base_model_modified": draw(st.booleans()),
                "changes": draw(text),
            }
        )
    return out


@st.composite
def filings(draw: st.DrawFn) -> FilingCreate:
    restricted = draw(subset(["medical", "finance", "education", "legal"]))
    doc = {
        "provider": {
            "name": draw(text.filter(bool)),
            "code": draw(st.sampled_from(CODES)),
            "role": draw(st.sampled_from(["service-provider", "technical-supporter"])),
            "established_in_eu": draw(st.booleans()),
        },
        "model_name": draw(names),
        "display_name": draw(st.none() | text),
        "description": draw(text),
        "versions": draw(versions()),
        "functions": draw(
            subset(["dialogue", "text", "image", "audio", "video", "code"]).filter(bool)
        ),
        "service_forms": draw(subset(["app", "web", "api", "mini-program"]).filter(bool)),
        "audience": draw(st.sampled_from(["public", "business", "internal"])),
        "intended_users": draw(words),
        "intended_uses": draw(words),
        "minors_may_use": draw(st.booleans()),
        "domain": "restricted" if restricted else "general",
        "restricted_domains": restricted,
        "public_opinion_attributes": draw(st.booleans()),
        "social_mobilisation": draw(st.booleans()),
        "training_data": {
            "sources": [
                {
                    "type": t,
                    "description": draw(text),
                    "size_gb": draw(st.none() | st.floats(0, 1e6, allow_nan=False)),
                    "items": draw(st.none() | st.integers(0, 10**12)),
                    "evidence": draw(text),
                }
                for t in draw(subset(["open-source", "self-collected", "commercial"]))
            ],
            "foreign_open_source_share": draw(st.none() | st.floats(0, 1)),
            "personal_information": draw(st.booleans()),
        },
        "training_compute_flop": draw(st.none() | st.floats(0, 1e27, allow_nan=False)),
        "deployment_regions": draw(subset(["CN", "EU", "US", "other"]).filter(bool)),
        "safety_measures": draw(words),
        "contacts": [{"name": draw(text.filter(bool)), "email": draw(st.none() | text)}],
        "regulator_filing_number": draw(st.none() | text),
        "license": draw(
            st.none() | st.sampled_from(["apache-2.0", "mit", "proprietary", "yes", "1e5"])
        ),
        "languages": draw(subset(["zh", "en", "no", "on", "null", "1.0"])),
        "tags": draw(words),
        "eu": {
            "annex_iii_area": draw(st.none() | st.sampled_from(["employment", "education"])),
            "art_6_3_derogation": draw(st.sampled_from(["none", "preparatory-task"])),
            "prohibited_practices": draw(subset(["social-scoring", "subliminal-manipulation"])),
            "is_gpai": draw(st.booleans()),
            "deep_fakes": draw(st.booleans()),
        },
    }
    return FilingCreate.model_validate(doc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(filings())
def test_model_card_round_trip_keeps_every_field(doc: FilingCreate) -> None:
    card = to_model_card(doc)
    assert from_model_card(card) == doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(filings())
def test_json_round_trip_keeps_every_field(doc: FilingCreate) -> None:
    back = FilingCreate.model_validate(json.loads(to_json(doc)))
    assert back == doc


@pytest.mark.parametrize("path", sorted(REALISTIC.iterdir()), ids=lambda p: p.name)
def test_realistic_cards_round_trip(path, tmp_path) -> None:
    doc = load_filing(path)
    card = tmp_path / "README.md"
    card.write_text(to_model_card(doc), encoding="utf-8")
    assert load_filing(card) == doc
    front = parse_text(card.read_text(encoding="utf-8").split("---")[1]).data
    assert front["pipeline_tag"] in {
        "text-generation",
        "text-to-image",
        "text-to-speech",
        "text-to-video",
    }
    assert "model_name" in front["govloop"] and "license" not in front["govloop"]


def test_card_uses_standard_hub_keys() -> None:
    doc = load_filing(REALISTIC / "cn-public-chatbot.yaml")
    front = parse_text(to_model_card(doc).split("---")[1]).data
    # the Hub knows no "proprietary" licence id: it asks for "other" plus the name
    assert front["license"] == "other" and front["license_name"] == "proprietary"
    assert front["language"] == ["zh", "en"]
    assert front["base_model"] == "yunyu-base"
    assert front["pipeline_tag"] == "text-generation"


@pytest.mark.parametrize(
    ("card", "pattern"),
    [
        ("no front matter", r"card:1: a model card must start"),
        ("---\nlicense: mit\n", r"no closing '---'"),
        ("---\nlicense: mit\n---\n# x\n", r"no 'govloop:' mapping"),
        (
            "---\nlicense: mit\ngovloop:\n  model_name: x\n  colour: red\n---\n",
            r"card:5: field colour: unknown field",
        ),
        ("---\nlicense: [mit\n---\n", r"card:\d: not valid YAML"),
    ],
)
def test_bad_cards(card: str, pattern: str) -> None:
    with pytest.raises(FilingError, match=pattern):
        from_model_card(card, path="card")


def test_hub_language_string_is_accepted() -> None:
    doc = load_filing(REALISTIC / "internal-code-assistant.yaml")
    card = to_model_card(doc).replace("---\n", "---\nlanguage: zh\n", 1)
    assert from_model_card(card).languages == ["zh"]


def test_known_hub_licence_is_written_as_is() -> None:
    doc = load_filing(REALISTIC / "cn-public-chatbot.yaml").model_copy(
        update={"license": "apache-2.0"}
    )
    card = to_model_card(doc)
    front = parse_text(card.split("---")[1]).data
    assert front["license"] == "apache-2.0" and "license_name" not in front
    assert from_model_card(card, path="c.md").license == "apache-2.0"
