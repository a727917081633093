"""The one way every list endpoint answers: a page of JSON, or every row as CSV."""
from __future__ import annotations

import weakref
from typing import Callable

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy

from api import dataversion, http, search
from api.db import get_session
from api.errors import invalid_params
from api.jsonbody import json_response
from api.queries.common import Listing, Stored, iterate_all, run_page
from schemas.problem import ProblemSchema

NOT_MODIFIED = "Not modified: the representation still matches the `If-None-Match` ETag."


# `unknown=None` on @blp.arguments lets the schemas' own `unknown = RAISE` reject unknown query
# parameters (webargs would otherwise drop them silently).


class ArgumentsParser(FlaskParser):
    """webargs' parser, remembering each schema's answer to an empty query string.

    Most item requests carry no query at all (an agreement's detail, say), and loading nothing
    through marshmallow still cost a tenth of such a request. An answer is kept only when it
    loaded and all its values are immutable; each request gets its own copy."""

    def __init__(self):
        super().__init__()
        self._empty_query: dict[int, dict] = {}
        self._multiple_keys: weakref.WeakKeyDictionary[Schema, frozenset] = weakref.WeakKeyDictionary()

    def load_querystring(self, req, schema):
        """The query as a plain dict: a list for each parameter whose field takes several values,
        the first value for any other, as webargs' MultiDictProxy would give it, without the
        proxy's lookups on every field (a sixth of parsing the article filters)."""
        multiple = self._multiple_keys.get(schema)
        if multiple is None:
            multiple = self._multiple_keys[schema] = frozenset(MultiDictProxy({}, schema).multiple_keys)
        return {key: values if key in multiple else values[0] for key, values in req.args.lists()}

    def parse(self, argmap, req=None, *, location=None, **kwargs):
        if location != "query" or not isinstance(argmap, Schema) or request.query_string:
            return super().parse(argmap, req, location=location, **kwargs)
        known = self._empty_query.get(id(argmap))  # schema instances live as long as their routes
        if known is not None:
            return dict(known)
        loaded = super().parse(argmap, req, location=location, **kwargs)
        if isinstance(loaded, dict) and all(isinstance(v, _IMMUTABLE) for v in loaded.values()):
            self._empty_query[id(argmap)] = dict(loaded)
        return loaded


_IMMUTABLE = (str, int, float, bool, type(None))


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = ArgumentsParser()

    def arguments(self, schema, *args, **kwargs):
        # webargs builds a schema class anew on every request (74 us for the article filters);
        # an instance is built once. Loading keeps no state on the instance, so one serves all.
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


def blueprint(name: str, import_name: str, description: str) -> Blueprint:
    blp = ApiBlueprint(name, import_name, url_prefix="/v1", description=description)
    http.install(blp)
    return blp


def documented(blp: Blueprint, *, not_found: bool = False, csv: bool = False):
    """The alternative responses every GET may give."""
    def decorate(view):
        view = blp.alt_response(304, description=NOT_MODIFIED)(view)
        view = blp.alt_response(400, schema=ProblemSchema, description="A parameter is unknown, repeated or invalid, "
                                "or names nothing that exists.")(view)
        if not_found:
            view = blp.alt_response(404, schema=ProblemSchema, description="No such resource.")(view)
        if csv:
            view = blp.alt_response(200, content_type="text/csv", success=True, schema={"type": "string"},
                                    example="id,title\r\nru-ir-basis-of-relations-2001,Treaty on the Basis ...\r\n",
                                    description="A page of items as JSON; with format=csv or `Accept: text/csv`, every item "
                                    "of the filter streamed as CSV.")(view)
        return view
    return decorate


def _released(session, items):
    """Yield the streamed rows, then give the session's connection back.

    A streamed body is read after the request's teardown has already closed the
    session; reading reopens it, so it must be closed again when the stream ends
    (or is abandoned), or every CSV download would keep a pooled connection."""
    try:
        yield from items
    finally:
        session.close()


def list_response(listing: Listing, conditions: list, args: dict, csv_columns: list, filename: str,
                  schema: type[Schema], stored: Stored | None = None):
    """A page of `listing` dumped with `schema` (the view's `@blp.response` page schema), or CSV;
    `stored` reads the page's items from stored renderings (api/renderings.py)."""
    session = get_session()
    q = args.get("q")
    if q is not None:
        search.validate(q)
    if http.wants_csv(args):
        unusable = [name for name in ("cursor", "count", "facets") if args.get(name)]
        if unusable:
            raise invalid_params([{"name": name, "value": _raw(args[name]),
                                   "reason": "CSV carries every row of the filter; leave this parameter out."}
                                  for name in unusable])
        version = dataversion.current(session)  # before the rows (see http.csv_response)
        items = _released(session, iterate_all(session, listing, conditions, sort=args.get("sort"), q=q))
        return http.csv_response(csv_columns, items, filename, version)
    page = run_page(session, listing, conditions, sort=args.get("sort"), limit=args["limit"],
                    cursor=args.get("cursor"), q=q, count=args["count"], facets=_unique(args.get("facets")),
                    stored=stored)
    body = {"items": page.items, "next_cursor": page.next_cursor}
    if page.total is not None:
        body["total"] = page.total
    if page.facets is not None:
        body["facets"] = page.facets
    return json_response(schema, body), 200, http.next_link(page.next_cursor)


def _unique(values):
    return list(dict.fromkeys(values)) if values else None


def _raw(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(value)
    return value


def joined(key: str, sub: str | None = None) -> Callable[[dict], list]:
    """A CSV cell from a nested list: its members (or one field of each) joined by '; '."""
    if sub is None:
        return lambda item: item[key]
    return lambda item: [member[sub] for member in item[key]]


def column(key: str) -> Callable[[dict], object]:
    return lambda item: item.get(key)
