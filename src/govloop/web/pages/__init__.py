"""The HTML pages of the platform: server-rendered, in Chinese and English, usable without JS.

One :data:`router` (the app factory includes it) gathers a router per audience: the public
(registry, verify, complaints), sign-in, providers' and regulators' work, platforms' tools and
the statistics dashboards; the style sheet is served from ``/static``. :func:`error_page` is the
HTML face of the app's problem documents.
"""

from fastapi import APIRouter, Depends

from govloop.web._deps import current_user
from govloop.web.pages import account, complaints, platform, public, stats, work
from govloop.web.pages._render import error_page

router = APIRouter(include_in_schema=False, dependencies=[Depends(current_user)])
for _module in (public, complaints, account, work, platform, stats):
    router.include_router(_module.router)

__all__ = ["error_page", "router"]
