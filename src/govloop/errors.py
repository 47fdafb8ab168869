"""The one exception tree of govloop.

Every failure a user can cause or meet is a :class:`GovloopError`. Parsers and adapters turn
foreign exceptions into one of these with ``raise ... from exc`` so the cause is kept, and the CLI
(and the web layer) catch the base class in exactly one place::

    GovloopError
    ├── ConfigError            settings, config files, missing optional extras
    ├── InputError             bad user input: files, fields, values (names the place)
    │   ├── FilingError        a filing document that does not validate
    │   ├── RegimeError        a regime rule file that does not validate
    │   ├── BankError          a test bank that does not validate
    │   └── FormatError        a media file that cannot be read or written
    ├── NotFoundError          an id that names nothing stored
    ├── AuthenticationError    no, unknown or revoked credentials
    ├── AccessError            the caller's role or ownership does not allow the operation
    ├── RateLimitError         the caller asked more often than its quota allows
    ├── StateError             an operation the current state forbids
    │   └── TransitionError    an illegal lifecycle transition
    ├── StoreError             the database failed or disagrees with itself
    ├── KeyStoreError          signing keys missing, unreadable or wrong
    ├── VerificationError      a proof, signature or checkpoint that does not verify
    ├── ModelError             a model adapter failed (endpoint, local model)
    └── WatermarkError         embedding or detection could not be done
"""

from __future__ import annotations


class GovloopError(Exception):
    """Base of every error govloop raises on purpose.

    ``code`` and ``param`` are optional: a stable machine-readable reason (``model_not_found``)
    and the request field at fault. The library sets them where a client can act on them; the
    HTTP faces render them through :func:`govloop.problems.problem_for` without deciding the
    status themselves, so the gateway and the web app answer the same refusal the same way.
    """

    def __init__(self, *args: object, code: str | None = None, param: str | None = None) -> None:
        super().__init__(*args)
        self.code = code
        self.param = param

    def diagnostics(self) -> str:
        """One line for a person: what went wrong, and where."""
        return str(self) or type(self).__name__


class ConfigError(GovloopError):
    """Settings are invalid, a config file is unreadable or an optional extra is missing."""


class InputError(GovloopError):
    """User input is wrong; the message names the file, field or value."""


class FilingError(InputError):
    """A filing document does not validate."""


class RegimeError(InputError):
    """A regime rule file does not validate."""


class BankError(InputError):
    """A test bank does not validate."""


class FormatError(InputError):
    """A media or document file cannot be read or written."""


class NotFoundError(GovloopError):
    """An identifier names nothing stored."""


class AuthenticationError(GovloopError):
    """The caller could not be identified: no credentials, or unknown or revoked ones."""


class RateLimitError(GovloopError):
    """The caller exceeded its quota; ``retry_after`` seconds until a request is allowed again.

    ``quota`` holds the limiter's state as name/value pairs (the gateway sends them as OpenAI's
    ``x-ratelimit-*`` headers), so the limiter needs no HTTP types to say where a caller stands.
    """

    def __init__(
        self,
        *args: object,
        retry_after: float = 1.0,
        quota: dict[str, str] | None = None,
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(*args, code=code, param=param)
        self.retry_after = retry_after
        self.quota = dict(quota or {})


class AccessError(GovloopError):
    """The caller's role, jurisdiction or ownership does not allow the operation."""


class StateError(GovloopError):
    """The current state of an object forbids the operation."""


class TransitionError(StateError):
    """A lifecycle transition that the state machine does not allow."""


class StoreError(GovloopError):
    """The database failed, or what it holds disagrees with itself."""


class KeyStoreError(GovloopError):
    """Signing keys are missing, unreadable or do not match."""


class VerificationError(GovloopError):
    """A proof, signature, checkpoint or label that does not verify."""


class ModelError(GovloopError):
    """A model adapter failed: an endpoint, a local model or a callable."""


class WatermarkError(GovloopError):
    """A watermark could not be embedded or detected."""


def missing_extra(module: str, extra: str) -> ConfigError:
    """Build the error raised when an optional dependency is absent.

    Heavy parts are extras imported lazily; the message tells the user what to install.
    """
    return ConfigError(
        f"optional dependency {module!r} is not installed; install it with "
        f"pip install 'govloop[{extra}]'"
    )
