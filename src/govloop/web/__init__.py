"""The stakeholder platform: a web app and REST API on the same library as the CLI and gateway.

Build the app with :func:`create_app` (``govloop web serve`` runs it with uvicorn). The REST API
lives under ``/api/v1`` (routers in :mod:`govloop.web.api`); HTML pages are in
:mod:`govloop.web.pages`. Authentication, CSRF, body limits and problem documents are shared by
both through the dependencies in :mod:`govloop.web._deps`. See ``docs/web.md``.
"""

from govloop.web._app import create_app
from govloop.web._limits import WebLimits
from govloop.web._services import Services

__all__ = ["Services", "WebLimits", "create_app"]
