"""The flask-smorest Api: resource blueprints are registered here, and the
OpenAPI 3.1 document is generated from them and their marshmallow schemas.

Resource routes stay short: `SpecConventions`, an apispec plugin, completes every
operation centrally. It replaces flask-smorest's own error documentation (its
`Error` schema, 422 and `default` responses) with the service's problem+json
responses, documents the ETag round trip and the CSV representation of lists,
derives a readable `operationId` from the view's name when none is given, and
gives every parameter an example and every 200 an example drawn from the seed
data. `make openapi` writes the result to openapi.yaml (`treaty-api openapi
write`, which replaces flask-smorest's command of that name with one writing
canonical YAML); `api.docs` serves the same document at /openapi.yaml and
/openapi.json, and Swagger UI at /docs.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import click
import yaml
from apispec import BasePlugin
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.routing import Rule

from api import guard
from schemas.problem import ProblemSchema

API_TITLE = "Treaty Clause API"
API_VERSION = "1.0.0"
PROBLEM_MEDIA_TYPE = "application/problem+json"

# Examples drawn from the seed data (seeds/).
EXAMPLE_AGREEMENT_ID = "ru-ir-comprehensive-strategic-partnership-2025"
EXAMPLE_PARTY = "RUS"

INFO_DESCRIPTION = """\
International agreements, their articles, parties, sectors and clauses, every fact tied to the
source it was read from. Read-only JSON over HTTP; every representation is also described here
(`/openapi.yaml`, `/openapi.json`) and can be tried out at `/docs`.

## Identifiers
- **Agreements** have readable, stable slugs: `ru-ir-comprehensive-strategic-partnership-2025`.
- **Parties** are ISO 3166-1 alpha-3 codes for states (`RUS`, `IRN`, `PRK`) and short upper-case
  codes for organisations.
- **Articles** are addressed by their agreement and their number as printed in the agreement
  (`/v1/agreements/{agreement_id}/articles/{number}`).
- **Sectors** and **clause types** have lower-case slugs (`energy`, `mutual-assistance`);
  **sources** have ids of their own.

## Dates
All dates are ISO 8601 calendar dates (`2025-01-17`), all fields snake_case. A field that is
unknown or does not apply is `null` (for example `term_years` of an agreement of indefinite
duration), never absent.

## Lists, pagination and cursors
Every list answers `{"items": [...], "next_cursor": "..." | null}` in a stable order with an id
tie-breaker. `limit` takes 1 to 200 items (default 50). To read the next page, send the same
request with `cursor=<next_cursor>`; the `Link: <...>; rel="next"` header holds that URL too.
Cursors are opaque: a cursor that was altered or belongs to another query is a 400. `count=true`
adds `total`, the number of items under the current filters. A walk through every page sees
each item exactly once.

## Filters
Filters are query parameters, documented with each operation. Repeatable ones (`party` on
agreements: every listed party is a party; `party_any`: any of them) are given once per value:
`?party=RUS&party=IRN`. `q` is full-text search, ranked, and each hit carries a `snippet` with
the matches wrapped in `<mark>`...`</mark>`. The ranking (`sort=relevance`, the default with
`q`) orders the first 500 matches under the filters, taken in id order, best first; any further
matches follow in id order with `score` 0. For a word found almost everywhere that is not a
ranking of every match: add words or filters to narrow it. `facets=` adds counts per value
under the current filters. `in_force_on=YYYY-MM-DD` lists agreements whose entry into force is
known and on or before that date and which were not terminated, expired or superseded before
it; an agreement whose entry into force is unknown is not listed.

Nothing is silently ignored: an unknown parameter, an invalid value, a value that names no
existing party, sector, clause type or agreement, or a repeated single-valued parameter is a
400 problem that names the parameter and the value and says why.

## Errors
Every error is an RFC 9457 problem (`application/problem+json`, schema `Problem`): `type`,
`title`, `status`, `detail`, `instance`, the `request_id` (also in the `X-Request-ID` header;
quote it when reporting a problem) and, for 400s, `invalid_params`, one entry per rejected
parameter. An unknown id in a path is a 404 problem; a request beyond the service's bounds is a
414 or 431 problem; too many requests from one client a 429 with `Retry-After`; an unavailable
database a 503 with `Retry-After`.

## CSV
Every list is also available as CSV (RFC 4180): send `Accept: text/csv` or add `format=csv`.
One row per item with a header row; nested lists are joined with `; `; all rows of the filter
are streamed, across pages.

## Caching
Every `GET` answers with a strong `ETag` and `Cache-Control`. Send the ETag back in
`If-None-Match` and an unchanged resource answers `304 Not Modified` with no body. `HEAD` is
answered wherever `GET` is, and `GET` is open to CORS requests from any origin.

## Sources and disputed values
Facts carry their `sources`: objects with `id`, `title`, `url` and the `locator` of the fact
within the source. Every field holds its preferred value in its plain type (`signed_on` is
always a date string). Where sources disagree, the alternatives are listed under `disputes`,
keyed by field name: `{"signed_on": [{"value": "2024-06-18", "sources": [...]}]}`.
"""

TAGS = {
    "health": "Liveness and readiness probes for load balancers and orchestrators.",
}


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok"], "example": "ok"})


class ReadySchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ready"], "example": "ready"})
    migration = fields.String(required=True, metadata={
        "description": "The database's migration revision (the latest one).", "example": "0002"})


def _problem_example(status: int, title: str, detail: str, instance: str, type_: str = "about:blank",
                     **extra) -> dict:
    body = {"type": type_, "title": title, "status": status, "detail": detail, "instance": instance,
            "request_id": "5f0c6b2e8a3d4c1f9e7b6a5d4c3b2a19"}
    body.update(extra)
    return body


def _problem_response(description: str, examples: dict[str, dict], headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {
            "schema": "Problem",
            "examples": {name: {"summary": example.pop("_summary"), "value": example}
                         for name, example in copy.deepcopy(examples).items()},
        }},
    }
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                               "schema": {"type": "integer", "minimum": 0}, "example": 5}}

# Reusable responses, named after their status; `SpecConventions` puts them on every operation.
ERROR_RESPONSES = {
    400: ("BadRequest", lambda: _problem_response(
        "A parameter is unknown, invalid, repeated though single-valued, or names nothing that exists; "
        "`invalid_params` names each one and says why.",
        {"unknown_parameter": {
            "_summary": "An unknown query parameter: GET /v1/agreements?partie=RUS",
            **_problem_example(400, "Invalid request parameters", "partie: Unknown parameter.", "/v1/agreements",
                               type_="/problems/invalid-parameters",
                               invalid_params=[{"name": "partie", "value": "RUS", "reason": "Unknown parameter."}]),
        }})),
    404: ("NotFound", lambda: _problem_response(
        "No resource at this path: an unknown id, code, slug or number.",
        {"unknown_agreement": {
            "_summary": "An unknown agreement id",
            **_problem_example(404, "Not Found", "No agreement has the id 'ru-ir-no-such-agreement'.",
                               "/v1/agreements/ru-ir-no-such-agreement"),
        }})),
    414: ("UriTooLong", lambda: _problem_response(
        "The path, a path segment or the query string is longer than the service accepts.",
        {"long_query": {
            "_summary": "An overlong query string",
            **_problem_example(414, "URI Too Long", "The query string is longer than "
                               f"{guard.DEFAULTS['MAX_QUERY_STRING_BYTES']} bytes.",
                               "/v1/agreements", type_="/problems/uri-too-long"),
        }})),
    429: ("TooManyRequests", lambda: _problem_response(
        "This client sent too many requests; wait `Retry-After` seconds. Only when rate limiting is enabled.",
        {"rate_limited": {
            "_summary": "Over the rate limit",
            **_problem_example(429, "Too Many Requests", "Too many requests from this client: the limit is "
                               "600 per 1 minute. Try again in 42 seconds.",
                               "/v1/agreements", type_="/problems/rate-limited"),
        }}, headers=RETRY_AFTER)),
    431: ("RequestHeaderFieldsTooLarge", lambda: _problem_response(
        "A request header, or the headers together, are larger than the service accepts.",
        {"large_header": {
            "_summary": "An oversized header",
            **_problem_example(431, "Request Header Fields Too Large",
                               f"The User-Agent header is larger than {guard.DEFAULTS['MAX_HEADER_FIELD_BYTES']} bytes.",
                               "/v1/agreements", type_="/problems/request-headers-too-large"),
        }})),
    503: ("ServiceUnavailable", lambda: _problem_response(
        "The database is unavailable; try again after `Retry-After` seconds.",
        {"database_unavailable": {
            "_summary": "The database cannot be reached",
            **_problem_example(503, "Service Unavailable", "The database is unavailable; try again shortly.",
                               "/v1/agreements", type_="/problems/database-unavailable"),
        }}, headers=RETRY_AFTER)),
}
NOT_MODIFIED = ("NotModified", lambda: {
    "description": "The representation has not changed since the ETag sent in `If-None-Match`; no body.",
    "headers": {"ETag": "ETag"},
})
# Statuses that the service itself may answer on any operation, whatever the view does.
COMMON_ERROR_STATUSES = (400, 404, 414, 429, 431, 503)
# The probes: /healthz never touches the database; /readyz answers 503 when it is not ready.
# (The probes are exempt from rate limiting.)
PROBE_ERROR_STATUSES = {"/healthz": (400, 414, 431), "/readyz": (400, 414, 431, 503)}

# Examples for path parameters (by name, then by path and name), drawn from the seed data.
PATH_PARAMETER_EXAMPLES = {
    "agreement_id": EXAMPLE_AGREEMENT_ID,
    "code": EXAMPLE_PARTY,
    "number": "3",
    "source_id": "tass-1940345",
}
PATH_PARAMETER_EXAMPLES_BY_PATH = {
    ("/v1/sectors/{slug}", "slug"): "energy",
    ("/v1/clause-types/{slug}", "slug"): "mutual-assistance",
}
PATH_PARAMETER_DESCRIPTIONS = {
    "agreement_id": "The agreement's id, a readable slug.",
    "code": "The party's code: ISO 3166-1 alpha-3 for states.",
    "number": "The article's number as printed in the agreement.",
    "slug": "The slug.",
    "source_id": "The source's id.",
}

# api.guard's bounds: a longer path segment is a 414, a larger number a 404.
MAX_PATH_SEGMENT_CHARS = guard.DEFAULTS["MAX_PATH_SEGMENT_CHARS"]
MAX_PATH_NUMBER = guard.MAX_PATH_INTEGER

_VERBS = {"get": "get", "head": "head", "post": "create", "put": "replace", "patch": "update",
          "delete": "delete", "options": "options"}


def _camel(words: list[str]) -> str:
    words = [w for w in words if w]
    return words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:]) if words else ""


# The 200 example of each operation is the answer to one request on the seed
# data, kept in EXAMPLES_FILE: `treaty-api openapi examples` (which imports seeds/
# into a scratch database) rewrites it, and a test holds it equal to the live answers.
EXAMPLES_FILE = Path(__file__).resolve().parent / "static" / "openapi" / "examples.json"
_A = EXAMPLE_AGREEMENT_ID
EXAMPLE_REQUESTS = {
    "getHealth": "/healthz",
    "listAgreements": "/v1/agreements?party=RUS&party=IRN&sort=-signed_on&limit=1",
    "getAgreement": "/v1/agreements/ru-ir-rasht-astara-railway-2023",
    "listAgreementArticles": f"/v1/agreements/{_A}/articles?limit=2",
    "getAgreementArticle": f"/v1/agreements/{_A}/articles/3",
    "listAgreementEvents": f"/v1/agreements/{_A}/events?limit=2",
    "listArticles": "/v1/articles?clause_type=mutual-assistance&limit=1",
    "listParties": "/v1/parties?limit=2",
    "getParty": f"/v1/parties/{EXAMPLE_PARTY}",
    "listPartyAgreements": f"/v1/parties/{EXAMPLE_PARTY}/agreements?limit=1",
    "listSectors": "/v1/sectors?limit=2",
    "getSector": "/v1/sectors/energy",
    "listClauseTypes": "/v1/clause-types?limit=2",
    "getClauseType": "/v1/clause-types/mutual-assistance",
    "listSources": "/v1/sources?limit=2",
    "getSource": "/v1/sources/tass-1940345",
    "compareAgreements": f"/v1/compare?agreements=ru-kp-comprehensive-strategic-partnership-2024,{_A}",
}


def load_examples() -> dict:
    if not EXAMPLES_FILE.exists():
        return {}
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


def collect_examples(app) -> dict:
    """The answers to EXAMPLE_REQUESTS from `app`'s database: {operationId: body}."""
    from flask.testing import FlaskClient

    client = FlaskClient(app)
    examples = {}
    for operation_id, url in EXAMPLE_REQUESTS.items():
        response = client.get(url)
        if response.status_code != 200 or not response.is_json:
            raise click.ClickException(f"GET {url} answered {response.status_code}: is the database seeded?")
        examples[operation_id] = response.get_json()
    return examples


# operationIds that the view's name does not give well (by endpoint and method).
OPERATION_IDS = {
    ("compare.Compare", "get"): "compareAgreements",
}


def derive_operation_id(endpoint: str | None, method: str, path: str) -> str:
    """A stable, readable operationId from the view's name.

    A view function `list_agreements` gives `listAgreements`; a MethodView
    `AgreementArticles` gives `listAgreementArticles` for GET on a collection
    path and `getAgreementArticles` on an item path. Without an endpoint the
    path itself is used (`GET /v1/clause-types` -> `listV1ClauseTypes`).
    """
    name = (endpoint or "").rsplit(".", 1)[-1]
    if name and name[:1].islower():  # a view function
        return _camel(re.split(r"[_\W]+", name))
    last = path.rstrip("/").rsplit("/", 1)[-1]
    collection = not last.startswith("{")
    verb = "list" if method == "get" and collection else _VERBS.get(method, method)
    if name:  # a MethodView class: `AgreementDetail` -> getAgreement, `Parties` -> listParties
        name = re.sub(r"(View|Resource)$", "", name)
        name = re.sub(r"(Detail|Item|List|Collection)$", "", name) or name
        return verb + name[:1].upper() + name[1:]
    return _camel([verb] + [w for w in re.split(r"[/_\-{}]+", path) if w])


def _query_example(parameter: dict, value) -> str:
    """How a query parameter's example is written in a URL: `party=RUS&party=IRN`."""
    name = parameter["name"]

    def text(v):
        return json.dumps(v) if isinstance(v, bool) else str(v)
    if isinstance(value, list):
        if parameter.get("explode", True):
            return "&".join(f"{name}={text(v)}" for v in value)
        return f"{name}={','.join(text(v) for v in value)}"
    return f"{name}={text(value)}"


class SpecConventions(BasePlugin):
    """Completes every operation with the service's conventions (see the module doc)."""

    def init_spec(self, spec) -> None:
        self.spec = spec
        self.examples = load_examples()
        spec.components.schema("Problem", schema=ProblemSchema)
        for status, (name, build) in ERROR_RESPONSES.items():
            spec.components.response(name, build(), lazy=True)
        spec.components.response(NOT_MODIFIED[0], NOT_MODIFIED[1](), lazy=True)
        spec.components.header("ETag", {
            "description": "A strong validator of the representation; send it back in `If-None-Match`.",
            "schema": {"type": "string"}, "example": '"3f1a9c0e5b7d2a4c"',
        }, lazy=True)
        spec.components.parameter("IfNoneMatch", "header", {
            "name": "If-None-Match",
            "description": "An ETag from an earlier answer: the answer is 304 with no body while it still "
                           "matches.\n\nExample: `If-None-Match: \"3f1a9c0e5b7d2a4c\"`",
            "schema": {"type": "string", "examples": ['"3f1a9c0e5b7d2a4c"']}, "required": False,
        }, lazy=True)

    def path_helper(self, path=None, operations=None, parameters=None, **kwargs):
        for parameter in parameters or []:
            if isinstance(parameter, dict) and parameter.get("in") == "path":
                self._complete_path_parameter(path, parameter)
        for operation in (operations or {}).values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if isinstance(parameter, dict) and parameter.get("in") == "path":
                    self._complete_path_parameter(path, parameter)
        return None

    @staticmethod
    def _complete_path_parameter(path, parameter):
        name = parameter.get("name")
        example = PATH_PARAMETER_EXAMPLES_BY_PATH.get((path, name), PATH_PARAMETER_EXAMPLES.get(name))
        if example is not None and "example" not in parameter and "examples" not in parameter:
            schema = parameter.get("schema") or {}
            if schema.get("type") == "integer" and isinstance(example, str) and example.isdigit():
                example = int(example)
            parameter["example"] = example
        if name in PATH_PARAMETER_DESCRIPTIONS:
            parameter.setdefault("description", PATH_PARAMETER_DESCRIPTIONS[name])
        # The bounds api.guard holds every path segment to.
        schema = parameter.get("schema")
        if isinstance(schema, dict) and schema.get("type") == "string":
            schema.setdefault("maxLength", MAX_PATH_SEGMENT_CHARS)
        elif isinstance(schema, dict) and schema.get("type") == "integer":
            schema.setdefault("maximum", MAX_PATH_NUMBER)

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        endpoint = getattr(rule, "endpoint", None) or kwargs.get("endpoint")
        for method, operation in (operations or {}).items():
            if method not in _VERBS or not isinstance(operation, dict):
                continue
            operation.setdefault("operationId", OPERATION_IDS.get((endpoint, method))
                                 or derive_operation_id(endpoint, method, path))
            self._add_example(operation)
            self._complete_parameters(operation)
            self._complete_responses(path, method, operation)

    def _add_example(self, operation):
        operation_id = operation["operationId"]
        if operation_id not in self.examples:
            return
        for status, response in operation.get("responses", {}).items():
            media = response.get("content", {}).get("application/json") if isinstance(response, dict) else None
            if str(status) == "200" and isinstance(media, dict):
                media.pop("example", None)
                media["examples"] = {"seed": {
                    "summary": f"GET {EXAMPLE_REQUESTS[operation_id]}",
                    "description": "The answer on the seed data (seeds/).",
                    "value": self.examples[operation_id],
                }}

    @staticmethod
    def _complete_parameters(operation):
        """Each parameter's example in one place, by whether it is required.

        A required parameter keeps it as the parameter's `example`: Swagger UI fills
        it in on "Try it out". An optional one gets it as its schema's `examples`
        (JSON Schema 2020-12): shown with the schema, and used by schemathesis, but
        not filled in, so "Try it out" then "Execute" sends a plain request rather
        than every filter at once (whose examples need not make sense together).
        """
        for parameter in operation.get("parameters", []):
            if not isinstance(parameter, dict) or not isinstance(parameter.get("schema"), dict):
                continue
            schema = parameter["schema"]
            examples = [e for e in (parameter.pop("example", None), schema.pop("example", None)) if e is not None]
            examples += [e for e in schema.pop("examples", []) if e not in examples]
            if schema.get("type") == "array":
                # An example of a comma-separated (explode: false) array is still an array.
                examples = [e.split(",") if isinstance(e, str) else e for e in examples]
            if not examples:
                continue
            if parameter.get("required"):
                parameter["example"] = examples[0]
                if len(examples) > 1:
                    schema["examples"] = examples
            else:
                schema["examples"] = examples
                # Swagger UI shows a parameter's schema examples nowhere: say it in words too.
                description = parameter.get("description", "")
                if "example" not in description.lower():
                    shown = _query_example(parameter, examples[0])
                    parameter["description"] = f"{description}\n\nExample: `{shown}`".strip()


    @staticmethod
    def _merged_by_status(responses: dict) -> dict:
        """One entry per status: flask-smorest keys @response by int and may key
        @alt_response (a CSV alternative of 200, say) by str; merge their media types."""
        merged: dict = {}
        for status, response in responses.items():
            status = str(status)
            if status in merged and isinstance(merged[status], dict) and isinstance(response, dict):
                first = merged[status]
                for key in ("content", "headers"):
                    if key in response:
                        first.setdefault(key, {}).update({k: v for k, v in response[key].items()
                                                          if k not in first.get(key, {})})
                if not first.get("description") and response.get("description"):
                    first["description"] = response["description"]
            else:
                merged[status] = response
        return merged

    def _complete_responses(self, path, method, operation):
        responses = operation["responses"] = self._merged_by_status(operation.get("responses", {}))
        # flask-smorest's own error documentation does not describe this service.
        for status in list(responses):
            if str(status) in ("422", "default", "412", "428"):
                del responses[status]
        statuses = PROBE_ERROR_STATUSES.get(path, COMMON_ERROR_STATUSES)
        for status in statuses:
            responses[status] = ERROR_RESPONSES[status][0]
        if method == "get" and path not in PROBE_ERROR_STATUSES:
            responses[304] = NOT_MODIFIED[0]
            # flask-smorest's own ETag documentation (from @blp.etag) gives way to ours.
            parameters = [p for p in operation.get("parameters", []) if p not in ("IF_NONE_MATCH", "IF_MATCH")]
            if not any(p == "IfNoneMatch" or (isinstance(p, dict) and p.get("name") == "If-None-Match")
                       for p in parameters):
                parameters.append("IfNoneMatch")
            operation["parameters"] = parameters
            for status, response in responses.items():
                if str(status).startswith("2") and isinstance(response, dict):
                    headers = response.setdefault("headers", {})
                    headers.pop("ETag", None) if headers.get("ETag") == "ETAG" else None
                    headers.setdefault("ETag", "ETag")
        if any(isinstance(p, dict) and p.get("in") == "query" and p.get("name") == "format"
               for p in operation.get("parameters", [])):
            self._add_csv(responses)
        # A stable order: success first, then the errors by status.
        operation["responses"] = dict(sorted(responses.items(), key=lambda item: str(item[0])))

    @staticmethod
    def _add_csv(responses):
        for status, response in responses.items():
            if str(status) == "200" and isinstance(response, dict):
                response.setdefault("content", {}).setdefault("text/csv", {
                    "schema": {"type": "string",
                               "description": "RFC 4180 CSV: a header row, then one row per item, "
                                              "nested lists joined with `; `."},
                })


class TreatyApi(Api):
    """flask-smorest's Api without its own error documentation (see SpecConventions)."""

    DEFAULT_ERROR_RESPONSE_NAME = None
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        """flask-smorest registers an `Error`-schema response per status; ours are problem+json."""

    def _register_pagination_header(self):
        """Lists page with cursors (`next_cursor`), not with flask-smorest's page numbers."""

    def _init_spec(self, **kwargs):
        super()._init_spec(**kwargs)
        # `openapi write` and `openapi print` in the canonical YAML (see `dump_yaml`).
        self._app.cli.add_command(openapi_cli)


def _document_probes(api: Api) -> None:
    api.spec.tag({"name": "health", "description": TAGS["health"]})
    api.spec.path(rule=Rule("/healthz", endpoint="health.healthz"), operations={"get": {
        "operationId": "getHealth",
        "summary": "Liveness probe",
        "description": "Answers 200 while the process is alive; it never touches the database, so it "
                       "stays 200 while the database is down.",
        "tags": ["health"],
        "responses": {200: {"description": "The process is alive.",
                            "content": {"application/json": {"schema": HealthSchema,
                                                             "example": {"status": "ok"}}}}},
    }})
    api.spec.path(rule=Rule("/readyz", endpoint="health.readyz"), operations={"get": {
        "operationId": "getReadiness",
        "summary": "Readiness probe",
        "description": "Answers 200 when the database answers and is migrated to the latest revision, "
                       "503 otherwise (with `Retry-After`).",
        "tags": ["health"],
        "responses": {200: {"description": "Ready to serve.",
                            "content": {"application/json": {"schema": ReadySchema,
                                                             "example": {"status": "ready",
                                                                         "migration": "0002"}}}}},
    }})


def init_api(app) -> Api:
    app.config.setdefault("API_TITLE", API_TITLE)
    app.config.setdefault("API_VERSION", API_VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {
            "description": INFO_DESCRIPTION,
            "license": {"name": "MIT", "identifier": "MIT"},
        },
    })
    api = TreatyApi(app, spec_kwargs={"extra_plugins": [SpecConventions()]})
    app.extensions["treaty_api"] = api

    _document_probes(api)

    from api.resources import register_blueprints

    register_blueprints(api)

    from api import docs

    docs.init_app(app)
    return api


TOP_LEVEL_ORDER = ("openapi", "info", "jsonSchemaDialect", "servers", "tags", "paths", "components")
OPERATION_ORDER = ("operationId", "summary", "description", "tags", "parameters", "requestBody", "responses")


def canonical(spec: dict) -> dict:
    """The document in a stable, readable order: top-level keys as the specification lists
    them, paths and components sorted by name, each operation's keys in OPERATION_ORDER."""
    def ordered(mapping: dict, first: tuple) -> dict:
        keys = [k for k in first if k in mapping] + sorted((k for k in mapping if k not in first), key=str)
        return {k: mapping[k] for k in keys}

    spec = ordered(spec, TOP_LEVEL_ORDER)
    paths = {}
    for path in sorted(spec.get("paths", {})):
        item = spec["paths"][path]
        paths[path] = {key: ordered(value, OPERATION_ORDER) if key in _VERBS and isinstance(value, dict) else value
                       for key, value in item.items()}
    spec["paths"] = paths
    if "components" in spec:
        spec["components"] = {section: dict(sorted(objects.items()))
                              for section, objects in sorted(spec["components"].items())}
    return spec


def spec_dict(app) -> dict:
    """The OpenAPI document as a dict, in canonical order."""
    return canonical(app.extensions["treaty_api"].spec.to_dict())


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # no &anchors and *aliases: every value written out
        return True


def _represent_str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(document: dict) -> str:
    """YAML as openapi.yaml holds it: keys in the document's order, text as written
    (UTF-8, multi-line descriptions as literal blocks)."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def spec_yaml(app) -> str:
    """The document exactly as `make openapi` writes it to openapi.yaml."""
    return dump_yaml(spec_dict(app))


def spec_json(app) -> str:
    return json.dumps(spec_dict(app), indent=2, ensure_ascii=False) + "\n"


openapi_cli = AppGroup("openapi", help="The OpenAPI document (`make openapi` writes openapi.yaml).")


@openapi_cli.command("write")
@click.option("-f", "--format", "format_", type=click.Choice(["json", "yaml"]), default="json")
@click.argument("output_file", type=click.File(mode="w", encoding="utf-8"))
@with_appcontext
def write_command(format_: str, output_file) -> None:
    """Write the OpenAPI document to OUTPUT_FILE (`-` for standard output)."""
    output_file.write(spec_yaml(current_app) if format_ == "yaml" else spec_json(current_app))


@openapi_cli.command("examples", with_appcontext=False)
@click.option("--seeds", default=str(Path(__file__).resolve().parent.parent / "seeds"), show_default=True,
              help="The seed files to draw the examples from.")
def examples_command(seeds: str) -> None:
    """Rewrite the 200 examples (api/static/openapi/examples.json) from the seed files,
    imported into a scratch SQLite database; then run `make openapi`."""
    import tempfile

    from api import create_app, migrate
    from api.db import dispose_engine

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/examples.sqlite3"
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "TESTING": True, "RATELIMIT_ENABLED": False})
        try:
            with app.app_context():  # the seed command works on current_app
                result = app.test_cli_runner().invoke(args=["seed", seeds])
            if result.exit_code != 0:
                raise click.ClickException(f"the seed import failed:\n{result.output}")
            examples = collect_examples(app)
        finally:
            dispose_engine(app)
    EXAMPLES_FILE.parent.mkdir(parents=True, exist_ok=True)
    EXAMPLES_FILE.write_text(json.dumps(examples, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    click.echo(f"Wrote {len(examples)} examples to {EXAMPLES_FILE}; now run `make openapi`.")


@openapi_cli.command("print")
@click.option("-f", "--format", "format_", type=click.Choice(["json", "yaml"]), default="json")
@with_appcontext
def print_command(format_: str) -> None:
    """Print the OpenAPI document."""
    click.echo(spec_yaml(current_app) if format_ == "yaml" else spec_json(current_app), nl=False)
