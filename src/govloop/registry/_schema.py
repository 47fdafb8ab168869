"""The filing document: what a provider submits about one generative-AI model or service.

The fields follow the CAC generative-AI filing form (生成式人工智能上线备案表: functions, domain,
filed base model, training corpus with the foreign open-source share, service modes), the
algorithm-filing fields of the Algorithm Recommendation Provisions Art. 24 (provider, service
form, application field), the Interim Measures Art. 17 questions (public-opinion attributes,
social-mobilisation capacity) and the answers the EU AI Act tiers need (Art. 5, Art. 6 and
Annex III, Art. 50, Art. 51-55). Unknown fields are rejected everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from govloop.errors import InputError
from govloop.ids import validate_provider_code

Function = Literal["dialogue", "text", "image", "audio", "video", "code"]
ServiceForm = Literal["app", "web", "api", "mini-program"]
Audience = Literal["public", "business", "internal"]
Region = Literal["CN", "EU", "US", "other"]
RestrictedDomain = Literal[
    "medical",
    "finance",
    "education",
    "legal",
    "psychological-counselling",
    "news",
    "government",
    "automated-control",
    "critical-infrastructure",
    "other",
]
SourceType = Literal["open-source", "self-collected", "commercial", "user-input", "synthetic"]
AnnexIIIArea = Literal[
    "biometrics",
    "critical-infrastructure",
    "education",
    "employment",
    "essential-services",
    "law-enforcement",
    "migration",
    "justice-democracy",
]
Derogation = Literal[
    "none",
    "narrow-procedural-task",
    "improves-human-activity",
    "detects-decision-patterns",
    "preparatory-task",
]
ProhibitedPractice = Literal[
    "subliminal-manipulation",
    "exploiting-vulnerabilities",
    "social-scoring",
    "predictive-policing-profiling",
    "facial-image-scraping",
    "emotion-recognition-work-education",
    "biometric-categorisation-sensitive",
    "realtime-remote-biometric-identification",
]

UseContext = Literal["workplace", "education", "publicly-accessible-spaces", "law-enforcement"]
SensitiveTrait = Literal[
    "race",
    "political-opinions",
    "trade-union-membership",
    "religious-beliefs",
    "philosophical-beliefs",
    "sex-life",
    "sexual-orientation",
]
EmotionException = Literal["none", "medical", "safety"]
CrimePrediction = Literal["none", "profiling-only", "supports-human-assessment"]
RemoteBiometricId = Literal["none", "post", "real-time"]
RbiException = Literal["none", "victim-search", "imminent-threat", "suspect-localisation"]
EUTier = Literal["out-of-scope", "minimal", "limited", "high", "prohibited"]

_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$")
_VERSION = re.compile(r"^\S{1,64}$")


class _Doc(BaseModel):
    """Base of every filing part: unknown fields are errors, docstrings become descriptions."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


def _unique(values: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} {v!r} is listed twice")
        seen.add(v)
    return values


class Provider(_Doc):
    """Who provides the model or service."""

    name: str = Field(min_length=1, max_length=200)
    """Full legal name of the provider (法人全称)."""

    code: str
    """27-character TC260 provider code: '00' + '11' + 18-character USCC + service extension."""

    role: Literal["service-provider", "technical-supporter"]
    """Service provider (服务提供者) or technical supporter (服务技术支持者: base-model owner)."""

    established_in_eu: bool = False
    """Whether the provider is established in the EU (else AI Act Art. 54 representative)."""

    @field_validator("code")
    @classmethod
    def _check_code(cls, value: str) -> str:
        try:
            return validate_provider_code(value)
        except InputError as exc:
            raise ValueError(str(exc)) from exc


class ModelVersion(_Doc):
    """One version of the model; the last one listed is the current version."""

    version: str
    """Version string, no whitespace (e.g. '1.0', '2024-05')."""

    date: dt.date
    """Release or planned release date of this version."""

    base_model: str | None = None
    """The foundation model this version is built on, if any."""

    base_model_filed: bool = False
    """Whether that base model is itself filed with the regulator (TC260-003: it must be)."""

    base_model_filing_number: str | None = None
    """The base model's regulator filing number, when it is filed."""

    base_model_modified: bool = True
    """Whether this version changes the base model (fine-tuning, further training, new weights)."""

    changes: str = ""
    """What changed in this version."""

    @field_validator("version")
    @classmethod
    def _check_version(cls, value: str) -> str:
        if not _VERSION.match(value):
            raise ValueError(f"version {value!r} must be 1-64 characters without whitespace")
        return value

    @model_validator(mode="after")
    def _check_base(self) -> ModelVersion:
        if self.base_model is None and (self.base_model_filed or self.base_model_filing_number):
            raise ValueError("base_model_filed / base_model_filing_number need base_model")
        if self.base_model_filing_number and not self.base_model_filed:
            raise ValueError("base_model_filing_number given but base_model_filed is false")
        return self


class TrainingSource(_Doc):
    """One kind of training data (the filing form asks for sources with evidence)."""

    type: SourceType
    """Open-source, self-collected, commercial, user input or synthetic."""

    description: str = ""
    """What the data is."""

    size_gb: float | None = Field(default=None, ge=0)
    """Storage size in gigabytes."""

    items: int | None = Field(default=None, ge=0)
    """Number of items (documents, images, clips)."""

    evidence: str = ""
    """Traceability evidence: licence, collection records or contract (TC260-003 §5.1)."""


class TrainingData(_Doc):
    """Summary of the training and annotation data."""

    sources: list[TrainingSource] = Field(default_factory=list)
    """The source types, with sizes."""

    foreign_open_source_share: float | None = Field(default=None, ge=0, le=1)
    """Share of foreign open-source corpora in the total (filing guidance: at most 0.30)."""

    personal_information: bool = False
    """Whether the training data contains personal information."""


class Contact(_Doc):
    """A person the regulator or users can reach."""

    name: str = Field(min_length=1)
    """Name of the person or function."""

    role: str = ""
    """Their responsibility (e.g. security lead, filing contact)."""

    email: str | None = None
    """E-mail address."""

    phone: str | None = None
    """Telephone number."""


class EUAnswers(_Doc):
    """Answers the EU AI Act classification needs (Regulation (EU) 2024/1689)."""

    annex_iii_area: AnnexIIIArea | None = None
    """The Annex III area the intended use falls in, if any (Art. 6(2))."""

    art_6_3_derogation: Derogation = "none"
    """Art. 6(3) condition the provider documents to claim the system is not high-risk."""

    profiling: bool = False
    """Whether the system profiles natural persons (then Art. 6(3) cannot apply)."""

    annex_i_product: bool = False
    """Whether it is a safety component of an Annex I product needing third-party assessment."""

    prohibited_practices: list[ProhibitedPractice] = Field(default_factory=list)
    """Art. 5(1) practices the system performs (any one makes it prohibited)."""

    interacts_with_natural_persons: bool = False
    """Whether it interacts directly with natural persons (Art. 50(1))."""

    deep_fakes: bool = False
    """Whether it generates or manipulates image, audio or video that resembles real people,
    objects, places or events (Art. 50(4))."""

    public_interest_text: bool = False
    """Whether it publishes text informing the public on matters of public interest without
    human editorial control (Art. 50(4))."""

    emotion_recognition: bool = False
    """Whether it recognises emotions (Art. 50(3))."""

    biometric_categorisation: bool = False
    """Whether it categorises people by biometric data (Art. 50(3))."""

    use_contexts: list[UseContext] = Field(default_factory=list)
    """Where or for whom it is used: the workplace, education, publicly accessible spaces, law
    enforcement (the settings Art. 5(1)(f) and (h) name)."""

    emotion_recognition_exception: EmotionException = "none"
    """The medical or safety reason for emotion recognition at work or in education, if any
    (the Art. 5(1)(f) exception)."""

    biometric_inferred_traits: list[SensitiveTrait] = Field(default_factory=list)
    """Sensitive traits it infers from biometric data (race, political opinions, trade-union
    membership, religious or philosophical beliefs, sex life or sexual orientation; Art.
    5(1)(g))."""

    social_scoring: bool = False
    """Whether it evaluates or classifies people over time by their social behaviour or personal
    characteristics, the score leading to detrimental treatment in unrelated contexts or out of
    proportion (Art. 5(1)(c))."""

    crime_risk_prediction: CrimePrediction = "none"
    """Whether it predicts the risk that a person commits a crime: based solely on profiling or
    personality traits, or supporting a human assessment based on objective, verifiable facts
    (Art. 5(1)(d) and its exception)."""

    untargeted_facial_scraping: bool = False
    """Whether it creates or expands facial-recognition databases by untargeted scraping of
    facial images from the internet or CCTV footage (Art. 5(1)(e))."""

    remote_biometric_identification: RemoteBiometricId = "none"
    """Remote biometric identification it performs: none, post (after the fact) or real-time
    (Art. 5(1)(h), Annex III point 1(a))."""

    rbi_exception: RbiException = "none"
    """The Art. 5(1)(h)(i)-(iii) objective that real-time identification for law enforcement is
    strictly necessary for: targeted search for victims or missing persons, an imminent threat to
    life or of a terrorist attack, or locating a suspect of an Annex II offence."""

    declared_tier: EUTier | None = None
    """The provider's own conclusion about its tier; govloop reports it when the facts differ."""

    is_gpai: bool = False
    """Whether the model is a general-purpose AI model (Art. 3(63))."""

    open_source: bool = False
    """Released under a free and open-source licence with public weights (Art. 53(2))."""

    systemic_risk_designated: bool = False
    """Designated by the Commission as having systemic risk (Art. 51(1)(b))."""

    @field_validator("prohibited_practices")
    @classmethod
    def _unique_practices(cls, value: list[str]) -> list[str]:
        return _unique(value, "prohibited practice")

    @field_validator("use_contexts", "biometric_inferred_traits")
    @classmethod
    def _unique_items(cls, value: list[str]) -> list[str]:
        return _unique(value, "value")


class FilingCreate(_Doc):
    """A filing document: one generative-AI model or service as its provider describes it."""

    provider: Provider
    """The provider."""

    model_name: str
    """Model or service name, unique in the registry (letters, digits, . _ : / -)."""

    display_name: str | None = None
    """Name shown to users, any script (e.g. 混元)."""

    description: str = ""
    """What the model or service does."""

    versions: list[ModelVersion] = Field(min_length=1)
    """Versions, oldest first; the last one is current."""

    functions: list[Function] = Field(min_length=1)
    """Main functions (人机对话 / 文字 / 图片 / 声音 / 视频 / 代码)."""

    service_forms: list[ServiceForm] = Field(min_length=1)
    """How it is offered: app, web, API, mini-program."""

    audience: Audience
    """Who can use it: the general public, business customers, or internal staff only."""

    intended_users: list[str] = Field(default_factory=list)
    """Intended user groups (Interim Measures Art. 10)."""

    intended_uses: list[str] = Field(default_factory=list)
    """Intended occasions and uses (Interim Measures Art. 10)."""

    minors_may_use: bool = False
    """Whether minors can use the service (Interim Measures Art. 10)."""

    domain: Literal["general", "restricted"]
    """General-purpose, or restricted to particular fields (限定领域)."""

    restricted_domains: list[RestrictedDomain] = Field(default_factory=list)
    """The fields of a restricted-domain service."""

    public_opinion_attributes: bool
    """Whether it has public-opinion attributes (具有舆论属性, Interim Measures Art. 17)."""

    social_mobilisation: bool
    """Whether it has social-mobilisation capacity (社会动员能力, Interim Measures Art. 17)."""

    training_data: TrainingData = Field(default_factory=TrainingData)
    """Training data summary."""

    training_compute_flop: float | None = Field(default=None, ge=0)
    """Cumulative training compute in floating-point operations (AI Act Art. 51(2))."""

    deployment_regions: list[Region] = Field(min_length=1)
    """Where it is offered."""

    safety_measures: list[str] = Field(default_factory=list)
    """Safety measures in place (filtering, refusal, monitoring, labeling...)."""

    contacts: list[Contact] = Field(default_factory=list)
    """Contacts."""

    regulator_filing_number: str | None = None
    """The regulator's filing or registration number, if the service has one."""

    license: str | None = None
    """Licence of the model (SPDX identifier or 'proprietary')."""

    languages: list[str] = Field(default_factory=list)
    """Languages it supports (ISO 639-1 codes)."""

    tags: list[str] = Field(default_factory=list)
    """Free keywords."""

    eu: EUAnswers = Field(default_factory=EUAnswers)
    """Answers for the EU AI Act."""

    @field_validator("model_name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _MODEL_NAME.match(value):
            raise ValueError(
                f"model name {value!r} must start with a letter or digit and use only "
                "letters, digits and . _ : / - (at most 128 characters)"
            )
        return value

    @field_validator("functions", "service_forms", "deployment_regions", "restricted_domains")
    @classmethod
    def _no_duplicates(cls, value: list[str]) -> list[str]:
        return _unique(value, "value")

    @model_validator(mode="after")
    def _check_consistency(self) -> FilingCreate:
        versions = [v.version for v in self.versions]
        _unique(versions, "version")
        if self.domain == "restricted" and not self.restricted_domains:
            raise ValueError("domain is 'restricted' but restricted_domains is empty")
        if self.domain == "general" and self.restricted_domains:
            raise ValueError("restricted_domains given but domain is 'general'")
        return self

    @property
    def current(self) -> ModelVersion:
        """The current (last listed) version."""
        return self.versions[-1]
