"""HTTP face of the witness: c2sp.org/tlog-witness ``POST /add-checkpoint`` over ASGI.

``create_app(witness)`` builds the Starlette app; ``serve`` runs it with uvicorn
(``govloop ledger witness serve``); ``demo_witnesses(home)`` is the
demo's witness scene.
"""

from govloop.witness_http._app import create_app, serve
from govloop.witness_http._demo import demo_witnesses

__all__ = ["create_app", "demo_witnesses", "serve"]
