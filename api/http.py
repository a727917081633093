"""HTTP conventions shared by the /v1 resources: ETags, caching, CORS, Link headers, CSV."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from typing import Callable, Iterable
from urllib.parse import urlencode

from flask import Response, current_app, request, stream_with_context
from werkzeug.http import generate_etag, quote_etag

CACHE_CONTROL = "public, max-age=60"
CSV_MIMETYPE = "text/csv"
EXPOSED_HEADERS = "ETag, Link, X-Request-ID"


def install(blueprint) -> None:
    """Conditional GETs, caching and CORS on every response of `blueprint`."""
    blueprint.after_request(finish_response)


def finish_response(response: Response) -> Response:
    headers = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": EXPOSED_HEADERS}
    fetched = request.method in ("GET", "HEAD") and response.status_code == 200
    if request.method == "OPTIONS":
        headers.update(_PREFLIGHT)
    elif fetched:
        headers["Cache-Control"] = CACHE_CONTROL
    present = add_absent(response, headers)
    if "vary" in present:
        response.vary.add("Accept")
    else:
        response.headers.add("Vary", "Accept")
    if fetched and not response.is_streamed:
        if "etag" not in present:
            # A strong validator: a hash of the exact bytes sent.
            response.headers.add("ETag", quote_etag(generate_etag(response.get_data())))
        # Only a conditional request can change the answer: the ETag is its one validator.
        # (werkzeug's Date header, skipped here, is one gunicorn replaces with its own.)
        if any(name.startswith("HTTP_IF_") for name in request.environ):
            response.make_conditional(request)
    return response


_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, If-None-Match, X-Request-ID",
    "Access-Control-Max-Age": "86400",
}


def add_absent(response: Response, headers: dict[str, str]) -> set[str]:
    """Add each of `headers` that `response` does not carry yet; return the names it carried (lower case).

    One pass over the response's headers: werkzeug's `setdefault` and `in` scan them all for each
    name and raise a KeyError inside for every absent one, which cost a tenth of an agreement
    detail with the fifteen headers each answer has."""
    present = {name.lower() for name, _ in response.headers}
    for name, value in headers.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    return present


def wants_csv(args: dict) -> bool:
    if args.get("format") == "csv":
        return True
    if args.get("format") == "json":
        return False
    accept = request.headers.get("Accept", "")
    if accept in ("", "*/*") or ("csv" not in accept and "*" not in accept):
        return False  # no range that could prefer CSV: no need to parse the header
    best = request.accept_mimetypes.best_match(["application/json", CSV_MIMETYPE])
    return best == CSV_MIMETYPE and request.accept_mimetypes[CSV_MIMETYPE] > request.accept_mimetypes["application/json"]


def next_link(cursor: str | None) -> dict:
    """The RFC 8288 Link header for the next page: this request's query with the new cursor."""
    if not cursor:
        return {}
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"] + [("cursor", cursor)]
    return {"Link": f'<{request.base_url}?{urlencode(query)}>; rel="next"'}


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(csv_value(v) for v in value)
    return str(value)


def csv_etag(data_version: int, columns: list[str]) -> str:
    """A strong validator for a CSV answer known before its body: the data version, this
    request's path and normalised query, the representation and its columns. The same
    filter on the same data always streams the same bytes."""
    query = sorted(((k, v) for k, v in request.args.items(multi=True) if k != "format"), key=lambda kv: kv[0])
    key = "\n".join([str(data_version), request.path, urlencode(query), CSV_MIMETYPE, ",".join(columns)])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def not_modified(etag: str) -> Response:
    """304 with the headers the 200 would have carried, no body."""
    response = current_app.response_class(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    del response.headers["Content-Type"]
    return response


def csv_response(columns: list[tuple[str, Callable[[dict], object]]], items: Iterable[dict], filename: str,
                 data_version: int) -> Response:
    """Stream `items` as RFC 4180 CSV (CRLF line ends, quotes where needed), a header row first.

    `items` is iterated lazily: a matching If-None-Match answers 304 before any row is read.
    Read `data_version` before the rows, so an ETag never names newer data than it carries.
    """
    etag = csv_etag(data_version, [name for name, _ in columns])
    if request.if_none_match.contains_weak(etag):
        return not_modified(etag)

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([name for name, _ in columns])
        for n, item in enumerate(items, 1):
            writer.writerow([csv_value(get(item)) for _, get in columns])
            if n % 200 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = current_app.response_class(stream_with_context(generate()), mimetype=CSV_MIMETYPE)
    response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.set_etag(etag)
    return response
