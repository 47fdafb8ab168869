"""One typed registry for every plugin door: a kind maps names to factories with typed parameters.

Why one: label formats, judges, text and image models, evidence sources and watermark schemes used
to keep six registries of six shapes. Here each kind is a :class:`Registry` of :class:`Entry`
records (name, factory, parameter model, origin). A run config stores only ``(kind, name,
params)`` as JSON (:class:`PluginSpec`); :meth:`PluginRegistry.create` rebuilds the object from
that on any machine that has the same plugins installed, which is what a remote worker needs.

This module sits below the packages that own each kind: it imports nothing of govloop but the
error tree, so label, assess, models, trace and watermark can all register here without import
cycles. Built-ins are registered lazily by their owning package (:meth:`Registry.set_builtins`);
installed plugins are loaded once, on the first lookup of any kind (``govloop.plugins._load``).
"""

from __future__ import annotations

import contextvars
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from govloop.errors import ConfigError, InputError

T = TypeVar("T")

#: The kinds, in the order ``govloop plugins list`` shows them.
KINDS: tuple[str, ...] = (
    "label_format",
    "judge",
    "text_model",
    "image_model",
    "speech_model",
    "evidence_source",
    "watermark_scheme",
)
_LABELS = {
    "label_format": "label format",
    "judge": "judge",
    "text_model": "text model adapter",
    "image_model": "image model adapter",
    "speech_model": "speech model adapter",
    "evidence_source": "evidence source",
    "watermark_scheme": "watermark scheme",
}
#: Origin recorded for govloop's own entries.
BUILTIN = "govloop (built in)"


class PluginError(ConfigError):
    """A plugin could not be loaded or registered something invalid."""


class PluginWarning(UserWarning):
    """A plugin failed to load or clashed with a built-in; govloop goes on without it."""


class UnknownNameError(InputError):
    """A name that no entry of the kind carries (the message lists the known names)."""


class NoParams(BaseModel):
    """Parameters of a factory that takes none (unknown keys refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered name of one kind."""

    kind: str
    """The kind, one of :data:`KINDS`."""
    name: str
    """The name stored in run configs."""
    factory: Callable[..., T]
    """``factory()`` when ``params`` is :class:`NoParams`, else ``factory(params_instance)``."""
    params: type[BaseModel]
    """Pydantic model validating the parameters (stored as JSON in run configs)."""
    origin: str
    """Where it came from: :data:`BUILTIN`, ``plugin NAME (dist VERSION)`` or a module name."""
    first: bool = False
    """Label formats: matched before the built-ins."""
    builtin: bool = False
    """Registered by govloop itself."""


@dataclass(frozen=True)
class PluginSpec:
    """What a run config stores to rebuild one object: kind, name and JSON parameters."""

    kind: str
    name: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """As stored."""
        return {"kind": self.kind, "name": self.name, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PluginSpec:
        """From what :meth:`to_json` stored; InputError naming the field when malformed."""
        kind, name, params = data.get("kind"), data.get("name"), data.get("params", {})
        if not isinstance(kind, str) or kind not in KINDS:
            raise InputError(f"plugin spec: field 'kind' must be one of {', '.join(KINDS)}")
        if not isinstance(name, str) or not name:
            raise InputError("plugin spec: field 'name' must be a non-empty string")
        if not isinstance(params, dict):
            raise InputError(f"plugin spec {kind} {name!r}: field 'params' must be an object")
        return cls(kind, name, dict(params))


#: Origin of registrations made while a plugin's ``register`` runs (set by the loader).
_ORIGIN: contextvars.ContextVar[str | None] = contextvars.ContextVar("govloop_plugin", default=None)


def _origin_of(factory: Callable[..., object], builtin: bool) -> str:
    if builtin:
        return BUILTIN
    loading = _ORIGIN.get()
    if loading is not None:
        return loading
    module = getattr(factory, "__module__", None) or type(factory).__module__
    return BUILTIN if module.startswith("govloop.") else str(module)


class Registry(Generic[T]):
    """The names of one kind, each mapped to a factory with typed parameters."""

    def __init__(self, kind: str, owner: PluginRegistry) -> None:
        self.kind = kind
        self.label = _LABELS.get(kind, kind)
        self._owner = owner
        self._entries: dict[str, Entry[T]] = {}
        self._builtins: Callable[[], None] | None = None
        self._builtins_done = False
        self._pending: list[Entry[T]] = []
        self._expect: Callable[[object], bool] | None = None
        self._instances: dict[str, T] = {}
        self._lock = threading.RLock()
        self._generation = 0
        """Bumped on every change to the entries, so callers may cache what they derive."""

    # ------------------------------------------------------------------ set-up by the owner
    def set_builtins(self, loader: Callable[[], None], *, expect: type | None = None) -> None:
        """The owning package's loader of built-ins (run lazily, before anything else is seen).

        ``expect`` is a runtime-checkable protocol each created object must satisfy, so a plugin
        factory returning the wrong thing fails clearly at :meth:`create`.
        """
        self._builtins = loader
        if expect is not None:
            self._expect = lambda obj: isinstance(obj, expect)

    def _ensure_builtins(self) -> None:
        with self._lock:
            if self._builtins_done or self._builtins is None:
                return
            self._builtins_done = True
            self._builtins()
            pending, self._pending = self._pending, []
            for entry in pending:
                try:
                    self._add(entry, replace=False)
                except PluginError as exc:  # a lookup must not fail for a plugin's clash
                    warnings.warn(f"{exc}; skipped", PluginWarning, stacklevel=3)

    # ------------------------------------------------------------------ registration
    def register(
        self,
        name: str,
        factory: Callable[..., T],
        *,
        params: type[BaseModel] = NoParams,
        first: bool = False,
        replace: bool = False,
        builtin: bool = False,
        origin: str | None = None,
    ) -> Callable[..., T]:
        """Add ``name``; a taken name is an error unless ``replace`` (returns ``factory``)."""
        if not isinstance(name, str) or not name or any(c.isspace() for c in name):
            raise PluginError(f"{self.label} name {name!r} must be a non-empty word")
        if not callable(factory):
            raise PluginError(f"{self.label} {name!r}: factory {factory!r} is not callable")
        if not (isinstance(params, type) and issubclass(params, BaseModel)):
            raise PluginError(f"{self.label} {name!r}: params must be a pydantic model class")
        entry = Entry(
            self.kind,
            name,
            factory,
            params,
            origin or _origin_of(factory, builtin),
            first=first,
            builtin=builtin,
        )
        with self._lock:
            if not builtin and self._builtins is None and not self._builtins_done:
                # owning package not imported yet: keep it until its built-ins are in
                self._pending.append(entry)
                self._generation += 1
                return factory
            if not builtin:
                self._ensure_builtins()
            self._add(entry, replace=replace)
        return factory

    def _add(self, entry: Entry[T], *, replace: bool) -> None:
        old = self._entries.get(entry.name)
        if old is not None and not replace:
            raise PluginError(
                f"{self.label} {entry.name!r} from {entry.origin} is already registered by "
                f"{old.origin} (pass replace=True to override it)"
            )
        if old is not None:
            del self._entries[entry.name]
        self._entries[entry.name] = entry
        self._instances.pop(entry.name, None)
        self._generation += 1

    def unregister(self, name: str) -> None:
        """Remove ``name`` (tests and plugin reloads); unknown names are ignored."""
        with self._lock:
            self._entries.pop(name, None)
            self._instances.pop(name, None)
            self._pending = [e for e in self._pending if e.name != name]
            self._generation += 1

    def peek(self, name: str) -> Entry[T] | None:
        """The entry of ``name`` as registered so far (loads nothing: for built-in loaders)."""
        with self._lock:
            return self._entries.get(name)

    # ------------------------------------------------------------------ lookup
    def _ready(self) -> None:
        self._ensure_builtins()
        self._owner.load_plugins()

    def _visible(self) -> dict[str, Entry[T]]:
        with self._lock:
            seen = dict(self._entries)
            for entry in self._pending:  # owner not imported: still show what plugins added
                seen.setdefault(entry.name, entry)
            return seen

    def entries(self) -> list[Entry[T]]:
        """Every entry in lookup order: ``first`` ones (newest first), then the rest in order."""
        self._ready()
        items = list(self._visible().values())
        head = [e for e in reversed(items) if e.first]
        return head + [e for e in items if not e.first]

    def generation(self) -> int:
        """A number that changes whenever an entry is added, replaced or removed.

        Lookups on hot paths (the gateway sniffs a label format for every answer) cache what they
        build from :meth:`entries` and rebuild only when this number moves.
        """
        if not (self._builtins_done and self._owner.plugins_loaded):
            self._ready()
        return self._generation

    def names(self) -> list[str]:
        """Every name, in lookup order."""
        return [e.name for e in self.entries()]

    def __contains__(self, name: object) -> bool:
        self._ready()
        return name in self._visible()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def get(self, name: str) -> Entry[T]:
        """The entry of ``name``; :class:`UnknownNameError` listing the known names."""
        self._ready()
        entry = self._visible().get(name)
        if entry is None:
            known = ", ".join(self.names()) or "(none)"
            raise UnknownNameError(
                f"unknown {self.label} {name!r}: known {self.kind} names: {known}"
            )
        return entry

    def validate(self, name: str, params: Mapping[str, Any] | BaseModel | None = None) -> BaseModel:
        """The typed parameters of ``name``; InputError naming the field when they are wrong."""
        entry = self.get(name)
        if isinstance(params, entry.params):
            return params
        raw = params.model_dump() if isinstance(params, BaseModel) else dict(params or {})
        try:
            return entry.params.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(params)'}: {err['msg']}"
                for err in exc.errors()
            )
            raise InputError(f"{self.label} {name!r} parameters: {problems}") from exc

    def create(self, name: str, params: Mapping[str, Any] | BaseModel | None = None) -> T:
        """Build the object ``name`` names from its parameters (as stored in a run config)."""
        entry = self.get(name)
        typed = self.validate(name, params)
        try:
            obj = entry.factory() if entry.params is NoParams else entry.factory(typed)
        except (InputError, ConfigError):
            raise
        except Exception as exc:
            if entry.builtin:
                raise
            raise PluginError(
                f"{self.label} {name!r} from {entry.origin} failed to build: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if self._expect is not None and not self._expect(obj):
            raise PluginError(
                f"{self.label} {name!r} from {entry.origin} built a {type(obj).__name__}, "
                f"which is not a {self.label} (see docs/plugins.md)"
            )
        return obj

    def instance(self, name: str) -> T:
        """The one parameterless object of ``name`` (label formats: built once, reused)."""
        with self._lock:
            found = self._instances.get(name)
            if found is None:
                found = self.create(name)
                self._instances[name] = found
            return found

    def spec(self, name: str, params: Mapping[str, Any] | BaseModel | None = None) -> PluginSpec:
        """The JSON record to store for ``name`` with ``params`` (validated now, not later)."""
        typed = self.validate(name, params)
        return PluginSpec(self.kind, name, typed.model_dump(mode="json"))


class PluginRegistry:
    """All kinds together: what a plugin's ``register(registry)`` receives."""

    def __init__(self) -> None:
        self.label_format: Registry[Any] = Registry("label_format", self)
        self.judge: Registry[Any] = Registry("judge", self)
        self.text_model: Registry[Any] = Registry("text_model", self)
        self.image_model: Registry[Any] = Registry("image_model", self)
        self.speech_model: Registry[Any] = Registry("speech_model", self)
        self.evidence_source: Registry[Any] = Registry("evidence_source", self)
        self.watermark_scheme: Registry[Any] = Registry("watermark_scheme", self)
        self._plugins_loaded = False
        self._plugin_loader: Callable[[PluginRegistry], None] | None = None
        self._lock = threading.RLock()

    def kind(self, kind: str) -> Registry[Any]:
        """The registry of ``kind``; UnknownNameError listing the kinds."""
        if kind not in KINDS:
            raise UnknownNameError(f"unknown plugin kind {kind!r}: known kinds: {', '.join(KINDS)}")
        registry: Registry[Any] = getattr(self, kind)
        return registry

    def create(self, kind: str, name: str, params: Mapping[str, Any] | None = None) -> Any:
        """Rebuild an object from the kind, name and parameters a run config stored."""
        return self.kind(kind).create(name, params)

    def create_from(self, spec: PluginSpec | Mapping[str, Any]) -> Any:
        """:meth:`create` from a stored :class:`PluginSpec` (or its JSON)."""
        s = spec if isinstance(spec, PluginSpec) else PluginSpec.from_json(spec)
        return self.create(s.kind, s.name, s.params)

    def set_plugin_loader(self, loader: Callable[[PluginRegistry], None]) -> None:
        """How installed plugins are found (the entry-point loader; tests swap it)."""
        with self._lock:
            self._plugin_loader = loader

    @property
    def plugins_loaded(self) -> bool:
        """Whether installed plugins were loaded (lookups then need no lock)."""
        return self._plugins_loaded

    def load_plugins(self, *, reload: bool = False) -> None:
        """Load installed plugins once (``reload`` runs the loader again)."""
        with self._lock:
            if self._plugins_loaded and not reload:
                return
            self._plugins_loaded = True  # before running: a plugin's own lookups must not recurse
            loader = self._plugin_loader
        if loader is not None:
            loader(self)

    def origin(self, name: str) -> contextvars.Token[str | None]:
        """Mark registrations from now on as coming from ``name`` (reset with the token)."""
        return _ORIGIN.set(name)

    def end_origin(self, token: contextvars.Token[str | None]) -> None:
        """Undo :meth:`origin`."""
        _ORIGIN.reset(token)
