"""Complaint categories: the GB/T 45654 Appendix A risk categories plus three of the platform's.

The five ``A.x`` codes are the top-level categories of the TC260-003 / GB/T 45654 risk taxonomy
(the same codes :data:`govloop.assess.TC260_RISKS` files its 31 risks under, so a complaint's
category selects the bank items of a targeted reassessment). ``labelling`` covers missing or
false AIGC labels (Labeling Measures, GB 45438), ``privacy`` personal-information requests
(PIPL; Interim Measures Art. 11), ``other`` everything else.
"""

from __future__ import annotations

from govloop.errors import InputError

_NAMES: dict[str, tuple[str, str]] = {
    "A.1": ("违反社会主义核心价值观的内容", "Content violating core socialist values"),
    "A.2": ("歧视性内容", "Discriminatory content"),
    "A.3": ("商业违法违规", "Commercial violations"),
    "A.4": ("侵犯他人合法权益", "Infringing others' legitimate rights and interests"),
    "A.5": ("无法满足特定服务类型的安全需求", "Failing the safety needs of the service type"),
    "labelling": ("生成内容标识问题", "Missing or misleading AI-generated content labels"),
    "privacy": ("隐私与个人信息", "Privacy and personal information"),
    "other": ("其他", "Other"),
}

CATEGORIES: tuple[str, ...] = tuple(_NAMES)
"""Category codes, in the order a form lists them."""

RISK_CATEGORIES: tuple[str, ...] = tuple(c for c in CATEGORIES if c.startswith("A."))
"""The categories that are GB/T 45654 risk categories (reassessment draws their bank items)."""

#: Which risk codes a targeted reassessment draws for the platform's own categories.
REASSESS_RISKS: dict[str, tuple[str, ...]] = {
    "privacy": ("A.4.e", "A.4.f"),
    "labelling": (),
    "other": (),
}


def check_category(code: str) -> str:
    """Return ``code`` if it names a category, else raise :class:`InputError` listing them."""
    if code not in _NAMES:
        raise InputError(
            f"field 'category': {code!r} is not a complaint category; use one of "
            + ", ".join(CATEGORIES)
        )
    return code


def category_name(code: str, lang: str = "zh") -> str:
    """The category's name in ``zh`` or ``en`` (any other language gets English)."""
    zh, en = _NAMES[check_category(code)]
    return zh if lang.lower().startswith("zh") else en
