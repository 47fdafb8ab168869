"""Settings: one pydantic-settings object, built by the caller and passed in.

Nothing here runs at import time. Values come, highest priority first, from keyword
arguments, ``GOVLOOP_*`` environment variables, a TOML config file (``--config``,
``GOVLOOP_CONFIG`` or ``$GOVLOOP_HOME/config.toml``) and the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from govloop.errors import ConfigError, InputError

#: Provider code used by the demo and by tests (Tencent's published USCC, service 1, "GOVL").
DEMO_PROVIDER_CODE = "001191440300708461136T1GOVL"


def _default_home() -> Path:
    path = Path(os.environ.get("GOVLOOP_HOME") or "~/.govloop")  # empty counts as unset
    try:
        return path.expanduser()
    except RuntimeError:  # "~nosuchuser/...": Settings' validator reports it
        return path


class Settings(BaseSettings):
    """Everything govloop can be configured with."""

    model_config = SettingsConfigDict(
        env_prefix="GOVLOOP_", env_ignore_empty=True, extra="forbid", frozen=True
    )

    home: Path = Field(default_factory=_default_home)
    """Data directory: the SQLite file, keys and generated artefacts live here."""

    database_url: str | None = None
    """Any SQLAlchemy URL; default is a SQLite file ``govloop.db`` in ``home``."""

    provider_code: str = DEMO_PROVIDER_CODE
    """The 27-character TC260 provider code written into labels (ContentProducer)."""

    provider_name: str = "govloop demo provider"
    """Human-readable provider name, for reports."""

    platform_code: str = ""
    """Provider code used as ContentPropagator when acting as a content platform."""

    log_retention_days: int = Field(default=183, ge=183, le=36_500)
    """Ledger and request-log retention; at least six months (CSL Art. 21, Labeling Art. 9).

    At most 100 years: a longer span overflows date arithmetic.
    """

    ledger_origin: str = "govloop.local/ledger"
    """Origin line of signed ledger checkpoints (C2SP tlog-checkpoint)."""

    ledger_sync: Literal["normal", "full"] = "normal"
    """SQLite ledger appends: ``normal`` survives process crashes; ``full`` also fsyncs each one.

    Checkpoints are always fsynced, so a signed checkpoint never covers an entry a power cut
    could take back. On PostgreSQL durability follows the server's ``synchronous_commit``.
    """

    checkpoint_interval_s: float = Field(default=60.0, gt=0, allow_inf_nan=False)
    """How often a running gateway issues a signed checkpoint."""

    language: str = "zh-en"
    """Default language of explicit labels and reports: ``zh-en``, a table code, or ``auto``."""

    @field_validator("provider_code", "platform_code", mode="after")
    @classmethod
    def _valid_code(cls, value: str) -> str:
        from govloop.ids import validate_provider_code

        if value:
            try:
                validate_provider_code(value)
            except InputError as exc:  # pydantic reports ValueError with the field name
                raise ValueError(str(exc)) from exc
        return value

    @field_validator("home", mode="after")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        try:
            return value.expanduser()
        except RuntimeError as exc:  # "~nosuchuser/x"
            raise ValueError(f"cannot expand {str(value)!r}: no such user") from exc

    @property
    def db_url(self) -> str:
        """The effective database URL."""
        return self.database_url or f"sqlite:///{self.home / 'govloop.db'}"

    @property
    def keys_dir(self) -> Path:
        """Where the key store keeps its files."""
        return self.home / "keys"


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from a config file, the environment and explicit overrides.

    Raises :class:`ConfigError` naming the file or field when something is invalid.
    """
    path = config_file or (
        Path(os.environ["GOVLOOP_CONFIG"]) if "GOVLOOP_CONFIG" in os.environ else None
    )
    file_values: dict[str, Any] = {}
    if path is None:
        candidate = _default_home() / "config.toml"
        path = candidate if candidate.is_file() else None
    if path is not None:
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"{path}: config file not found") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        except (ValueError, RecursionError) as exc:  # 4300-digit integers, deep nesting
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        except OSError as exc:  # a directory, no permission, ...
            raise ConfigError(f"{path}: cannot read the config file: {exc.strerror}") from exc
    env_keys = {
        k[len("GOVLOOP_") :].lower()
        for k, v in os.environ.items()
        if k.startswith("GOVLOOP_") and v
    }
    values = {k: v for k, v in file_values.items() if k not in env_keys}
    values.update(overrides)
    try:
        return Settings(**values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        where = f"{path}: " if path else ""
        raise ConfigError(f"{where}setting {field!r}: {err['msg']}") from exc
