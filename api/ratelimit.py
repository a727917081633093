"""Per-client rate limiting with Flask-Limiter.

RATELIMIT_ENABLED turns it on or off; RATELIMIT_DEFAULT is the limit for one
client across all routes together, unknown paths included (for example
"600 per minute"; several may be joined with ";");
RATELIMIT_STORAGE_URI chooses where counts live ("memory://" counts per worker
process; a shared store such as Redis counts across workers). A client is its
remote address: behind a reverse proxy, make the proxy's forwarded address the
remote address (werkzeug's ProxyFix) so that clients are told apart.

Every limited response carries the IETF RateLimit header fields
(`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` in seconds, and
`RateLimit-Policy`); a refused request is a 429 problem with `Retry-After`.
The probes /healthz and /readyz are never limited.
"""
from __future__ import annotations

import time

from flask import request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from api.errors import Problem, problem_response

EXEMPT_PATHS = frozenset({"/healthz", "/readyz"})


def _window_seconds(item) -> int:
    return int(item.get_expiry())


def _rate_headers(limiter: Limiter) -> dict:
    current = limiter.current_limit
    if current is None:
        return {}
    reset_in = max(0, int(current.reset_at - time.time()))
    item = current.limit
    return {
        "RateLimit-Limit": str(item.amount),
        "RateLimit-Remaining": str(max(0, current.remaining)),
        "RateLimit-Reset": str(reset_in),
        "RateLimit-Policy": f"{item.amount};w={_window_seconds(item)}",
    }


def init_app(app) -> Limiter:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    # Flask-Limiter's own headers are the older X-RateLimit-* set, with an epoch
    # reset and a Retry-After on every answer; this module writes the IETF fields.
    app.config["RATELIMIT_HEADERS_ENABLED"] = False
    # One budget per client for the whole API (Flask-Limiter's "application" limits),
    # not one per route as its default limits would give.
    app.config["RATELIMIT_APPLICATION"] = app.config.get("RATELIMIT_DEFAULT") or None
    # Flask-Limiter also reads RATELIMIT_DEFAULT as a per-route limit: never applied here.
    limiter = Limiter(get_remote_address, app=app, default_limits_exempt_when=lambda: True,
                      request_identifier=lambda: request.endpoint or "unmatched")
    app.extensions["treaty_limiter"] = limiter

    @limiter.request_filter
    def _probes_exempt() -> bool:
        return request.path in EXEMPT_PATHS

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded):
        headers = _rate_headers(limiter)
        retry_after = headers.get("RateLimit-Reset") or "1"
        headers["Retry-After"] = str(max(1, int(retry_after)))
        return problem_response(Problem(
            429, f"Too many requests from this client: the limit is {error.description}. "
                 f"Try again in {headers['Retry-After']} seconds.",
            type_="rate-limited", title="Too Many Requests", headers=headers))

    @app.after_request
    def _headers(response):
        if limiter.enabled and "RateLimit-Limit" not in response.headers:
            for name, value in _rate_headers(limiter).items():
                response.headers[name] = value
        return response

    return limiter
