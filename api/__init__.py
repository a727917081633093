"""Treaty Clause API: international agreements, their articles, parties, sectors
and clauses over HTTP, every fact tied to its source."""
from __future__ import annotations

import inspect

from flask import Flask

from api import config as config_module
from api.jsonprovider import FastJSONProvider


class App(Flask):
    def ensure_sync(self, func):
        # Flask asks `inspect` whether each hook and view is a coroutine function, fifteen
        # times a request; a plain function's code flags answer that directly.
        target = getattr(func, "__func__", func)
        code = getattr(target, "__code__", None)
        if code is not None and not code.co_flags & inspect.CO_COROUTINE \
                and "_is_coroutine_marker" not in getattr(target, "__dict__", {}):
            return func
        return super().ensure_sync(func)


def create_app(config: dict | None = None) -> Flask:
    app = App(__name__, instance_path=str(config_module.ROOT / "instance"))
    app.json = FastJSONProvider(app)
    app.config.update(config_module.from_environment())
    app.config.update(config or {})
    app.config["DATABASE_URL"] = config_module.normalise_database_url(app.config["DATABASE_URL"])

    from api import cli, db, errors, guard, health, logs, ratelimit, security
    from api.openapi import init_api

    security.init_app(app)  # first: no debug mode outside tests; headers on every answer
    logs.init_app(app)  # request id and access log for everything after it
    ratelimit.init_app(app)  # a flood of hostile requests is limited too
    guard.init_app(app)  # raw-input bounds, before any view parses a parameter
    db.init_app(app)
    init_api(app)
    errors.init_app(app)  # after flask-smorest, whose own error handler it replaces
    app.register_blueprint(health.blueprint)
    cli.register(app)
    return app
