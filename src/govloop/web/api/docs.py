"""``/api/v1/docs``: the API reference as one plain HTML page rendered from the OpenAPI document.

FastAPI's Swagger UI and ReDoc pages load their scripts from a CDN; this deployment loads
nothing from elsewhere, so the page is rendered on the server from ``app.openapi()``.
"""

from __future__ import annotations

import html
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

_METHODS = ("get", "post", "put", "patch", "delete")


def render_docs(spec: dict[str, Any], openapi_url: str) -> str:
    """The page: one row per operation, with its summary and description."""
    rows = []
    for path, ops in sorted(spec.get("paths", {}).items()):
        for method in _METHODS:
            op = ops.get(method)
            if op is None:
                continue
            summary = html.escape(op.get("summary", ""))
            desc = html.escape(op.get("description", "")).replace("\n\n", "<br><br>")
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}"
                f"</code></td><td><b>{summary}</b><br>{desc}</td></tr>"
            )
    title = html.escape(spec.get("info", {}).get("title", "API"))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title} API / 接口文档</title></head><body>"
        f"<h1>{title} REST API / 接口文档</h1>"
        f"<p>OpenAPI: <a href='{html.escape(openapi_url)}'>{html.escape(openapi_url)}</a></p>"
        "<table border='1' cellpadding='4'><tr><th>method</th><th>path</th><th>what</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )


def install_docs(app: FastAPI, prefix: str) -> None:
    """Serve the reference page at ``{prefix}/docs``."""
    openapi_url = f"{prefix}/openapi.json"

    @app.get(f"{prefix}/docs", include_in_schema=False, response_class=HTMLResponse)
    async def _docs() -> HTMLResponse:
        return HTMLResponse(render_docs(app.openapi(), openapi_url))
