"""Plugin doors: one typed registry for label formats, judges, models, evidence and watermarks.

``PLUGINS`` holds one :class:`Registry` per kind (:data:`KINDS`). Each maps a name to a factory
with a typed (pydantic) parameter model; a run config stores ``(kind, name, params)`` and
:meth:`PluginRegistry.create` rebuilds the object from it. Installed packages add entries through
the entry-point group ``govloop.plugins`` (see docs/plugins.md); they are loaded lazily on the
first lookup, once, and one that fails is reported by name and skipped.

The owning packages register their built-ins and keep their own thin functions
(:func:`govloop.label.register_format`, :func:`govloop.models.register_text_adapter`, ...).
"""

from govloop.plugins._load import (
    ENTRY_POINT_GROUP,
    LoadedPlugin,
    PluginFailure,
    load_entry_point,
    load_installed,
    loaded_plugins,
    plugin_failures,
)
from govloop.plugins._registry import (
    BUILTIN,
    KINDS,
    Entry,
    NoParams,
    PluginError,
    PluginRegistry,
    PluginSpec,
    PluginWarning,
    Registry,
    UnknownNameError,
)

#: The process-wide registry every package registers into.
PLUGINS = PluginRegistry()
PLUGINS.set_plugin_loader(load_installed)


def create(kind: str, name: str, params: dict[str, object] | None = None) -> object:
    """Rebuild an object of ``kind`` from a stored name and parameters (``PLUGINS.create``)."""
    return PLUGINS.create(kind, name, params)


__all__ = [
    "BUILTIN",
    "ENTRY_POINT_GROUP",
    "Entry",
    "KINDS",
    "LoadedPlugin",
    "NoParams",
    "PLUGINS",
    "PluginError",
    "PluginFailure",
    "PluginRegistry",
    "PluginSpec",
    "PluginWarning",
    "Registry",
    "UnknownNameError",
    "create",
    "load_entry_point",
    "load_installed",
    "loaded_plugins",
    "plugin_failures",
]
