"""The ceiling: a bare WSGI app that answers every request with the same 1 KB JSON body.

Served by gunicorn with the project's own gunicorn.conf.py (same workers, same
access log), it measures what the server and the load generator cost on their
own, so every endpoint is reported as a fraction of it.
"""
import json

_BODY = json.dumps(
    {"items": [{"id": i, "title": "x" * 40, "signed_on": "2025-01-17"} for i in range(11)], "next_cursor": None},
    separators=(",", ":"),
).encode()
BODY = _BODY + b" " * max(0, 1024 - len(_BODY))  # exactly 1 KB, still valid JSON
assert len(BODY) == 1024, len(BODY)
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
