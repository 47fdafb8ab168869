"""Web fixtures: an app on a temporary home with demo data, users of every role, httpx clients.

The demo data (filings of two providers, two approved, ledger entries with a checkpoint, and
one account per role) is built once per test session into a template and copied for each test
(the SQLite file, or ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), so every test starts from
the same state in milliseconds. Stable names, used by the page and browser tests too:

- ``web_settings``: the test's :class:`~govloop.config.Settings`;
- ``web_store``: its open store; ``web_app``: the app on it;
- ``client``: an anonymous ``httpx.AsyncClient`` on the app (ASGITransport);
- ``login``: ``await login(client, role)`` signs the client in (session cookie) and returns
  the CSRF token, also set as the client's ``X-CSRF-Token`` header;
- ``users``: role name -> :class:`~govloop.accounts.User`; ``passwords``: role name -> password;
- ``tokens``: role name -> API token text.

Role names: ``provider``, ``other_provider``, ``regulator``, ``platform``, ``observer``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from govloop.accounts import Accounts, Hasher, Role, User
from govloop.config import DEMO_PROVIDER_CODE, Settings
from govloop.store import Store

PG_URL = os.environ.get("GOVLOOP_TEST_DATABASE_URL", "")

OTHER_PROVIDER_CODE = "001191440101MA9UP6Y1JK1CV01"
"""The provider of the example CV screener: another organisation than the demo provider."""

ROLE_ACCOUNTS: dict[str, tuple[Role, dict[str, str]]] = {
    "provider": (Role.PROVIDER, {"provider": DEMO_PROVIDER_CODE}),
    "other_provider": (Role.PROVIDER, {"provider": OTHER_PROVIDER_CODE}),
    "regulator": (Role.REGULATOR, {"jurisdiction": "CN"}),
    "platform": (Role.PLATFORM, {}),
    "observer": (Role.OBSERVER, {}),
}
ROLES = tuple(ROLE_ACCOUNTS)
PASSWORDS = {name: f"correct horse {i} battery staple" for i, name in enumerate(ROLES)}
FAST_HASHER = Hasher(PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))
"""Cheap argon2 parameters for test accounts (the app verifies any parameters)."""


@dataclass
class DemoData:
    """What the template holds, for assertions."""

    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    filings: dict[str, str] = field(default_factory=dict)
    """Model name -> filing id."""
    produce_ids: list[str] = field(default_factory=list)
    texts: dict[str, bytes] = field(default_factory=dict)
    """ProduceID -> the labeled text recorded under it."""


def seed_web_data(settings: Settings, store: Store) -> DemoData:
    """Filings, approvals, ledger entries and one account per role."""
    from govloop.classify import filing_classifier
    from govloop.keys import KeyStore
    from govloop.label import label_bytes
    from govloop.ledger import Ledger, record_output
    from govloop.registry import Registry, example_filings, load_filing

    data = DemoData()
    registry = Registry(store, classifier=filing_classifier())
    for path in example_filings():
        filing = registry.register(load_filing(path), actor="test")
        data.filings[filing.model_name] = filing.id
    for name in ("demo", "example-cv-screener"):
        fid = data.filings[name]
        registry.transition(fid, "submitted", actor="test", reason="ready")
        registry.transition(fid, "assessing", actor="test", reason="assess")
        registry.attach_assessment(
            fid,
            run_id=f"run-{name}",
            report_sha256="ab" * 32,
            passed=True,
            reasons=[],
            actor="test",
        )
        registry.transition(fid, "approved", actor="test", reason="passed")
    keys = KeyStore.open(settings.keys_dir)
    ledger = Ledger.open(store, keys, settings)
    demo = registry.get("demo")
    for i, text in enumerate(
        (
            "春天的城市里，花开满街，人们在公园散步。" * 3,
            "The autumn harvest filled the valley. " * 4,
        )
    ):
        labeled, outcome = label_bytes(
            text.encode("utf-8"),
            filename=f"answer-{i}.txt",
            producer_code=demo.provider_code,
            signer=keys.active("label"),
        )
        result = record_output(
            ledger,
            labeled,
            media_type="text",
            model="demo",
            provider_code=demo.provider_code,
            filing_id=demo.id,
            model_version=demo.serving_version,
            requester="someone",
            label=outcome.label,
        )
        data.produce_ids.append(result.produce_id)
        data.texts[result.produce_id] = labeled
    ledger.checkpoint()
    accounts = Accounts(store, hasher=FAST_HASHER)
    for name, (role, extra) in ROLE_ACCOUNTS.items():
        user = accounts.create_user(
            name.replace("_", "-"), PASSWORDS[name], role, display_name=f"Test {name}", **extra
        )
        data.users[name] = user
        data.tokens[name], _ = accounts.issue_token(user.id, "tests")
    return data


@dataclass
class _Template:
    home: Path
    url: str
    data: DemoData


@pytest.fixture(scope="session")
def _web_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Template]:
    home = tmp_path_factory.mktemp("web-template")
    if PG_URL:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"tpl_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{home / 'govloop.db'}"
    settings = Settings(home=home, database_url=url)
    store = Store.open(url)
    try:
        data = seed_web_data(settings, store)
    finally:
        store.close()
    yield _Template(home, url, data)
    if PG_URL:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def web_settings(
    _web_template: _Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """Settings on a fresh copy of the demo home (and database)."""
    home = tmp_path / "govloop-home"
    shutil.copytree(_web_template.home, home)
    for key in list(os.environ):
        if key.startswith("GOVLOOP_") and key != "GOVLOOP_TEST_DATABASE_URL":
            monkeypatch.delenv(key)
    monkeypatch.setenv("GOVLOOP_HOME", str(home))
    if not PG_URL:
        url = f"sqlite:///{home / 'govloop.db'}"
        monkeypatch.setenv("GOVLOOP_DATABASE_URL", url)
        yield Settings(home=home, database_url=url)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:16]}"
    template = make_url(_web_template.url).database
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    monkeypatch.setenv("GOVLOOP_DATABASE_URL", url)
    try:
        yield Settings(home=home, database_url=url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def demo_data(_web_template: _Template) -> DemoData:
    """Ids, tokens and contents of the demo data."""
    return _web_template.data


@pytest.fixture
def web_store(web_settings: Settings) -> Iterator[Store]:
    """The test's store (already migrated by the template)."""
    store = Store.open(web_settings.db_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def web_app(web_settings: Settings, web_store: Store) -> Any:
    """The web app on the test's store."""
    from govloop.web import create_app

    return create_app(web_settings, store=web_store)


def make_client(app: Any, **kw: Any) -> httpx.AsyncClient:
    """An httpx client on ``app`` (no network)."""
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", **kw)


@pytest.fixture
async def client(web_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An anonymous client."""
    async with make_client(web_app) as c:
        yield c


@pytest.fixture
def users(demo_data: DemoData) -> dict[str, User]:
    """Role name -> account."""
    return demo_data.users


@pytest.fixture
def passwords() -> dict[str, str]:
    """Role name -> password."""
    return dict(PASSWORDS)


@pytest.fixture
def tokens(demo_data: DemoData) -> dict[str, str]:
    """Role name -> API token."""
    return demo_data.tokens


Login = Callable[[httpx.AsyncClient, str], Awaitable[str]]


@pytest.fixture
def login() -> Login:
    """``await login(client, role)``: sign in with the role's password; returns the CSRF token."""

    async def do(c: httpx.AsyncClient, role: str) -> str:
        r = await c.post(
            "/api/v1/auth/login",
            json={"username": role.replace("_", "-"), "password": PASSWORDS[role]},
        )
        assert r.status_code == 200, r.text
        token: str = r.json()["csrf_token"]
        c.headers["X-CSRF-Token"] = token
        return token

    return do
