"""Bounds on the raw request, checked before any view sees it.

The resource schemas validate their own parameters; this guard catches what
arrives below them: an overlong query string, path or path segment, too many or
too large headers, malformed percent-encoding, bytes that are not UTF-8, NUL and
other control characters, too many parameters or an overlong value, and path
integer path arguments larger than any row's number. Every refusal is a
problem+json answer, so a client always learns what was wrong.

The front server (gunicorn.conf.py) accepts more than these bounds, so whatever
the application can see is answered here; only a request beyond the front
server's hard maximum gets its bare 414 or 431.
"""
from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes, urlsplit

from flask import current_app, request
from werkzeug.routing import IntegerConverter

from api.errors import Problem, invalid_params, problem_response

DEFAULTS = {
    # Bytes of the query string as sent (still percent-encoded).
    "MAX_QUERY_STRING_BYTES": 4096,
    # Bytes of the path as sent, and characters of one decoded path segment.
    "MAX_PATH_BYTES": 1024,
    "MAX_PATH_SEGMENT_CHARS": 200,
    # Request headers: how many, the largest one (name and value) and all together.
    "MAX_HEADER_COUNT": 100,
    "MAX_HEADER_FIELD_BYTES": 8192,
    "MAX_HEADER_BYTES": 16384,
    # Query parameters: how many name=value pairs, and characters of one value.
    "MAX_QUERY_PARAMS": 100,
    "MAX_PARAM_VALUE_CHARS": 1000,
}
CONFIG_PREFIX = "GUARD_"
# Integer path arguments name rows whose numbers are 32-bit columns: a larger one
# names nothing that can exist (and PostgreSQL would refuse to compare it).
MAX_PATH_INTEGER = 2**31 - 1

_MALFORMED_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def limits(app=None) -> dict:
    config = (app or current_app).config
    return {key: int(config.get(CONFIG_PREFIX + key, value)) for key, value in DEFAULTS.items()}


def _describe(char: str) -> str:
    return "a NUL byte" if char == "\x00" else f"the control character U+{ord(char):04X}"


def _raw_target(environ) -> tuple[str | None, str]:
    """The path and query string as the client sent them (percent-encoded); the
    path is None when the server does not pass the raw request target on."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        if not raw.startswith("/"):  # absolute-form: http://host/path?query
            parts = urlsplit(raw)
            return parts.path or "/", parts.query
        path, _, query = raw.partition("?")
        # Some servers and test clients pass the bare path as the raw target and
        # the query only in QUERY_STRING: check whichever carries it.
        return path, query.partition("#")[0] or environ.get("QUERY_STRING", "")
    return None, environ.get("QUERY_STRING", "")


def _latin1_bytes(text: str) -> bytes:
    """WSGI strings carry bytes as latin-1; a test client may hand over wider text."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def _check_headers(environ, bounds) -> Problem | None:
    count = 0
    total = 0
    for key, value in environ.items():
        if not (key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")):
            continue
        count += 1
        size = len(key) + len(str(value))
        total += size
        if size > bounds["MAX_HEADER_FIELD_BYTES"]:
            name = key[5:] if key.startswith("HTTP_") else key
            name = "-".join(part.capitalize() for part in name.split("_"))
            return Problem(431, f"The {name} header is larger than {bounds['MAX_HEADER_FIELD_BYTES']} bytes.",
                           type_="request-headers-too-large", title="Request Header Fields Too Large")
    if count > bounds["MAX_HEADER_COUNT"]:
        return Problem(431, f"The request has {count} headers; at most {bounds['MAX_HEADER_COUNT']} are accepted.",
                       type_="request-headers-too-large", title="Request Header Fields Too Large")
    if total > bounds["MAX_HEADER_BYTES"]:
        return Problem(431, f"The request's headers are larger than {bounds['MAX_HEADER_BYTES']} bytes in all.",
                       type_="request-headers-too-large", title="Request Header Fields Too Large")
    return None


def _malformed_request(detail: str) -> Problem:
    return Problem(400, detail, type_="malformed-request", title="Malformed request")


def _check_path(raw_path: str | None, environ, bounds) -> Problem | None:
    # PATH_INFO is already percent-decoded: its bytes (as latin-1) are the path's bytes.
    decoded = _latin1_bytes(environ.get("PATH_INFO", ""))
    if len(raw_path if raw_path is not None else decoded) > bounds["MAX_PATH_BYTES"]:
        return Problem(414, f"The path is longer than {bounds['MAX_PATH_BYTES']} bytes.",
                       type_="uri-too-long", title="URI Too Long")
    if raw_path is not None:
        if _MALFORMED_PERCENT.search(raw_path):
            return _malformed_request("The path holds a '%' that is not followed by two hexadecimal digits.")
        decoded = unquote_to_bytes(_latin1_bytes(raw_path))
    try:
        path = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return _malformed_request("The path is not valid UTF-8 once percent-decoded.")
    control = _CONTROL.search(path)
    if control:
        return _malformed_request(f"The path holds {_describe(control.group())}.")
    for segment in path.split("/"):
        if len(segment) > bounds["MAX_PATH_SEGMENT_CHARS"]:
            return Problem(414, f"A path segment is longer than {bounds['MAX_PATH_SEGMENT_CHARS']} characters.",
                           type_="uri-too-long", title="URI Too Long")
    return None


def _check_path_integers() -> Problem | None:
    rule, values = request.url_rule, request.view_args or {}
    for name, converter in (getattr(rule, "_converters", None) or {}).items():
        value = values.get(name)
        if isinstance(converter, IntegerConverter) and isinstance(value, int) and abs(value) > MAX_PATH_INTEGER:
            return Problem(404, f"No resource at {request.path}.")
    return None


def _decode_component(raw: str) -> str:
    return unquote_to_bytes(_latin1_bytes(raw.replace("+", " "))).decode("utf-8")


def _check_query(raw_query: str, bounds) -> Problem | None:
    if not raw_query:
        return None
    if len(raw_query) > bounds["MAX_QUERY_STRING_BYTES"]:
        return Problem(414, f"The query string is longer than {bounds['MAX_QUERY_STRING_BYTES']} bytes.",
                       type_="uri-too-long", title="URI Too Long")
    pairs = [pair for pair in raw_query.split("&") if pair]
    if len(pairs) > bounds["MAX_QUERY_PARAMS"]:
        return invalid_params([], detail=f"The query string has {len(pairs)} parameters; "
                                         f"at most {bounds['MAX_QUERY_PARAMS']} are accepted.")
    bad = []
    for pair in pairs:
        raw_name, _, raw_value = pair.partition("=")
        try:
            name = _decode_component(raw_name)
        except UnicodeDecodeError:
            name = None
        if name is None or _MALFORMED_PERCENT.search(raw_name):
            bad.append({"name": raw_name[:100],
                        "reason": "The parameter's name is not valid percent-encoded UTF-8."})
            continue
        reason = None
        if _MALFORMED_PERCENT.search(raw_value):
            reason = "The value holds a '%' that is not followed by two hexadecimal digits."
        else:
            try:
                value = _decode_component(raw_value)
            except UnicodeDecodeError:
                reason = "The value is not valid UTF-8 once percent-decoded."
            else:
                control = _CONTROL.search(name + value)
                if control:
                    reason = f"The parameter holds {_describe(control.group())}."
                elif len(value) > bounds["MAX_PARAM_VALUE_CHARS"]:
                    reason = f"The value is longer than {bounds['MAX_PARAM_VALUE_CHARS']} characters."
        if reason:
            bad.append({"name": _CONTROL.sub("\ufffd", name)[:100], "reason": reason})
    if bad:
        return invalid_params(bad)
    return None


def check_request() -> Problem | None:
    """The first bound this request breaks, as a Problem; None when it keeps them all."""
    environ = request.environ
    bounds = limits()
    problem = _check_headers(environ, bounds)
    if problem:
        return problem
    raw_path, raw_query = _raw_target(environ)
    return (_check_path(raw_path, environ, bounds) or _check_query(raw_query, bounds)
            or _check_path_integers())


def init_app(app) -> None:
    @app.before_request
    def _guard():
        problem = check_request()
        if problem is not None:
            return problem_response(problem)
        return None
