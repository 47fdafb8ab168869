"""Per-language rates and the gap flag: unit cases, and a run on the shipped multilingual bank
with a fake model that refuses harmful requests in every language but Swahili."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from govloop.assess import (
    GAP_ALPHA,
    Outcome,
    RunOptions,
    build_report,
    language_results,
    load_bank,
    multilingual_bank_path,
    render_html,
    run_assessment,
)
from govloop.assess._langgap import z_test_worse
from govloop.assess._metrics import Rate
from govloop.assess._taxonomy import ANSWER_ASPECTS, TC260_RISKS
from govloop.cli.assess import _print_languages
from govloop.languages import CODES
from govloop.models import Generation, GenerationRequest
from govloop.store import Store

ALL = {"generated-content": 1000, "should-refuse": 1000, "should-answer": 1000}


def test_the_z_test_follows_the_metric_direction_and_refuses_untestable_samples() -> None:
    z, p = z_test_worse(Rate(60, 60), Rate(30, 60), higher_is_better=True) or (0.0, 1.0)
    assert z > 5 and p < 1e-6
    z2, p2 = z_test_worse(Rate(30, 60), Rate(60, 60), higher_is_better=True) or (0.0, 0.0)
    assert z2 < 0 and p2 > 0.99  # better than "best" is never worse
    assert z_test_worse(Rate(5, 60), Rate(30, 60), higher_is_better=False) is not None
    assert z_test_worse(Rate(3, 3), Rate(3, 3), higher_is_better=True) is None  # no variance
    assert z_test_worse(Rate(0, 0), Rate(3, 3), higher_is_better=True) is None


def _outcomes(lang: str, refused: int, n: int) -> list[Outcome]:
    return [
        Outcome("should-refuse", "A.1.d", True, refused=i < refused, language=lang)
        for i in range(n)
    ]


def test_a_language_well_below_the_best_is_flagged_and_a_small_dip_is_not() -> None:
    rows = _outcomes("en", 50, 50) + _outcomes("fr", 48, 50) + _outcomes("sw", 30, 50)
    res = language_results(rows)["metrics"]["refusal_rate_should_refuse"]
    assert res["best"] == "en" and res["gaps"] == ["sw"]
    assert res["languages"]["fr"]["gap"] is False
    assert res["languages"]["sw"]["p_value"] < GAP_ALPHA / 2
    lo, hi = res["languages"]["sw"]["ci95"]
    assert lo < 0.6 < hi


def test_a_tie_for_best_goes_to_the_language_table_order() -> None:
    rows = _outcomes("sw", 40, 50) + _outcomes("en", 40, 50) + _outcomes("ar", 40, 50)
    res = language_results(rows)["metrics"]["refusal_rate_should_refuse"]
    assert (res["best"], res["gaps"]) == ("en", [])


def test_over_refusal_counts_lower_as_better() -> None:
    rows = [
        Outcome("should-answer", "A.5.a", True, refused=i < k, language=lang)
        for lang, k in (("en", 2), ("ar", 30))
        for i in range(60)
    ]
    res = language_results(rows)["metrics"]["refusal_rate_should_answer"]
    assert res["direction"] == "lower is better"
    assert (res["best"], res["gaps"]) == ("en", ["ar"])


def test_the_multilingual_bank_has_ten_items_per_language_mapped_to_the_taxonomy() -> None:
    bank = load_bank(multilingual_bank_path())
    assert bank.meta.starter
    by_lang: dict[str, int] = {}
    for item in bank.items:
        by_lang[item.language] = by_lang.get(item.language, 0) + 1
        assert item.risk in {r.code for r in TC260_RISKS}
        assert item.kind != "should-answer" or item.aspect in ANSWER_ASPECTS
        assert "project-written" in (item.notes or "")
    assert by_lang == dict.fromkeys(CODES, 10)


#: A plain refusal in each language, as the refusal judge reads that language.
REFUSALS = {
    "zh": "抱歉，我无法提供这方面的帮助。",
    "en": "I'm sorry, but I can't help with that.",
    "ar": "عذرًا، لا أستطيع المساعدة في ذلك.",
    "ru": "Извините, я не могу помочь с этим.",
    "es": "Lo siento, no puedo ayudar con eso.",
    "fr": "Désolé, je ne peux pas vous aider avec cela.",
    "pt": "Desculpe, não posso ajudar com isso.",
    "id": "Maaf, saya tidak bisa membantu dengan permintaan itu.",
    "hi": "माफ़ कीजिए, मैं इसमें मदद नहीं कर सकता।",
    "sw": "Samahani, siwezi kusaidia na hilo.",
}


class _WeakInSwahili:
    """Refuses every prompt, in the prompt's language, except those in ``weak`` (answered)."""

    def __init__(self, weak: set[str]) -> None:
        self._weak = weak
        bank = load_bank(multilingual_bank_path())
        self._lang = {i.text: i.language for i in bank.items}

    @property
    def name(self) -> str:
        return "weak-in-sw"

    async def generate(self, request: GenerationRequest) -> Generation:
        if request.prompt_text in self._weak:
            return Generation("Sawa, hizi ndizo hatua: kwanza...", self.name)
        return Generation(REFUSALS[self._lang[request.prompt_text]], self.name)

    async def stream(self, request: GenerationRequest):  # type: ignore[no-untyped-def]
        yield (await self.generate(request)).text


@pytest.mark.db
async def test_a_run_flags_the_language_a_model_fails_in(store: Store) -> None:
    bank = load_bank(multilingual_bank_path())
    weak = {i.text for i in bank.items if i.language == "sw"}
    model = _WeakInSwahili(weak)
    summary = await run_assessment(
        store, "weak-in-sw", bank, RunOptions(sizes=ALL, judges=("refusal",)), model=model
    )
    by_lang = build_report(store, summary.run_id)["by_language"]
    assert by_lang["languages"] == sorted(CODES)
    refuse = by_lang["metrics"]["refusal_rate_should_refuse"]
    assert refuse["gaps"] == ["sw"]
    assert refuse["languages"]["sw"]["rate"] == 0.0
    assert refuse["languages"]["en"]["rate"] == 1.0
    # the same model with no weak language: nothing is flagged
    even = await run_assessment(
        store, "even", bank, RunOptions(sizes=ALL, judges=("refusal",)), model=_WeakInSwahili(set())
    )
    even_lang = build_report(store, even.run_id)["by_language"]
    assert all(not m["gaps"] for m in even_lang["metrics"].values())
    out = io.StringIO()
    _print_languages(Console(file=out, width=120, color_system=None), by_lang)
    text = out.getvalue()
    assert "refusal_rate_should_refuse" in text
    assert [line.split()[0] for line in text.splitlines() if "GAP" in line] == ["sw"]
    page = render_html(build_report(store, summary.run_id), lang="en")
    assert "By language" in page and page.count('<td class="bad">p = ') == 1
    flagged = re.findall(r"<tr><td>(\w+)</td>(?:(?!</tr>).)*<td class=\"bad\">p = ", page)
    assert flagged == ["sw"]
