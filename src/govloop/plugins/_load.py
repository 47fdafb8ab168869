"""Installed plugins: the ``govloop.plugins`` entry-point group, loaded lazily, once.

Each entry point names either a callable ``register(registry)`` (it receives the
:class:`~govloop.plugins.PluginRegistry`) or a module (importing it registers, e.g. through
``register_format`` or ``register_text_adapter``). A plugin that fails to import or to register
gives one warning naming the plugin and the error, and govloop carries on without it: a broken
third-party package must not take the CLI, the gateway or a worker down. The failures are kept
(:func:`plugin_failures`) so ``govloop plugins list`` can show them.
"""

from __future__ import annotations

import types
import warnings
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from govloop.plugins._registry import PluginRegistry, PluginWarning

#: The entry-point group plugins declare in their pyproject.toml.
ENTRY_POINT_GROUP = "govloop.plugins"


@dataclass(frozen=True)
class PluginFailure:
    """One plugin that could not be loaded."""

    name: str
    """Entry-point name."""
    value: str
    """What the entry point points at (``module:attr``)."""
    error: str
    """Why it failed (exception type and message)."""


@dataclass(frozen=True)
class LoadedPlugin:
    """One plugin that loaded."""

    name: str
    """Entry-point name."""
    value: str
    """``module:attr``."""
    origin: str
    """The origin its entries carry: ``plugin NAME (DIST VERSION)``."""


_FAILURES: list[PluginFailure] = []
_LOADED: list[LoadedPlugin] = []


def _origin(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    if dist is not None:
        return f"plugin {ep.name} ({dist.metadata['Name']} {dist.version})"
    return f"plugin {ep.name}"


def load_entry_point(registry: PluginRegistry, ep: EntryPoint) -> bool:
    """Load one plugin; on failure warn (naming it) and return False."""
    origin = _origin(ep)
    token = registry.origin(origin)
    try:
        target = ep.load()
        if callable(target) and not isinstance(target, types.ModuleType):
            target(registry)
        elif not isinstance(target, types.ModuleType):
            raise TypeError(f"{ep.value} is neither a module nor a register(registry) callable")
    except Exception as exc:  # a third-party plugin may raise anything; report it, go on
        failure = PluginFailure(ep.name, ep.value, f"{type(exc).__name__}: {exc}")
        _FAILURES.append(failure)
        warnings.warn(
            f"govloop plugin {ep.name!r} ({ep.value}) failed to load and is skipped: "
            f"{failure.error}",
            PluginWarning,
            stacklevel=2,
        )
        return False
    finally:
        registry.end_origin(token)
    _LOADED.append(LoadedPlugin(ep.name, ep.value, origin))
    return True


def load_installed(registry: PluginRegistry) -> None:
    """Load every entry point of :data:`ENTRY_POINT_GROUP`, each on its own."""
    _FAILURES.clear()
    _LOADED.clear()
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        load_entry_point(registry, ep)


def plugin_failures() -> list[PluginFailure]:
    """Plugins that failed at the last load."""
    return list(_FAILURES)


def loaded_plugins() -> list[LoadedPlugin]:
    """Plugins that loaded at the last load."""
    return list(_LOADED)
