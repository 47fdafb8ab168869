"""Risk taxonomies: TC260-003 / GB/T 45654 Appendix A (31 risks), NIST AI 600-1, custom YAML.

Appendix A groups 31 risks in five categories (A.1 8, A.2 9, A.3 5, A.4 7, A.5 2). The sizing
rules of the standard key on them: the keyword library covers the 17 risks of A.1 and A.2
(>= 200 terms per A.1 risk, >= 100 per A.2 risk); the generated-content bank covers all 31
(>= 50 items per A.1/A.2 risk, >= 20 per other risk); the should-refuse bank covers the 17
A.1/A.2 risks (>= 20 each); the should-answer bank covers 13 aspects (>= 20 each).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from govloop.errors import BankError


@dataclass(frozen=True)
class Risk:
    """One risk of a taxonomy."""

    code: str
    """Code such as ``A.1.d`` or ``NIST.CBRN``."""
    name_zh: str
    """Chinese name."""
    name_en: str
    """English name."""
    category: str
    """Category code (``A.1``); risks of other taxonomies use their own."""
    taxonomy: str = "tc260"
    """Which taxonomy declares it: ``tc260``, ``nist-ai-600-1`` or a custom name."""
    min_generated: int = 0
    """Minimum generated-content items per risk."""
    min_refuse: int = 0
    """Minimum should-refuse items per risk."""
    min_keywords: int = 0
    """Minimum keyword-library terms per risk."""


#: Appendix A category names, zh and en.
CATEGORIES: dict[str, tuple[str, str]] = {
    "A.1": ("违反社会主义核心价值观的内容", "Content violating core socialist values"),
    "A.2": ("歧视性内容", "Discriminatory content"),
    "A.3": ("商业违法违规", "Commercial violations"),
    "A.4": ("侵犯他人合法权益", "Infringing others' legitimate rights and interests"),
    "A.5": (
        "无法满足特定服务类型的安全需求",
        "Failing the security needs of specific service types",
    ),
}

_TC260: tuple[tuple[str, str, str], ...] = (
    ("A.1.a", "煽动颠覆国家政权、推翻社会主义制度", "Inciting subversion of state power"),
    (
        "A.1.b",
        "危害国家安全和利益、损害国家形象",
        "Endangering national security; damaging the national image",
    ),
    (
        "A.1.c",
        "煽动分裂国家、破坏国家统一和社会稳定",
        "Inciting secession; undermining unity and stability",
    ),
    ("A.1.d", "宣扬恐怖主义、极端主义", "Promoting terrorism or extremism"),
    ("A.1.e", "宣扬民族仇恨", "Promoting ethnic hatred"),
    ("A.1.f", "宣扬暴力、淫秽色情", "Promoting violence, obscenity and pornography"),
    ("A.1.g", "传播虚假有害信息", "Spreading false and harmful information"),
    ("A.1.h", "其他法律、行政法规禁止的内容", "Other content prohibited by laws and regulations"),
    ("A.2.a", "民族歧视内容", "Ethnic discrimination"),
    ("A.2.b", "信仰歧视内容", "Discrimination by belief"),
    ("A.2.c", "国别歧视内容", "Discrimination by nationality"),
    ("A.2.d", "地域歧视内容", "Regional discrimination"),
    ("A.2.e", "性别歧视内容", "Gender discrimination"),
    ("A.2.f", "年龄歧视内容", "Age discrimination"),
    ("A.2.g", "职业歧视内容", "Occupational discrimination"),
    ("A.2.h", "健康歧视内容", "Health discrimination"),
    ("A.2.i", "其他方面歧视内容", "Other discrimination"),
    ("A.3.a", "侵犯他人知识产权", "Infringing intellectual property"),
    ("A.3.b", "违反商业道德", "Breaching business ethics"),
    ("A.3.c", "泄露他人商业秘密", "Disclosing trade secrets"),
    (
        "A.3.d",
        "利用算法、数据、平台等优势，实施垄断和不正当竞争行为",
        "Monopoly or unfair competition",
    ),
    ("A.3.e", "其他商业违法违规行为", "Other commercial violations"),
    ("A.4.a", "危害他人身心健康", "Harming physical or mental health"),
    ("A.4.b", "侵害他人肖像权", "Infringing portrait rights"),
    ("A.4.c", "侵害他人名誉权", "Infringing reputation rights"),
    ("A.4.d", "侵害他人荣誉权", "Infringing honour rights"),
    ("A.4.e", "侵害他人隐私权", "Infringing privacy rights"),
    ("A.4.f", "侵害他人个人信息权益", "Infringing personal-information rights"),
    ("A.4.g", "侵犯他人其他合法权益", "Infringing other legitimate rights"),
    ("A.5.a", "内容不准确，严重不符合科学常识或主流认知", "Inaccurate content contrary to science"),
    ("A.5.b", "内容不可靠，无法对使用者形成帮助", "Unreliable content that does not help the user"),
)


def _tc260_risk(code: str, zh: str, en: str) -> Risk:
    cat = code[:3]
    core = cat in ("A.1", "A.2")
    return Risk(
        code=code,
        name_zh=zh,
        name_en=en,
        category=cat,
        min_generated=50 if core else 20,
        min_refuse=20 if core else 0,
        min_keywords=200 if cat == "A.1" else 100 if cat == "A.2" else 0,
    )


#: The 31 risks of Appendix A, in order.
TC260_RISKS: tuple[Risk, ...] = tuple(_tc260_risk(*row) for row in _TC260)

#: NIST AI 600-1 (Generative AI Profile), the 12 GAI risks.
NIST_RISKS: tuple[Risk, ...] = tuple(
    Risk(code=f"NIST.{code}", name_zh=zh, name_en=en, category="NIST", taxonomy="nist-ai-600-1")
    for code, en, zh in (
        ("CBRN", "CBRN Information or Capabilities", "化学、生物、放射性、核信息或能力"),
        ("CONFAB", "Confabulation", "虚构（幻觉）"),
        ("VIOLENT", "Dangerous, Violent, or Hateful Content", "危险、暴力或仇恨内容"),
        ("PRIVACY", "Data Privacy", "数据隐私"),
        ("ENV", "Environmental Impacts", "环境影响"),
        ("BIAS", "Harmful Bias and Homogenization", "有害偏见与同质化"),
        ("HAIC", "Human-AI Configuration", "人机配置"),
        ("INTEGRITY", "Information Integrity", "信息完整性"),
        ("SECURITY", "Information Security", "信息安全"),
        ("IP", "Intellectual Property", "知识产权"),
        ("OBSCENE", "Obscene, Degrading, and/or Abusive Content", "淫秽、侮辱或辱骂内容"),
        ("VALUECHAIN", "Value Chain and Component Integration", "价值链与组件集成"),
    )
)

#: Aspects of the should-answer (non-refusal) bank, >= 20 items each (TC260-003 8.3).
ANSWER_ASPECTS: dict[str, tuple[str, str]] = {
    "system": ("我国制度", "China's system"),
    "beliefs": ("信仰", "Beliefs"),
    "image": ("国家形象", "National image"),
    "culture": ("文化", "Culture"),
    "customs": ("习俗", "Customs"),
    "ethnicity": ("民族", "Ethnicity"),
    "geography": ("地理", "Geography"),
    "history": ("历史", "History"),
    "heroes": ("英雄烈士", "Heroes and martyrs"),
    "gender": ("性别", "Gender"),
    "age": ("年龄", "Age"),
    "occupation": ("职业", "Occupation"),
    "health": ("健康", "Health"),
}

#: Bank sizes of TC260-003 8.2 / 8.3.
MIN_BANK_SIZES: dict[str, int] = {
    "generated-content": 2000,
    "should-refuse": 500,
    "should-answer": 500,
}
#: Per-aspect minimum of the should-answer bank.
MIN_PER_ASPECT = 20
#: Keyword library: total minimum (TC260-003 8.1).
MIN_KEYWORDS_TOTAL = 10_000


class _CustomRisk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1)
    """Risk code, unique across taxonomies."""
    name_en: str = ""
    """English name."""
    name_zh: str = ""
    """Chinese name."""
    category: str = ""
    """Category code; defaults to the taxonomy name."""
    min_generated: int = Field(default=0, ge=0)
    """Minimum generated-content items."""
    min_refuse: int = Field(default=0, ge=0)
    """Minimum should-refuse items."""


class _CustomTaxonomy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    """Taxonomy name."""
    risks: list[_CustomRisk] = Field(min_length=1)
    """Its risks."""


@dataclass(frozen=True)
class Taxonomy:
    """A set of known risks keyed by code (TC260 and NIST built in, plus custom ones)."""

    risks: Mapping[str, Risk]
    """Every known risk by code."""

    @classmethod
    def builtin(cls) -> Taxonomy:
        """The TC260 Appendix A and NIST AI 600-1 risks."""
        return cls({r.code: r for r in (*TC260_RISKS, *NIST_RISKS)})

    def extend(self, risks: Iterable[Risk]) -> Taxonomy:
        """A taxonomy with ``risks`` added; codes already known are an error."""
        merged = dict(self.risks)
        for r in risks:
            if r.code in merged:
                raise BankError(f"risk code {r.code!r} is declared twice")
            merged[r.code] = r
        return Taxonomy(merged)

    def get(self, code: str) -> Risk | None:
        """The risk named ``code``, or None."""
        return self.risks.get(code)


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Built-in risks, plus the custom taxonomy declared in YAML file ``path``.

    The file holds ``name:`` and ``risks:`` (a list of ``code``, ``name_en``, ``name_zh``,
    ``category``, ``min_generated``, ``min_refuse``).
    """
    base = Taxonomy.builtin()
    if path is None:
        return base
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BankError(f"{path}: taxonomy file not found") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise BankError(f"{path}: not valid YAML: {exc}") from exc
    except OSError as exc:
        raise BankError(f"{path}: cannot read the taxonomy: {exc.strerror}") from exc
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        # PyYAML's constructors: ``!!int x``, ``2024-13-45``, 4300-digit integers, nesting.
        raise BankError(f"{path}: not valid YAML: {exc}") from exc
    try:
        doc = _CustomTaxonomy.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "document"
        raise BankError(f"{path}: field {field!r}: {err['msg']}") from exc
    return base.extend(
        Risk(
            code=r.code,
            name_zh=r.name_zh or r.name_en or r.code,
            name_en=r.name_en or r.name_zh or r.code,
            category=r.category or doc.name,
            taxonomy=doc.name,
            min_generated=r.min_generated,
            min_refuse=r.min_refuse,
        )
        for r in doc.risks
    )
