"""Sign-in, sign-out, the caller's account and its API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from govloop.accounts import TokenInfo, User
from govloop.errors import AccessError
from govloop.web._auth import end_session, start_session
from govloop.web._deps import get_services, require_user
from govloop.web._problems import ProblemError
from govloop.web._services import Services
from govloop.web.api._common import JsonRoute
from govloop.web.api._schemas import LoginIn, LoginOut, NewTokenOut, TokenIn, TokenOut, UserOut

router = APIRouter(tags=["accounts"], route_class=JsonRoute)


def user_out(user: User) -> UserOut:
    """The API view of an account."""
    return UserOut(
        id=user.id,
        username=user.username,
        role=user.role.value,
        display_name=user.display_name,
        provider=user.provider,
        jurisdiction=user.jurisdiction,
    )


def _token_out(info: TokenInfo) -> TokenOut:
    return TokenOut(
        id=info.id,
        name=info.name,
        created_at=info.created_at,
        last_used_at=info.last_used_at,
        revoked_at=info.revoked_at,
    )


@router.post("/auth/login", summary="Sign in with a password (sets the session cookie)")
async def login(
    body: LoginIn,
    request: Request,
    response: Response,
    services: Services = Depends(get_services),  # noqa: B008
) -> LoginOut:
    """Check the password (argon2id) and start a session; 401 for wrong credentials."""
    try:
        user = await run_in_threadpool(services.accounts.authenticate, body.username, body.password)
    except AccessError as exc:
        raise ProblemError(401, exc.diagnostics(), code="bad_credentials") from exc
    csrf = start_session(request, response, user)
    return LoginOut(user=user_out(user), csrf_token=csrf)


@router.post("/auth/logout", status_code=204, summary="Sign out (clears the session cookie)")
async def logout(request: Request, response: Response) -> Response:
    """End the session; harmless when not signed in."""
    end_session(request, response)
    response.status_code = 204
    return response


@router.get("/me", summary="The signed-in account")
async def me(user: User = Depends(require_user)) -> UserOut:  # noqa: B008
    """Who the session or token belongs to."""
    return user_out(user)


@router.get("/me/tokens", summary="The caller's API tokens")
def list_tokens(
    user: User = Depends(require_user),  # noqa: B008
    services: Services = Depends(get_services),  # noqa: B008
) -> list[TokenOut]:
    """Every token of the account, revoked ones included (never the token text)."""
    return [_token_out(t) for t in services.accounts.list_tokens(user.id)]


@router.post("/me/tokens", status_code=201, summary="Issue an API token")
def create_token(
    body: TokenIn,
    user: User = Depends(require_user),  # noqa: B008
    services: Services = Depends(get_services),  # noqa: B008
) -> NewTokenOut:
    """A new token for machine clients; the text is in this answer only."""
    text, info = services.accounts.issue_token(user.id, body.name)
    return NewTokenOut(token=text, **_token_out(info).model_dump())


@router.delete("/me/tokens/{token_id}", status_code=204, summary="Revoke one of your tokens")
def revoke_token(
    token_id: str,
    user: User = Depends(require_user),  # noqa: B008
    services: Services = Depends(get_services),  # noqa: B008
) -> Response:
    """Revoke a token of the caller's own account (404 for anyone else's)."""
    try:
        info = services.accounts.token_info(token_id)
    except Exception as exc:
        raise ProblemError(404, f"no API token {token_id!r} on your account") from exc
    if info.user_id != user.id:
        raise ProblemError(404, f"no API token {token_id!r} on your account")
    services.accounts.revoke_token(token_id)
    return Response(status_code=204)
