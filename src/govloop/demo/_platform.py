"""The demo platform's accounts: one per stakeholder, so the web app can be tried at once.

The passwords are fixed and printed by ``govloop demo`` because a demo must be usable without
setup; they are demo passwords, and the docs and the output say never to use them elsewhere.
A real deployment creates accounts with ``govloop web user create``.
"""

from __future__ import annotations

from govloop.accounts import Accounts, Role
from govloop.config import Settings
from govloop.errors import NotFoundError
from govloop.registry import Registry
from govloop.store import Store

DEMO_ACCOUNTS: dict[str, tuple[Role, str, str]] = {
    "demo-provider": (Role.PROVIDER, "provider-demo-2026", "演示服务提供者 Demo provider"),
    "demo-regulator": (Role.REGULATOR, "regulator-demo-2026", "演示监管部门 Demo regulator"),
    "demo-platform": (Role.PLATFORM, "platform-demo-2026", "演示内容平台 Demo platform"),
    "demo-observer": (Role.OBSERVER, "observer-demo-2026", "演示观察员 Demo observer"),
}
"""User name -> (role, demo password, display name)."""


def seed_demo_platform(settings: Settings, store: Store) -> dict[str, tuple[str, str]]:
    """Create the demo accounts that do not exist yet; returns name -> (role, password).

    The provider account owns the demo filing's provider code (so its queue holds the demo
    complaint); the regulator's jurisdiction is CN.
    """
    try:
        provider = Registry(store).get("demo").provider_code
    except NotFoundError:
        provider = settings.provider_code
    accounts = Accounts(store)
    existing = {u.username for u in accounts.list_users()}
    for name, (role, password, display) in DEMO_ACCOUNTS.items():
        if name in existing:
            continue
        accounts.create_user(
            name,
            password,
            role,
            display_name=display,
            provider=provider if role is Role.PROVIDER else None,
            jurisdiction="CN" if role is Role.REGULATOR else None,
        )
    return {name: (role.value, pw) for name, (role, pw, _) in DEMO_ACCOUNTS.items()}
