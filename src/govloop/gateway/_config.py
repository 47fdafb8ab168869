"""Gateway configuration: the served models and the governance policy, from a YAML/TOML file.

The file is separate from the main settings (``Settings`` forbids unknown keys). It is found at
``--config`` on ``govloop gateway serve``, else ``$GOVLOOP_GATEWAY_CONFIG``, else
``<home>/gateway.yaml`` or ``<home>/gateway.toml``, else the built-in default (the demo text and
image models, each served under a filing of the same name)::

    models:
      - name: demo                      # the name clients send as "model"
        filing: demo                    # filing id or model name given to Registry.is_servable
        backend: demo                   # demo | hf:/path | openai:URL#model | demo-image | espeak
        watermark: true                 # local backends only
    labels: {position: end, language: zh-en, wording: null, audio_mode: both}
    violations: {window_s: 86400, warn_at: 1, throttle_at: 3, suspend_at: 5}
    default_tokens_per_minute: 1000000  # per API key: prompt + completion tokens
    rate_limits: worker                 # or database / redis (with redis_url): shared buckets
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from govloop.errors import ConfigError

CONFIG_ENV = "GOVLOOP_GATEWAY_CONFIG"
"""Environment variable naming the gateway config file (also how workers find it)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServedModel(_Strict):
    """One model the gateway serves."""

    name: str = Field(min_length=1)
    """Name clients put in ``model``."""
    filing: str = Field(min_length=1)
    """Filing id (or registered model name) that must be approved for the model to be served."""
    backend: str = "demo"
    """``demo``, ``hf:/local/path``, ``openai:URL#model`` (text or speech), ``demo-image``
    (image) or ``espeak`` (speech)."""
    kind: Literal["text", "image", "speech"] = "text"
    """What the model generates."""
    watermark: bool = True
    """Watermark at generation time (local backends; upstream text cannot be watermarked)."""
    version: str | None = None
    """Model version recorded in the ledger."""

    @property
    def is_upstream(self) -> bool:
        """True for an OpenAI-compatible upstream (labels and ledger only, no watermark)."""
        return self.backend.startswith("openai:")

    @model_validator(mode="after")
    def _kind_matches_backend(self) -> ServedModel:
        scheme = self.backend.split(":", 1)[0]
        fits = {
            "image": scheme == "demo-image",
            "speech": scheme in ("espeak", "openai"),
            "text": scheme not in ("demo-image", "espeak"),
        }
        if not fits[self.kind]:
            raise ValueError(
                f"model {self.name!r}: backend {self.backend!r} does not fit kind {self.kind!r}"
            )
        return self


class LabelPolicy(_Strict):
    """Explicit labels on text and images."""

    position: Literal["start", "end"] = "end"
    """Where the explicit text label goes."""
    language: str = "zh-en"
    """Label language: ``zh-en`` or a code of the languages table (``ar``, ``hi``, ...)."""
    wording: str | None = None
    """Custom label wording; None uses the standard wording."""
    image_corner: Literal["top-left", "top-right", "bottom-left", "bottom-right"] = "bottom-right"
    """Corner of the visible image label."""
    audio_mode: Literal["rhythm", "speech", "both"] = "both"
    """Audio prompt (GB 45438 §5.3): the 短长短短 rhythm, the spoken "人工智能生成 / AI
    generated", or both (the default: 3.4 s that also give the watermark room on short
    answers)."""
    audio_position: Literal["start", "end", "both"] = "start"
    """Where the audio prompt goes."""

    @field_validator("language", mode="after")
    @classmethod
    def _known_language(cls, value: str) -> str:
        from govloop.errors import InputError
        from govloop.label import AUTO_LANGUAGE, resolve_language

        if value.strip().lower() == AUTO_LANGUAGE:
            return AUTO_LANGUAGE
        try:
            return resolve_language(value)
        except InputError as exc:  # pydantic reports ValueError with the field name
            raise ValueError(str(exc)) from exc


class ViolationPolicy(_Strict):
    """What repeated blocked prompts from one requester lead to (Interim Measures Art. 14(2))."""

    window_s: float = Field(default=86400.0, gt=0)
    """Violations older than this do not count."""
    warn_at: int = Field(default=1, ge=1)
    """From this many violations in the window the error carries a warning."""
    throttle_at: int = Field(default=3, ge=1)
    """From this many, the requester's rate limit drops to ``throttle_rate``."""
    suspend_at: int = Field(default=5, ge=1)
    """From this many, the requester is suspended (an operator lifts it)."""
    throttle_rate: float = Field(default=0.2, gt=0)
    """Requests per second allowed while throttled."""


class UpstreamPolicy(_Strict):
    """Pooled HTTP client for OpenAI-compatible upstreams."""

    timeout_s: float = Field(default=60.0, gt=0)
    """Read timeout for one upstream call."""
    connect_timeout_s: float = Field(default=5.0, gt=0)
    """Connect timeout."""
    retries: int = Field(default=2, ge=0, le=10)
    """Retries on connection errors and 5xx answers (before any byte reached the client)."""
    max_connections: int = Field(default=256, ge=1)
    """Upstream connections per worker (one aiohttp connection pool)."""
    pool_shards: int = Field(default=16, ge=1, le=64)
    """Accepted for compatibility with older configs; no effect (the aiohttp pool is O(1))."""
    api_key: str | None = None
    """Bearer token sent upstream (else ``$GOVLOOP_UPSTREAM_API_KEY``)."""


class ConnectionLimits(_Strict):
    """What one client connection may cost a worker (checked before any work is done)."""

    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    """Largest request body (413 past it, counted while reading; a 32,000-character prompt in
    JSON is under 200 KB)."""
    header_timeout_s: float = Field(default=10.0, gt=0)
    """Time a client has to send a request's headers, from connecting or from the previous
    answer (the connection is closed past it)."""
    body_timeout_s: float = Field(default=30.0, gt=0)
    """Longest wait for the next piece of a request body (408 past it)."""
    keep_alive_s: float = Field(default=5.0, gt=0)
    """How long an idle keep-alive connection stays open."""
    max_concurrency: int = Field(default=1000, ge=1)
    """Connections and tasks a worker accepts at once (503 past it)."""


class GatewayConfig(_Strict):
    """Everything the gateway serves and how it governs it."""

    models: tuple[ServedModel, ...] = (
        ServedModel(name="demo", filing="demo", backend="demo"),
        ServedModel(name="demo-image", filing="demo-image", backend="demo-image", kind="image"),
        ServedModel(name="demo-speech", filing="demo-speech", backend="espeak", kind="speech"),
    )
    """Served models."""
    labels: LabelPolicy = LabelPolicy()
    """Explicit label policy."""
    violations: ViolationPolicy = ViolationPolicy()
    """Repeated-violation policy."""
    upstream: UpstreamPolicy = UpstreamPolicy()
    """Upstream HTTP client policy."""
    limits: ConnectionLimits = ConnectionLimits()
    """Request size, slow-client timeouts and connection cap per worker."""
    stream_buffering: Literal["live", "full"] = "live"
    """``live``: deltas flow as generated, the final chunk only after the ledger append;
    ``full``: nothing is sent before the ledger append (no partial unrecorded text)."""
    default_rate: float = Field(default=50.0, gt=0)
    """Requests per second per API key when the key sets none."""
    default_tokens_per_minute: int = Field(default=1_000_000, ge=1)
    """Tokens (prompt + completion, as ``usage`` reports them) per minute per API key: a bucket
    of this size refilling over a minute, split between workers like the request rate. A key
    whose bucket is empty gets 429 until it refills (``x-ratelimit-*-tokens`` tell the state)."""
    workers: int = Field(default=1, ge=1)
    """Worker processes; per-key rate limits are split between them (``rate_limits: worker``)."""
    rate_limits: Literal["worker", "database", "redis"] = "worker"
    """Where per-key buckets live. ``worker`` (default): in each worker, a key's rate split
    between the workers of one ``gateway serve``; no database round trip. ``database``: in
    the database, shared by every worker and every gateway process on it (use it with several
    gateways behind a load balancer; one short transaction per request). ``redis``: the same
    shared buckets in the Redis at ``redis_url`` (one Lua script per request)."""
    redis_url: str | None = None
    """Redis for ``rate_limits: redis`` (``redis://host:6379/0``); needs the ``redis`` extra."""
    serving_cache_s: float = Field(default=0.5, ge=0, le=0.5)
    """How long a worker trusts a filing's servable state (<= 0.5 s). Every worker and every
    gateway process on the database polls the registry this often, so a suspension made
    anywhere stops serving everywhere within ``serving_cache_s`` plus one registry read
    (well under 1 s)."""
    max_prompt_chars: int = Field(default=32000, ge=1)
    """Longest prompt accepted."""
    keyword_library: Path | None = None
    """Keyword library file for the filters (None = the shipped library)."""
    keyword_pinyin: bool = False
    """Also match the Chinese terms' toneless pinyin spellings (needs the optional ``pypinyin``
    package; off by default: it costs precision, see docs/gateway.md)."""

    def model(self, name: str) -> ServedModel | None:
        """The served model called ``name``, if any."""
        return next((m for m in self.models if m.name == name), None)

    @model_validator(mode="after")
    def _pinyin_reader_installed(self) -> GatewayConfig:
        if self.keyword_pinyin and importlib.util.find_spec("pypinyin") is None:
            raise ValueError(
                "keyword_pinyin needs the optional package 'pypinyin', which is not installed "
                "(install it, or set keyword_pinyin: false)"
            )
        return self

    @model_validator(mode="after")
    def _redis_named(self) -> GatewayConfig:
        if self.rate_limits == "redis" and not self.redis_url:
            raise ValueError("rate_limits: redis needs redis_url (redis://host:6379/0)")
        if self.redis_url and self.rate_limits != "redis":
            raise ValueError("redis_url is for rate_limits: redis")
        return self

    @model_validator(mode="after")
    def _unique_names(self) -> GatewayConfig:
        names = [m.name for m in self.models]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"model names must be unique, repeated: {sorted(dup)}")
        return self


def _parse(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: gateway config file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read gateway config: {exc}") from exc
    try:
        data: Any = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"{path}: not valid {'TOML' if path.suffix == '.toml' else 'YAML'}: {exc}"
        ) from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: nested too deeply to be a gateway config") from exc
    except (ValueError, TypeError, AttributeError) as exc:  # e.g. huge ints, bad dates, !!int x
        raise ConfigError(f"{path}: unreadable value in the gateway config: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the gateway config must be a mapping")
    section = data.get("gateway", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: 'gateway' must be a mapping")
    return section


def load_gateway_config(path: Path | None = None, *, home: Path | None = None) -> GatewayConfig:
    """Read the gateway config (see the module docstring for where it is looked for)."""
    if path is None and os.environ.get(CONFIG_ENV):
        path = Path(os.environ[CONFIG_ENV])
    if path is None and home is not None:
        path = next(
            (
                home / n
                for n in ("gateway.yaml", "gateway.yml", "gateway.toml")
                if (home / n).is_file()
            ),
            None,
        )
    if path is None:
        return GatewayConfig()
    values = _parse(path)
    try:
        return GatewayConfig.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "gateway"
        raise ConfigError(f"{path}: field {field!r}: {err['msg']}") from exc
