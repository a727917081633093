"""Security headers on every response.

JSON answers may load nothing and be framed by nobody (`default-src 'none'`).
The interactive documentation under DOCS_PATH is a page that runs Swagger UI
from the application's own static files (api/docs.py: no inline script or
style): it may load scripts, styles, images and the OpenAPI document from this
origin only, plus data: images (Swagger UI's icons are inline SVG in its CSS).
"""
from __future__ import annotations

from flask import request

from api.http import add_absent

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

_API_HEADERS = {**STATIC_HEADERS, "Content-Security-Policy": API_CSP}
_DOCS_HEADERS = {**STATIC_HEADERS, "Content-Security-Policy": DOCS_CSP}


def is_docs_path(path: str, docs_path: str) -> bool:
    docs_path = docs_path.rstrip("/")
    return bool(docs_path) and (path == docs_path or path.startswith(docs_path + "/"))


def init_app(app) -> None:
    # Flask's own debug mode (the interactive debugger, reloader and tracebacks) is
    # for tests alone, however FLASK_DEBUG is set.
    if not app.config.get("TESTING"):
        app.config["DEBUG"] = False
        app.debug = False
    docs_path = app.config.get("DOCS_PATH", "/docs")

    @app.after_request
    def _security_headers(response):
        add_absent(response, _DOCS_HEADERS if is_docs_path(request.path, docs_path) else _API_HEADERS)
        return response
