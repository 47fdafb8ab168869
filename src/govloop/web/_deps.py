"""FastAPI dependencies shared by the API routers and the HTML pages.

Authorization is declared, never pasted into route bodies: a route that needs a role depends on
:func:`require_role`, which answers 401 for an anonymous caller and 403 for a wrong role before
the route runs, so a refused request cannot change anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, Request

from govloop.accounts import Role, User
from govloop.web._auth import authenticate
from govloop.web._csrf import csrf_token, verify_csrf
from govloop.web._problems import ProblemError
from govloop.web._services import Services

__all__ = [
    "csrf_token",
    "current_user",
    "get_services",
    "require_role",
    "require_user",
    "verify_csrf",
]

_USER = "govloop_user"


def get_services(request: Request) -> Services:
    """The app's :class:`Services` (built once, in the app's lifespan)."""
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None:
        raise ProblemError(503, "the web app is starting; try again in a moment")
    return services


async def current_user(request: Request) -> User | None:
    """The signed-in account (session cookie or bearer token), None when anonymous."""
    state = request.scope.setdefault("state", {})
    if _USER not in state:
        state[_USER] = authenticate(get_services(request), request)
    user: User | None = state[_USER]
    return user


async def require_user(user: User | None = Depends(current_user)) -> User:  # noqa: B008
    """Any signed-in account (401 when anonymous)."""
    if user is None:
        raise ProblemError(
            401,
            "sign in or send an API token (Authorization: Bearer ...)",
            headers={"WWW-Authenticate": 'Bearer realm="govloop"'},
        )
    return user


def require_role(*roles: Role) -> Callable[..., Awaitable[User]]:
    """A dependency admitting only accounts with one of ``roles`` (401 anonymous, 403 others)."""
    allowed = frozenset(roles)
    names = ", ".join(sorted(r.value for r in allowed))

    async def dependency(user: User = Depends(require_user)) -> User:  # noqa: B008
        if user.role not in allowed:
            raise ProblemError(
                403, f"this needs the role {names}; you are signed in as {user.role.value}"
            )
        return user

    dependency.__name__ = f"require_{'_'.join(sorted(r.value for r in allowed))}"
    return dependency
