"""The governed gateway: an OpenAI-compatible server that runs the loop at serving time.

Only models whose filing is approved are served; prompts and outputs pass the keyword filters;
every output is labeled (explicit and implicit), watermarked where the model runs locally, and
appended to the ledger before it is delivered. See ``docs/gateway.md``.

Build the app with :func:`create_app`; run it with :func:`serve` (uvicorn, several workers) or
``govloop gateway serve``; manage API keys with :class:`ApiKeys`.
"""

from govloop.gateway._accounts import ApiKey, ApiKeys, Principal, hash_token
from govloop.gateway._app import app_from_env, create_app
from govloop.gateway._config import (
    ConnectionLimits,
    GatewayConfig,
    LabelPolicy,
    ServedModel,
    UpstreamPolicy,
    ViolationPolicy,
    load_gateway_config,
)
from govloop.gateway._demo import DemoResult, demo_roundtrip
from govloop.gateway._errors import ApiError
from govloop.gateway._logs import Delivery, GatewayLog, ViolationOutcome, purge_logs
from govloop.gateway._mock_upstream import mock_upstream_app
from govloop.gateway._ports import (
    Filter,
    FilterVerdict,
    GatewayPorts,
    Labeler,
    OutputRecord,
    Recorder,
    ServingPolicy,
    Watermarker,
)
from govloop.gateway._server import free_port, serve, serve_in_thread

__all__ = [
    "ApiError",
    "ApiKey",
    "ApiKeys",
    "ConnectionLimits",
    "Delivery",
    "DemoResult",
    "Filter",
    "FilterVerdict",
    "GatewayConfig",
    "GatewayLog",
    "GatewayPorts",
    "LabelPolicy",
    "Labeler",
    "OutputRecord",
    "Principal",
    "Recorder",
    "ServedModel",
    "ServingPolicy",
    "UpstreamPolicy",
    "ViolationOutcome",
    "ViolationPolicy",
    "Watermarker",
    "app_from_env",
    "create_app",
    "demo_roundtrip",
    "free_port",
    "hash_token",
    "load_gateway_config",
    "mock_upstream_app",
    "purge_logs",
    "serve",
    "serve_in_thread",
]
