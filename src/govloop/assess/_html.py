"""Self-contained HTML rendering of a JSON report, in any language of :mod:`govloop.languages`.

Its texts come from the gettext catalogue ``report`` (:mod:`govloop.assess._catalogue`), the
same mechanism as the web pages; risk and clause names stay Chinese or English (they are data).

No scripts, fonts or images are fetched: styles are inline and charts are inline SVG (one bar
per risk category with its Wilson 95 % interval and the threshold line).
"""

from __future__ import annotations

import html
from typing import Any

from govloop.assess._catalogue import N_, report_gettext, report_ngettext
from govloop.assess._taxonomy import ANSWER_ASPECTS, Taxonomy
from govloop.languages import BY_CODE

_T: dict[str, str] = {
    "title": N_("Generative AI service safety assessment"),
    "model": N_("Model"),
    "bank": N_("Bank"),
    "starter": N_(" (starter bank, not vetted)"),
    "seed": N_("Sampling seed"),
    "run": N_("Run"),
    "status": N_("Status"),
    "answered": N_("Answered / planned / errors"),
    "conclusion": N_("Conclusion"),
    "passed": N_("PASSED"),
    "failed": N_("FAILED"),
    "metrics": N_("Metrics"),
    "metric": N_("Metric"),
    "rate": N_("Rate"),
    "ci": N_("95%% interval"),
    "threshold": N_("Requirement"),
    "result": N_("Result"),
    "qualified_rate": N_("Qualified rate of generated content"),
    "refusal_rate_should_refuse": N_("Refusal rate, should-refuse"),
    "refusal_rate_should_answer": N_("Refusal rate, should-answer"),
    "clauses": N_("Clause table"),
    "refusal_classes": N_("Refusal judge classes"),
    "kind": N_("Kind"),
    "full_compliance": N_("Full compliance"),
    "full_refusal": N_("Full refusal"),
    "partial_refusal": N_("Partial refusal"),
    "unknown": N_("Unclassified"),
    "clause": N_("Clause"),
    "item": N_("Item"),
    "evidence": N_("Evidence / reason"),
    "per_risk": N_("Per risk category"),
    "failing": N_("Failing items and evidence"),
    "question": N_("Question"),
    "answer": N_("Answer"),
    "judges": N_("Judge evidence"),
    "reasons": N_("Reasons"),
    "digest": N_("Report digest (SHA-256 of the JSON)"),
    "none": N_("none"),
    "by_language": N_("By language"),
    "language": N_("Language"),
    "gap": N_("Significantly below the best language"),
    "gap_test": N_(
        "one-sided pooled two-proportion z-test against the best language, alpha {alpha}, "
        "Bonferroni-corrected over the languages compared"
    ),
}
"""Each text of the report by key; the message id is the English text (catalogue ``report``)."""
_STATUS_EN = {
    "符合": N_("conforming"),
    "不符合": N_("non-conforming"),
    "不适用": N_("not applicable"),
    "部分符合": N_("partly conforming"),
}
_MAX_ROWS = 200


def _t(key: str, lang: str) -> str:
    """The text ``key`` in ``lang``; ids with ``%%`` are python-format (``95%% interval``)."""
    text = report_gettext(lang)(_T[key])
    return text % {} if "%" in _T[key] else text


def _status(s: str, lang: str) -> str:
    if lang == "zh":
        return s
    return f"{s} ({report_gettext(lang)(_STATUS_EN[s]) if s in _STATUS_EN else s})"


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v * 100:.1f}%"


def _group_label(code: str, lang: str, tax: Taxonomy) -> str:
    if code.startswith("aspect:"):
        zh, en = ANSWER_ASPECTS.get(code[7:], (code, code))
        return zh if lang == "zh" else en
    risk = tax.get(code)
    if risk is None:
        return code
    return f"{code} {risk.name_zh if lang == 'zh' else risk.name_en}"


def _el(tag: str, body: str, **attrs: object) -> str:
    """One SVG element; ``text_anchor`` becomes ``text-anchor``."""
    attr = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f"<{tag} {attr}>{body}</{tag}>" if body else f"<{tag} {attr}/>"


def _line(x1: float, x2: float, y1: float, y2: float, **attrs: object) -> str:
    attrs.setdefault("stroke", "#000")
    return _el("line", "", x1=f"{x1:.1f}", x2=f"{x2:.1f}", y1=f"{y1:.1f}", y2=f"{y2:.1f}", **attrs)


def _row(*cells: str, tag: str = "td", cls: str = "") -> str:
    """A table row; ``cls`` applies to the last cell."""
    parts = [f"<{tag}>{c}</{tag}>" for c in cells[:-1]]
    last = f' class="{cls}"' if cls else ""
    parts.append(f"<{tag}{last}>{cells[-1]}</{tag}>")
    return "<tr>" + "".join(parts) + "</tr>"


def chart_svg(metric: dict[str, Any], lang: str, tax: Taxonomy) -> str:
    """Horizontal bars per group: rate, Wilson interval whisker and the threshold line."""
    groups = [(g, r) for g, r in metric["groups"].items() if r["n"]]
    if not groups:
        return ""
    row_h, label_w, bar_w, pad = 18, 330, 360, 4
    height = row_h * len(groups) + 30
    width = label_w + bar_w + 90
    limit = metric["threshold"]["limit"]
    op = metric["threshold"]["op"]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" font-family="sans-serif" font-size="11">'
    ]
    for i, (g, r) in enumerate(groups):
        y = 10 + i * row_h
        rate = r["rate"] or 0.0
        lo, hi = r["ci95"]
        ok = rate >= limit if op == ">=" else rate <= limit
        color = "#2e7d32" if ok else "#c62828"
        label = html.escape(_group_label(g, lang, tax)[:48])
        parts.append(_el("text", label, x=label_w - 6, y=y + 12, text_anchor="end"))
        parts.append(
            _el(
                "rect",
                "",
                x=label_w,
                y=y + pad,
                width=f"{rate * bar_w:.1f}",
                height=row_h - 2 * pad,
                fill=color,
                opacity="0.75",
            )
        )
        mid = y + row_h / 2
        parts.append(_line(label_w + lo * bar_w, label_w + hi * bar_w, mid, mid))
        for v in (lo, hi):
            parts.append(_line(label_w + v * bar_w, label_w + v * bar_w, y + 5, y + row_h - 5))
        parts.append(
            _el("text", f"{_pct(r['rate'])} (n={r['n']})", x=label_w + bar_w + 6, y=y + 12)
        )
    x = label_w + limit * bar_w
    parts.append(_line(x, x, 6, height - 16, stroke="#1565c0", stroke_dasharray="4 3"))
    parts.append(
        _el(
            "text",
            f"{op} {limit:.0%}",
            x=f"{x:.1f}",
            y=height - 4,
            text_anchor="middle",
            fill="#1565c0",
        )
    )
    parts.append("</svg>")
    return "".join(parts)


_CSS = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 6px;
vertical-align:top;text-align:left;font-size:13px}th{background:#f3f3f3}.ok{color:#2e7d32;font-weight:bold}
.bad{color:#c62828;font-weight:bold}.na{color:#777}pre{white-space:pre-wrap;margin:0;font-size:12px}
code{font-size:12px;word-break:break-all}"""


_DIR_RTL = ' dir="rtl"'
_CSS_RTL = "\ntd,th{text-align:right}svg,pre,code{direction:ltr}"
"""Only right-to-left pages get these, so the zh and en pages stay byte for byte as they were."""


def _classes_table(classes: dict[str, dict[str, int]], lang: str) -> list[str]:
    """The refusal judge's three classes per bank kind (both refusal classes count as refused)."""
    if not classes:
        return []
    cols = ["full_compliance", "full_refusal", "partial_refusal"]
    if any(c.get("unknown") for c in classes.values()):
        cols.append("unknown")
    out = [f"<h2>{_t('refusal_classes', lang)}</h2><table>"]
    out.append(_row(_t("kind", lang), *(_t(c, lang) for c in cols), tag="th"))
    for kind, counts in classes.items():
        out.append(_row(html.escape(kind), *(str(counts.get(c, 0)) for c in cols)))
    out.append("</table>")
    return out


def _languages_table(by_language: dict[str, Any] | None, lang: str) -> list[str]:
    """Per metric and item language: rate, Wilson interval, and the gap flag with its p-value."""
    if not by_language or len(by_language.get("languages", ())) < 2:
        return []
    out = [f"<h2>{_t('by_language', lang)}</h2>"]
    out.append(f"<p>{html.escape(_t('gap_test', lang).format(alpha=by_language['alpha']))}</p>")
    for key, m in by_language["metrics"].items():
        if not m["languages"]:
            continue
        out.append(f"<h3>{_t(key, lang)}</h3><table>")
        out.append(_row(*(_t(h, lang) for h in ("language", "rate", "ci", "gap")), tag="th"))
        for code, r in m["languages"].items():
            lo, hi = r["ci95"]
            flag = f"p = {r['p_value']:.4f}" if r["gap"] else ""
            out.append(
                _row(
                    html.escape(code),
                    f"{_pct(r['rate'])} ({r['k']}/{r['n']})",
                    f"{_pct(lo)} – {_pct(hi)}",
                    flag,
                    cls="bad" if r["gap"] else "",
                )
            )
        out.append("</table>")
    return out


def render_html(report: dict[str, Any], *, lang: str = "zh", digest: str = "") -> str:
    """The report as one self-contained HTML page in ``lang`` (a :mod:`govloop.languages` code)."""
    if lang not in BY_CODE:
        lang = "zh"
    rtl = BY_CODE[lang].rtl
    tax = Taxonomy.builtin()
    e = html.escape
    run = report["run"]
    out: list[str] = [
        f'<!DOCTYPE html><html lang="{lang}"{_DIR_RTL if rtl else ""}><head><meta charset="utf-8">',
        f"<title>{_t('title', lang)} – {e(run['model'])}</title>"
        f"<style>{_CSS}{_CSS_RTL if rtl else ''}</style></head><body>",
        f"<h1>{_t('title', lang)}</h1><p>{e(report['standard'])}</p><table>",
    ]
    starter = _t("starter", lang) if run.get("bank_starter") else ""
    s = report["summary"]
    rows = [
        (_t("model", lang), e(run["model"])),
        (_t("bank", lang), f"{e(run['bank'])}{starter}<br><code>{run['bank_sha256']}</code>"),
        (_t("run", lang), f"<code>{e(run['id'])}</code>"),
        (_t("seed", lang), str(run["seed"])),
        (_t("status", lang), e(run["status"])),
        (_t("answered", lang), f"{s['answered']} / {s['planned']} / {s['errors']}"),
    ]
    verdict_cls = "ok" if report["passed"] else "bad"
    verdict = _t("passed", lang) if report["passed"] else _t("failed", lang)
    rows.append(
        (
            _t("conclusion", lang),
            f'<span class="{verdict_cls}">{_status(report["conclusion"], lang)} – {verdict}</span>',
        )
    )
    if digest:
        rows.append((_t("digest", lang), f"<code>{digest}</code>"))
    out += [f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows]
    out.append("</table>")
    if report["reasons"]:
        out.append(f"<h2>{_t('reasons', lang)}</h2><ul>")
        out += [f"<li>{e(r)}</li>" for r in report["reasons"]]
        out.append("</ul>")
    heads = ("metric", "rate", "ci", "threshold", "result")
    out.append(f"<h2>{_t('metrics', lang)}</h2><table>")
    out.append(_row(*(_t(h, lang) for h in heads), tag="th"))
    for key, m in report["metrics"].items():
        lo, hi = m["ci95"]
        th = m["threshold"]
        res = _t("passed", lang) if m["passed"] else _t("failed", lang)
        out.append(
            _row(
                _t(key, lang),
                f"{_pct(m['rate'])} ({m['k']}/{m['n']})",
                f"{_pct(lo)} – {_pct(hi)}",
                f"{th['op']} {th['limit']:.0%}, n ≥ {th['min_sample']}",
                res,
                cls="ok" if m["passed"] else "bad",
            )
        )
    out.append(f"</table><h2>{_t('clauses', lang)}</h2><table>")
    out.append(_row(*(_t(h, lang) for h in ("clause", "item", "evidence", "result")), tag="th"))
    for c in report["clauses"]:
        title = c["title_zh"] if lang == "zh" else c["title_en"]
        cls = {"符合": "ok", "不符合": "bad"}.get(c["status"], "na")
        out.append(
            _row(e(c["clause"]), e(title), e(c["evidence"]), _status(c["status"], lang), cls=cls)
        )
    out.append("</table>")
    out += _classes_table(report.get("refusal_classes") or {}, lang)
    out += _languages_table(report.get("by_language"), lang)
    for key, m in report["metrics"].items():
        svg = chart_svg(m, lang, tax)
        if svg:
            out.append(f"<h3>{_t(key, lang)} – {_t('per_risk', lang)}</h3>{svg}")
    failing = report["failing_items"]
    out.append(f"<h2>{_t('failing', lang)}</h2>")
    if not failing:
        out.append(f"<p>{_t('none', lang)}</p>")
    else:
        shown = failing[:_MAX_ROWS]
        total = int(report.get("failing_total", len(failing)))
        ngettext = report_ngettext(lang)
        line = ngettext(
            "showing {n} of {total} failing item", "showing {n} of {total} failing items", total
        )
        out.append(f"<p>{line.format(n=len(shown), total=total)}</p>")
        out.append(
            f"<table><tr><th>ID</th><th>{_t('question', lang)}</th><th>{_t('answer', lang)}</th>"
            f"<th>{_t('judges', lang)}</th></tr>"
        )
        for f in shown:
            ev = "<br>".join(
                f"<b>{e(j['judge'])}</b>: refused={j['refused']}, unsafe={j['unsafe']}"
                f"<pre>{e(_evidence_text(j['evidence']))}</pre>"
                for j in f["judgements"]
            ) or e(f.get("error") or "")
            out.append(
                f"<tr><td>{e(f['item_id'])}<br>{e(f['kind'])}<br>{e(f['risk'])}</td><td>{e(f['question'])}</td>"
                f"<td><pre>{e(f['answer'][:600])}</pre></td><td>{ev}</td></tr>"
            )
        out.append("</table>")
    out.append("</body></html>\n")
    return "\n".join(out)


def _evidence_text(ev: dict[str, Any]) -> str:
    if "hits" in ev:
        terms = ", ".join(f"{h['term']}@{h['start']}" for h in ev["hits"][:8])
        return f"hits: {terms}" + (f" ({ev['ignored']})" if ev.get("ignored") else "")
    if ev.get("matched"):
        return f"matched: {ev['matched']}"
    if "output" in ev:
        return f"{ev.get('guard', '')}: {ev['output'][:300]}"
    return ", ".join(f"{k}={v}" for k, v in ev.items() if v is not None)[:300]
