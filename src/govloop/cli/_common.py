"""What every command group shares: the state object, settings, store, keys and output helpers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from govloop.config import Settings
    from govloop.keys import KeyStore
    from govloop.store import Store


@dataclass
class AppState:
    """Per-invocation state kept on the Click context; built by the root callback."""

    config_file: Path | None = None
    verbose: bool = False
    console: Console = field(default_factory=Console)
    err_console: Console = field(default_factory=lambda: Console(stderr=True))
    _settings: Settings | None = None
    _store: Store | None = None

    @property
    def settings(self) -> Settings:
        """Settings, loaded on first use (so ``--help`` never touches the disk)."""
        if self._settings is None:
            from govloop.config import load_settings

            self._settings = load_settings(self.config_file)
        return self._settings

    @property
    def store(self) -> Store:
        """The project database, opened and migrated on first use."""
        if self._store is None:
            from govloop.store import Store

            self._store = Store.open(self.settings.db_url)
        return self._store

    @property
    def keys(self) -> KeyStore:
        """The key store in the data directory."""
        from govloop.keys import KeyStore

        return KeyStore.open(self.settings.keys_dir)

    def close(self) -> None:
        """Release the database connection, if one was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None


def state(ctx: typer.Context) -> AppState:
    """The :class:`AppState` of this invocation (a fresh one when called outside the app)."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj


def print_json(ctx: typer.Context, data: Any) -> None:
    """Write ``data`` as JSON on stdout, unstyled, UTF-8 kept readable."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    del ctx


def read_text_file(path: Path, what: str) -> str:
    """A UTF-8 text file a command was given; :class:`InputError` naming it otherwise."""
    from govloop.errors import InputError

    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: {what} is not UTF-8 text") from exc
