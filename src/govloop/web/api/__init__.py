"""The REST API under ``/api/v1``: one router per resource, mounted by the app factory."""

from fastapi import APIRouter

from govloop.web.api import auth, filings, observer, platform, review, verify

api_router = APIRouter()
for _module in (auth, filings, verify, review, platform, observer):
    api_router.include_router(_module.router)

try:  # TEMPORARY until govloop.feedback lands
    from govloop.web.api import complaints

    api_router.include_router(complaints.router)
except ImportError:
    pass

__all__ = ["api_router"]
