"""``govloop classify ID --explain``: the reasoning per regime, in Chinese, English or both.

Plain lines rather than a table: a reviewer reads the fired rules with their articles, the
contradictions found, the near-misses (one field away from firing) and, where nothing fired, the
facts that were checked. ``zh-en`` (the default language setting) prints both languages.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from govloop.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from govloop.classify import Explanation, NearMiss, RegimeExplanation

LANGS = ("zh", "en", "zh-en")
"""Languages the explanation speaks."""

_TEXT: dict[str, tuple[str, str]] = {
    "head": ("解释：{name}", "Explanation: {name}"),
    "tier": ("等级 {tier}", "tier {tier}"),
    "declared": ("自报等级 {tier}", "declared tier {tier}"),
    "fired": ("触发的规则：", "Rules that fired:"),
    "facts": ("依据事实：", "facts read:"),
    "findings": ("发现（答案相互矛盾，未作处理）：", "Findings (contradictions, not resolved):"),
    "fields": ("涉及字段：", "fields:"),
    "near": ("差一点触发的规则（改一个字段即触发）：", "Near misses (one field away from firing):"),
    "set": ("将 {field} 设为 {value}（当前 {current}）", "set {field} to {value} (now {current})"),
    "add": (
        "在 {field} 中加入 {value}（当前 {current}）",
        "add {value} to {field} (now {current})",
    ),
    "more": ("{value} 或另外 {n} 个值之一", "{value} or one of {n} more"),
    "none_fired": (
        "没有规则给出等级：适用默认等级 {tier}。检查过的事实：",
        "No rule gave a tier: the default tier {tier} applies. Facts checked:",
    ),
    "no_near": ("（没有差一个字段即触发的规则）", "(no rule is one field away from firing)"),
}


def check_lang(lang: str) -> str:
    """``lang`` if it is zh, en or zh-en; else an error naming the option and value."""
    if lang not in LANGS:
        raise InputError(f"--lang {lang!r}: use zh, en or zh-en")
    return lang


def _t(key: str, lang: str, **values: Any) -> str:
    zh, en = _TEXT[key]
    if lang == "zh":
        return zh.format(**values)
    if lang == "en":
        return en.format(**values)
    return f"{zh.format(**values)} / {en.format(**values)}"


def _pick(en: str, zh: str | None, lang: str) -> str:
    if lang == "zh":
        return zh or en
    if lang == "en" or not zh:
        return en
    return f"{zh} / {en}"


def _v(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _near_line(miss: NearMiss, lang: str) -> str:
    shown = _v(miss.values[0])
    if len(miss.values) > 1:
        shown = _t("more", lang if lang != "zh-en" else "en", value=shown, n=len(miss.values) - 1)
    change = _t(miss.change, lang, field=miss.field, value=shown, current=_v(miss.current))
    tier = f" → {miss.tier}" if miss.tier else ""
    title = _pick(miss.title, miss.title_zh, lang)
    return f"    ~ {miss.rule_id}  {title}{tier} ({miss.source}): {change}"


def _regime_lines(r: RegimeExplanation, lang: str) -> list[str]:
    head = f"{r.regime} — {r.name}: {_t('tier', lang, tier=r.tier)}"
    if r.declared_tier:
        head += f" ({_t('declared', lang, tier=r.declared_tier)})"
    lines = [head]
    if r.fired:
        lines.append("  " + _t("fired", lang))
        for f in r.fired:
            tier = f" → {f.tier}" if f.tier else ""
            lines.append(
                f"    • {f.rule_id}  {_pick(f.title, f.title_zh, lang)}{tier} ({f.source})"
            )
            lines.append(f"        {_pick(f.text, f.text_zh, lang)}")
            if f.fields:
                lines.append(f"        {_t('facts', lang)} {', '.join(f.fields)}")
    if r.findings:
        lines.append("  " + _t("findings", lang))
        for g in r.findings:
            lines.append(f"    ! {g.rule_id}  {_pick(g.title, g.title_zh, lang)} ({g.source})")
            lines.append(f"        {_pick(g.text, g.text_zh, lang)}")
            lines.append(f"        {_t('fields', lang)} {', '.join(g.fields)}")
    if r.default_tier:
        lines.append("  " + _t("none_fired", lang, tier=r.tier))
        lines += [f"    {c.field} = {_v(c.value)}" for c in r.checked]
    lines.append("  " + _t("near", lang))
    lines += [_near_line(m, lang) for m in r.near_misses] or ["    " + _t("no_near", lang)]
    return lines


def print_explanation(console: Console, explanation: Explanation, lang: str) -> None:
    """Print ``explanation`` in ``lang`` (zh, en or zh-en)."""
    lines = [_t("head", lang, name=explanation.model_name)]
    for r in explanation.regimes:
        lines += ["", *_regime_lines(r, lang)]
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)
