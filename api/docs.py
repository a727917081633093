"""The OpenAPI document at /openapi.yaml and /openapi.json, and Swagger UI at /docs.

Both documents are generated from the application exactly as `make openapi`
writes openapi.yaml (a test keeps the committed file equal to them). /docs is
Swagger UI served from the project's own assets, installed from a package (no
CDN: the page works on a machine without internet), started by a static script
of our own (no inline script), so it runs under a strict Content-Security-Policy.
"""
from __future__ import annotations

import hashlib
from html import escape
from importlib import resources
from pathlib import Path

from flask import Blueprint, current_app, request, send_from_directory, url_for
from werkzeug.exceptions import NotFound

DOCS_PATH = "/docs"
STATIC_DIR = Path(__file__).resolve().parent / "static" / "docs"
# The files of Swagger UI's distribution that /docs uses; nothing else of it is served.
SWAGGER_UI_FILES = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png", "favicon-16x16.png")
OWN_FILES = ("docs.js", "docs.css")
ASSET_MAX_AGE = 3600

blueprint = Blueprint("docs", __name__)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="{favicon}" sizes="32x32">
<link rel="stylesheet" href="{swagger_css}">
<link rel="stylesheet" href="{docs_css}">
</head>
<body>
<noscript>This page runs Swagger UI, which needs JavaScript. The OpenAPI document itself is at
<a href="{spec_yaml}">{spec_yaml}</a> and <a href="{spec_json}">{spec_json}</a>.</noscript>
<div id="swagger-ui" data-spec-url="{spec_json}"></div>
<script src="{swagger_js}"></script>
<script src="{docs_js}"></script>
</body>
</html>
"""


def swagger_ui_dir() -> Path:
    """Swagger UI's distribution, as installed with the package that ships it."""
    return Path(str(resources.files("flask_swagger_ui") / "dist"))


def _documents() -> dict:
    """The spec as YAML and JSON text, made once per application."""
    cache = current_app.extensions.setdefault("treaty_api_documents", {})
    if not cache:
        from api.openapi import spec_json, spec_yaml

        cache["yaml"] = spec_yaml(current_app)
        cache["json"] = spec_json(current_app)
    return cache


def _text_response(text: str, mimetype: str, max_age: int = 300):
    response = current_app.response_class(text, mimetype=mimetype)
    response.set_etag(hashlib.sha256(text.encode()).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response.make_conditional(request)


@blueprint.get("/openapi.yaml")
def openapi_yaml():
    """The OpenAPI 3.1 document, as committed in openapi.yaml."""
    return _text_response(_documents()["yaml"], "application/yaml")


@blueprint.get("/openapi.json")
def openapi_json():
    """The same document as JSON."""
    return _text_response(_documents()["json"], "application/json")


@blueprint.get(DOCS_PATH)
@blueprint.get(DOCS_PATH + "/")
def docs_page():
    """Swagger UI: browse the API and try its operations against this server."""
    def asset(name):
        return url_for("docs.docs_asset", filename=name)

    page = PAGE.format(
        title=escape(current_app.config.get("API_TITLE", "API")),
        favicon=escape(asset("favicon-32x32.png")),
        swagger_css=escape(asset("swagger-ui.css")),
        docs_css=escape(asset("docs.css")),
        swagger_js=escape(asset("swagger-ui-bundle.js")),
        docs_js=escape(asset("docs.js")),
        spec_json=escape(url_for("docs.openapi_json")),
        spec_yaml=escape(url_for("docs.openapi_yaml")),
    )
    return _text_response(page, "text/html", max_age=0)


@blueprint.get(DOCS_PATH + "/<path:filename>")
def docs_asset(filename: str):
    if filename in OWN_FILES:
        directory = STATIC_DIR
    elif filename in SWAGGER_UI_FILES:
        directory = swagger_ui_dir()
    else:
        raise NotFound()
    return send_from_directory(directory, filename, max_age=ASSET_MAX_AGE)


def init_app(app) -> None:
    app.config.setdefault("DOCS_PATH", DOCS_PATH)
    app.register_blueprint(blueprint)
