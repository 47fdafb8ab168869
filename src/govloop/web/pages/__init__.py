"""The HTML pages of the platform: server-rendered, in Chinese and English, usable without JS.

One :data:`router` (the app factory includes it) gathers a router per audience: the public
(registry, verify, complaints), sign-in, providers' and regulators' work, platforms' tools and
the statistics dashboards; the style sheet is served from ``/static``. :func:`error_page` is the
HTML face of the app's problem documents.
"""

from fastapi import APIRouter, Depends

from govloop.web._deps import current_user
from govloop.web.pages._render import error_page
from govloop.web.pages.account import router as _account
from govloop.web.pages.complaints import router as _complaints
from govloop.web.pages.platform import router as _platform
from govloop.web.pages.public import router as _public
from govloop.web.pages.stats import router as _stats
from govloop.web.pages.work import router as _work

router = APIRouter(include_in_schema=False, dependencies=[Depends(current_user)])
for _part in (_public, _complaints, _account, _work, _platform, _stats):
    router.include_router(_part)

__all__ = ["error_page", "router"]
