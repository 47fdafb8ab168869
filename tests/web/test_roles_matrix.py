"""Every route of the app, with every role: who is refused, and a refusal changes nothing.

Routes are discovered from ``app.routes`` (the API's and the HTML pages'), so a new route is
covered without editing this file. Who may call a route is read from its dependencies: a
``require_role(...)`` dependency names the roles, ``require_user`` admits any account, none
means public. Each request carries a body that *would* change something if it were allowed, and
the database (every table, every row) and the ledger size are compared before and after each
refused request.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.routing import iter_route_contexts

from govloop.accounts import Role

pytestmark = pytest.mark.db

CALLERS = ("anonymous", "provider", "other_provider", "regulator", "platform", "observer")
ROLE_OF = {
    "provider": Role.PROVIDER,
    "other_provider": Role.PROVIDER,
    "regulator": Role.REGULATOR,
    "platform": Role.PLATFORM,
    "observer": Role.OBSERVER,
}
#: Bodies that would change state if the call were allowed.
BODIES: dict[str, Any] = {
    "/decision": {"decision": "suspend", "comment": "matrix"},
    "/transition": {"action": "triaged", "note": "matrix"},
    "/actions": {"action": "suspend", "note": "matrix"},
    "/me/tokens": {"name": "matrix"},
    "/auth/login": {"username": "nobody", "password": "wrong password here"},
}
IGNORED_COLUMNS = {"last_used_at"}  # a token's use is recorded even when the call is refused


def allowed_roles(route: Any) -> frozenset[Role] | None:
    """None: public; else the roles a route admits (all roles for require_user)."""
    found: set[Role] | None = None
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        name = getattr(dep.call, "__name__", "")
        if name == "require_user":
            found = set(Role) if found is None else found
        elif name.startswith("require_") and name != "require_user":
            roles = {Role(n) for n in name.removeprefix("require_").split("_") if n}
            found = roles if found is None or found == set(Role) else found & roles
        stack.extend(dep.dependencies)
    return None if found is None else frozenset(found)


def concrete_path(path: str, ids: dict[str, str]) -> str:
    def fill(m: re.Match[str]) -> str:
        return ids.get(m.group(1), "01JUNKNOWNVALUE0000000000")

    return re.sub(r"\{([a-z_]+)(?::[a-z]+)?\}", fill, path)


def snapshot(store) -> str:
    h = hashlib.sha256()
    insp = sa.inspect(store.engine)
    with store.engine.connect() as conn:
        for table in sorted(insp.get_table_names()):
            cols = [c["name"] for c in insp.get_columns(table) if c["name"] not in IGNORED_COLUMNS]
            quoted = ", ".join(f'"{c}"' for c in cols)
            rows = conn.exec_driver_sql(f'SELECT {quoted} FROM "{table}"').fetchall()
            h.update(table.encode())
            for row in sorted(repr(tuple(r)) for r in rows):
                h.update(row.encode())
    return h.hexdigest()


def routes(app) -> list[tuple[Any, str]]:
    """Every (route, method) the app answers, included routers flattened."""
    out = []
    for r in iter_route_contexts(app.routes):
        if getattr(r, "dependant", None) is None or not r.methods:
            continue  # Starlette mounts (static files) have no dependencies to read
        for m in sorted(r.methods - {"HEAD"}):
            out.append((r, m))
    return out


def test_the_matrix_covers_api_and_page_routes(web_app) -> None:
    paths = {r.path for r, _ in routes(web_app)}
    assert "/api/v1/review/filings/{filing_id}/decision" in paths
    assert len(paths) >= 18
    public = [r.path for r, _ in routes(web_app) if allowed_roles(r) is None]
    assert "/api/v1/filings" in public and "/api/v1/verify" in public
    assert allowed_roles(next(r for r, _ in routes(web_app) if r.path.endswith("/decision"))) == {
        Role.REGULATOR
    }


def _refused(status: int, headers: Any, api: bool) -> bool:
    if status in (401, 403, 404):
        return True
    return not api and status in (302, 303) and "login" in headers.get("location", "")


@pytest.mark.parametrize("caller", CALLERS)
async def test_every_route_refuses_the_wrong_callers_and_changes_nothing(
    caller, web_app, web_store, client, tokens, demo_data, users
) -> None:
    from govloop.keys import KeyStore  # noqa: F401 - the ledger size is in its table

    ids = {
        "filing_id": demo_data.filings["demo"],
        "token_id": "tok_000000000000",
        "receipt": "GL-0000000000",
        "complaint_id": "01JUNKNOWNVALUE0000000000",
        "user_id": users["observer"].id,
    }
    headers = {} if caller == "anonymous" else {"Authorization": f"Bearer {tokens[caller]}"}
    services = web_app.state.services
    seen = []
    for route, method in routes(web_app):
        api = route.path.startswith("/api/")
        allowed = allowed_roles(route)
        must_refuse = allowed is not None and (
            caller == "anonymous" or ROLE_OF[caller] not in allowed
        )
        path = concrete_path(route.path, ids)
        body = next((b for k, b in BODIES.items() if route.path.endswith(k)), None)
        h = dict(headers) if api else {**headers, "accept": "text/html"}
        before = (snapshot(web_store), services.ledger.size()) if must_refuse else None
        kw: dict[str, Any] = {"headers": h}
        if method in ("POST", "PUT", "PATCH") and body is not None:
            kw["json"] = body
        r = await client.request(method, path, **kw)
        assert r.status_code < 500, (method, path, caller, r.text)
        if must_refuse:
            assert _refused(r.status_code, r.headers, api), (method, path, caller, r.status_code)
            if api:
                expected = 401 if caller == "anonymous" else 403
                assert r.status_code == expected, (method, path, caller, r.text)
                assert r.headers["content-type"].startswith("application/problem+json")
            assert (snapshot(web_store), services.ledger.size()) == before, (method, path, caller)
        elif api and allowed is not None:
            assert r.status_code not in (401, 403), (method, path, caller, r.text)
        seen.append((method, route.path, r.status_code))
    assert len(seen) >= 20


@pytest.mark.parametrize("path", ["/api/v1/my/filings/{id}", "/api/v1/my/filings/{id}/assessments"])
async def test_another_providers_filing_is_404_and_changes_nothing(
    path, client, tokens, demo_data, web_store
) -> None:
    before = snapshot(web_store)
    url = path.format(id=demo_data.filings["demo"])
    r = await client.get(url, headers={"Authorization": f"Bearer {tokens['other_provider']}"})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert "demo" not in r.json()["detail"]
    assert snapshot(web_store) == before
