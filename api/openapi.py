"""The flask-smorest Api: resource blueprints are registered here, and the
OpenAPI document is generated from them and their marshmallow schemas."""
from __future__ import annotations

from flask_smorest import Api

API_TITLE = "Treaty Clause API"
API_VERSION = "1.0.0"


def init_api(app) -> Api:
    app.config.setdefault("API_TITLE", API_TITLE)
    app.config.setdefault("API_VERSION", API_VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    api = Api(app)
    app.extensions["treaty_api"] = api

    from api.resources import register_blueprints

    register_blueprints(api)
    return api
