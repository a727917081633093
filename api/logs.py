"""Structured JSON logs, one object per line on stdout, each tagged with the request id.

Every request leaves one access line (logger `api.access`: method, path, status,
duration in milliseconds, client address). Passwords in database URLs or
connection strings are masked in every line, exceptions included.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import time

from flask import g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# A client's id is echoed only when it is short and plain, so logs cannot be forged through it.
_ACCEPTABLE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# scheme://user:password@host  and  password=secret (libpq key/value strings)
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^@\s]*(?P<tail>@)")
_KEYWORD_PASSWORD = re.compile(r"(?i)(?P<head>\bpassword\s*=\s*)('[^']*'|\S+)")
EXTRA_FIELDS = ("status", "duration_ms", "remote_addr", "bytes")
access_log = logging.getLogger("api.access")


def mask_secrets(text: str) -> str:
    """The text with any password in a URL or connection string replaced by ***."""
    text = _URL_PASSWORD.sub(r"\g<head>***\g<tail>", text)
    return _KEYWORD_PASSWORD.sub(r"\g<head>***", text)


def masked_url(url) -> str:
    """A database URL fit to print: its password hidden."""
    return mask_secrets(str(url))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": mask_secrets(record.getMessage()),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id")
            entry["method"] = request.method
            entry["path"] = request.path
        for key in EXTRA_FIELDS:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = mask_secrets(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str) -> None:
    root = logging.getLogger()
    if not any(getattr(h, "_treaty_api", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        handler._treaty_api = True
        root.addHandler(handler)
    root.setLevel(level)


def init_app(app) -> None:
    configure(app.config.get("LOG_LEVEL", "INFO"))

    @app.before_request
    def _assign_request_id():
        supplied = request.headers.get(REQUEST_ID_HEADER, "")
        # 128 random bits as 32 hex digits, as a uuid4 would give, at a quarter of its cost.
        g.request_id = supplied if _ACCEPTABLE_REQUEST_ID.match(supplied) else os.urandom(16).hex()
        g.request_started = time.perf_counter()

    @app.after_request
    def _echo_request_id(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        if started is not None and access_log.isEnabledFor(logging.INFO):
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            access_log.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"status": response.status_code, "duration_ms": duration_ms,
                       "remote_addr": request.remote_addr, "bytes": response.content_length},
            )
        return response
