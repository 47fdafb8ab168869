"""The library objects a request works with, built once per app and kept on ``app.state``.

Routes never open stores or ledgers themselves: they ask for :class:`Services` through
:func:`govloop.web._deps.get_services`, so tests can build an app on their own store and every
face (CLI, demo, gateway, web) drives the same library objects.
"""

from __future__ import annotations

from dataclasses import dataclass

from govloop.accounts import Accounts
from govloop.classify import filing_classifier
from govloop.config import Settings
from govloop.feedback import Complaints
from govloop.keys import KeyStore
from govloop.ledger import Ledger
from govloop.registry import Registry
from govloop.store import Store


@dataclass(frozen=True)
class Services:
    """Everything a request handler may call: one instance per app."""

    settings: Settings
    """The deployment's settings."""
    store: Store
    """The project database."""
    keys: KeyStore
    """Signing keys (labels, ledger checkpoints)."""
    ledger: Ledger
    """The generation ledger."""
    registry: Registry
    """Filings, their lifecycle and audit trail."""
    accounts: Accounts
    """Web accounts, roles and API tokens."""
    complaints: Complaints
    """Complaints and reports from the public, and their handling."""

    @classmethod
    def build(cls, settings: Settings, store: Store) -> Services:
        """Wire the library objects for ``settings`` on an open ``store``."""
        keys = KeyStore.open(settings.keys_dir)
        ledger = Ledger.open(store, keys, settings)
        registry = Registry(store, classifier=filing_classifier())
        return cls(
            settings=settings,
            store=store,
            keys=keys,
            ledger=ledger,
            registry=registry,
            accounts=Accounts(store),
            complaints=Complaints(store, ledger=ledger, registry=registry),
        )
