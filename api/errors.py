"""Every error leaves the service as RFC 9457 problem+json.

Views raise `Problem` (or call `abort`); flask-smorest's argument errors, werkzeug's
HTTP errors and anything unexpected all end up in `problem_response`.
"""
from __future__ import annotations

import logging
import sqlite3

from flask import g, json, request
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_BASE = "/problems/"
log = logging.getLogger("api.errors")


class Problem(Exception):
    """An error a client can act on, rendered as problem+json."""

    def __init__(self, status: int, detail: str, *, type_: str = "about:blank", title: str | None = None,
                 headers: dict | None = None, **extensions):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type_ if type_ == "about:blank" or type_.startswith("/") else PROBLEM_BASE + type_
        self.title = title or HTTP_STATUS_CODES.get(status, "Error")
        self.headers = headers or {}
        self.extensions = extensions


def invalid_params(params: list[dict], detail: str | None = None) -> Problem:
    """A 400 naming each bad parameter: [{"name": ..., "value": ..., "reason": ...}]."""
    if detail is None:
        detail = "; ".join(
            f"{p['name']}: {p['reason']}" for p in params
        ) or "The request's parameters are invalid."
    return Problem(400, detail, type_="invalid-parameters", title="Invalid request parameters",
                   invalid_params=params)


def problem_response(problem: Problem):
    body = {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.path if request else None,
    }
    request_id = g.get("request_id") if g else None
    if request_id:
        body["request_id"] = request_id
    body.update(problem.extensions)
    from flask import current_app

    response = current_app.response_class(
        json.dumps(body), status=problem.status, mimetype=PROBLEM_MIMETYPE
    )
    for key, value in problem.headers.items():
        response.headers[key] = value
    return response


def _messages_to_params(messages, location_prefix="") -> list[dict]:
    """Flatten marshmallow's nested messages into one entry per parameter."""
    params = []
    if isinstance(messages, dict):
        # webargs nests by location: {"query": {"limit": ["..."]}}
        if set(messages) <= {"query", "json", "view_args", "headers", "form", "path"} and messages:
            for location_messages in messages.values():
                params.extend(_messages_to_params(location_messages))
            return params
        for name, reasons in messages.items():
            if isinstance(reasons, dict):
                reasons = [str(r) for r in _flatten(reasons)]
            if not isinstance(reasons, list):
                reasons = [str(reasons)]
            entry = {"name": str(name), "reason": " ".join(str(r) for r in reasons)}
            values = request.args.getlist(str(name)) if request else []
            if values:
                entry["value"] = values[0] if len(values) == 1 else values
            params.append(entry)
    return params


def _flatten(messages):
    for value in messages.values():
        if isinstance(value, dict):
            yield from _flatten(value)
        elif isinstance(value, list):
            yield from value
        else:
            yield value


def from_http_exception(error: HTTPException) -> Problem:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 422 and messages is not None:
        # flask-smorest reports argument errors as 422; to a client they are a bad request.
        return invalid_params(_messages_to_params(messages))
    headers = dict(error.get_headers()) if hasattr(error, "get_headers") else {}
    headers.pop("Content-Type", None)
    detail = {
        404: f"No resource at {request.path}." if request else "Not found.",
        405: f"{request.method} is not allowed on {request.path}." if request else "Method not allowed.",
    }.get(status, data.get("message") or error.description or HTTP_STATUS_CODES.get(status, "Error"))
    return Problem(status, detail, headers=headers)


# SQLite reports a busy or missing database and a malformed query (an FTS5 syntax
# error, say) alike as OperationalError; only the first kind is an outage that a
# retry can cure. PostgreSQL's OperationalErrors are all of that kind.
_SQLITE_OUTAGES = ("database is locked", "database table is locked", "database is busy", "unable to open",
                   "disk i/o error", "no such table", "database disk image is malformed", "out of memory")


def is_outage(error: Exception) -> bool:
    orig = getattr(error, "orig", None)
    if isinstance(orig, sqlite3.Error):
        message = str(orig).lower()
        return any(fragment in message for fragment in _SQLITE_OUTAGES)
    return True


def database_unavailable(error: Exception) -> Problem:
    log.warning("database unavailable: %s", type(error).__name__)
    return Problem(503, "The database is unavailable; try again shortly.", type_="database-unavailable",
                   title="Service Unavailable", headers={"Retry-After": "5"})


def init_app(app) -> None:
    @app.errorhandler(Problem)
    def _problem(problem: Problem):
        return problem_response(problem)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return problem_response(from_http_exception(error))

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeoutError)
    def _database(error):
        if not is_outage(error):
            return _unexpected(error)
        return problem_response(database_unavailable(error))

    @app.errorhandler(DBAPIError)
    def _dbapi(error: DBAPIError):
        if error.connection_invalidated:
            return problem_response(database_unavailable(error))
        return _unexpected(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(Problem(500, "An unexpected error occurred; it has been logged with this request's id."))
