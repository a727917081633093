"""Hostile input across every operation: never a 5xx, never a stack trace, every
4xx a problem+json, each answered in well under a second.

The operations are read from the application's URL map and their parameters
from its OpenAPI document, so a new endpoint is covered as soon as it exists.
Raw-level bounds (api/guard.py) are asserted exactly; parameter-level ones
(impossible dates, huge numbers, repeated single-valued parameters, tampered
cursors) are asserted wherever the OpenAPI document declares such a parameter.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from api import create_app
from tests.hostile.corpus import (CONTROL_CHARACTERS, HOSTILE_VALUES, HUGE_NUMBERS, IMPOSSIBLE_DATES,
                                  INVALID_UTF8, MALFORMED_PERCENT, TAMPERED_CURSORS)

PROBLEM = "application/problem+json"
SLOW = 1.0  # seconds; every answer must come well inside this
LEAKS = re.compile(r"Traceback \(most recent call last\)|File \"/|sqlalchemy\.|psycopg\.|sqlite3\.|\bat 0x[0-9a-f]+")
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE", "TRACE"]


def _spec_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _operations() -> list[str]:
    app = create_app({"DATABASE_URL": "sqlite://", "TESTING": True, "RATELIMIT_ENABLED": False})
    return sorted(rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods)


OPERATIONS = _operations()


@dataclass
class Case:
    label: str
    url: str
    headers: dict = field(default_factory=dict)
    method: str = "GET"
    status: int | tuple | None = None  # None: any status below 500
    type: str | None = None  # the problem type expected, when status is given
    names: str | None = None  # the parameter an invalid-parameters problem must name


@pytest.fixture
def target(request, app):
    """The seeded shared app when the seed command exists, else a migrated empty one."""
    if "seed" in app.cli.commands:
        return request.getfixturevalue("shared_seeded_app")
    return app


def plain_client(app) -> FlaskClient:
    """A client that leaves the answers to this module's own checks: the OpenAPI
    document need not list every refusal (414, 431) for every operation."""
    return FlaskClient(app, app.response_class)


def _query_parameters(app, rule: str) -> list[dict]:
    spec = app.extensions["treaty_api"].spec.to_dict()
    item = spec.get("paths", {}).get(_spec_path(rule), {})
    params = list(item.get("parameters", [])) + list(item.get("get", {}).get("parameters", []))
    return [p for p in params if p.get("in") == "query"]


def _fill(rule: str, values: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule)


def _real_path_values(client, rule: str) -> dict:
    """A real value for each path argument, looked up from the list one level up."""
    values = {}
    for match in re.finditer(r"<(?:[^:<>]+:)?([^<>]+)>", rule):
        name = match.group(1)
        parent = _fill(rule[: match.start()].rstrip("/"), values)
        value = "unknown"
        response = client.get(parent, query_string={"limit": "1"}) if parent else None
        if response is not None and response.status_code == 200 and response.is_json:
            items = (response.json or {}).get("items") if isinstance(response.json, dict) else None
            if items:
                item = items[0]
                for key in (name, name.removesuffix("_id"), "id", "code", "slug", "number"):
                    if key in item and isinstance(item[key], (str, int)):
                        value = quote(str(item[key]), safe="")
                        break
        values[name] = value
    return values


def _sample(param: dict) -> str:
    schema = param.get("schema", {})
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    if "enum" in schema:
        return str(schema["enum"][0])
    if "default" in schema and not isinstance(schema["default"], (list, dict)):
        return str(schema["default"]).lower() if isinstance(schema["default"], bool) else str(schema["default"])
    return {"integer": "1", "number": "1", "boolean": "true"}.get(
        schema.get("type"), "2025-01-01" if schema.get("format") == "date" else "a")


def corpus(app, client, rule: str) -> list[Case]:
    args = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)
    real = _real_path_values(client, rule)
    path = _fill(rule, real)
    params = _query_parameters(app, rule)
    names = [p["name"] for p in params] or ["q"]
    cases: list[Case] = []

    # Routes beside the API (probes, the document, the docs, static files) take no
    # parameters: a quarter of the values is enough to show they shrug them off.
    values = HOSTILE_VALUES if rule.startswith("/v1/") else HOSTILE_VALUES[::4]

    # Hostile path segments, each argument in turn (or after the path when it has none).
    segment_values = values if args else values[::4]
    for arg in args or [None]:
        for value in segment_values:
            url = _fill(rule, {**real, arg: value}) if arg else f"{path.rstrip('/')}/{value}"
            cases.append(Case(f"path {arg}={value[:40]}", url))
        for value in MALFORMED_PERCENT[1:] + INVALID_UTF8 + CONTROL_CHARACTERS:
            url = _fill(rule, {**real, arg: value}) if arg else f"{path.rstrip('/')}/{value}"
            cases.append(Case(f"raw path {value}", url, status=400, type="/problems/malformed-request"))
        url = _fill(rule, {**real, arg: "a" * 201}) if arg else f"{path.rstrip('/')}/{'a' * 201}"
        cases.append(Case("overlong segment", url, status=414, type="/problems/uri-too-long"))
        url = _fill(rule, {**real, arg: "9" * 30}) if arg else f"{path.rstrip('/')}/{'9' * 30}"
        cases.append(Case("huge number segment", url, status=(400, 404) if arg else 404))

    # Hostile query values: every one in full-text search, spread over the other parameters.
    others = [n for n in names if n != "q"] or names
    for i, value in enumerate(values):
        for name in {others[i % len(others)], *(["q"] if "q" in names else [])}:
            cases.append(Case(f"query {name}={value[:40]}", f"{path}?{name}={value}"))
    cases.append(Case("unknown parameter", f"{path}?zz_no_such_parameter=1"))
    cases.append(Case("everything repeated", f"{path}?" + "&".join(f"{n}=a&{n}=b" for n in names)))

    # Raw-level bounds: exact answers from the guard.
    name = names[0]
    for value in MALFORMED_PERCENT[1:] + INVALID_UTF8 + CONTROL_CHARACTERS:
        cases.append(Case(f"raw value {value}", f"{path}?{name}={value}", status=400,
                          type="/problems/invalid-parameters", names=name))
    cases.append(Case("raw name", f"{path}?%ff%fe=1", status=400, type="/problems/invalid-parameters"))
    cases.append(Case("long value", f"{path}?{name}={'x' * 1001}", status=400,
                      type="/problems/invalid-parameters", names=name))
    cases.append(Case("too many parameters", f"{path}?" + "&".join(["a=1"] * 101), status=400,
                      type="/problems/invalid-parameters"))
    cases.append(Case("long query string", f"{path}?{name}={'y' * 4100}", status=414,
                      type="/problems/uri-too-long"))
    cases.append(Case("large header", path, headers={"X-Padding": "h" * 8200}, status=431,
                      type="/problems/request-headers-too-large"))
    cases.append(Case("many headers", path, headers={f"X-H{i}": "1" for i in range(101)}, status=431,
                      type="/problems/request-headers-too-large"))
    cases.append(Case("hostile request id", path, headers={"X-Request-ID": "\u202e<script>' OR 1=1"}))
    for method in WRITE_METHODS:
        cases.append(Case(f"method {method}", path, method=method, status=(404, 405) if args else 405))

    # Parameter-level bounds, wherever the OpenAPI document declares such a parameter.
    for param in params:
        name, schema = param["name"], param.get("schema", {})
        if schema.get("type") != "array":
            sample = _sample(param)
            cases.append(Case(f"repeated {name}", f"{path}?{name}={quote(sample)}&{name}={quote(sample)}",
                              status=400, type="/problems/invalid-parameters", names=name))
        item = schema.get("items", schema) if schema.get("type") == "array" else schema
        if item.get("format") == "date":
            cases += [Case(f"date {name}={v}", f"{path}?{name}={v}", status=400,
                           type="/problems/invalid-parameters", names=name) for v in IMPOSSIBLE_DATES]
        if item.get("type") == "integer":
            cases += [Case(f"number {name}={v[:20]}", f"{path}?{name}={v}", status=400,
                           type="/problems/invalid-parameters", names=name) for v in HUGE_NUMBERS]
        if "cursor" in name:
            cases += [Case(f"cursor {v[:20]}", f"{path}?{name}={v}", status=400,
                           type="/problems/invalid-parameters", names=name) for v in TAMPERED_CURSORS]
    return cases


def check(client, case: Case) -> str | None:
    """What is wrong with the answer to `case`, or None."""
    started = time.perf_counter()
    response = client.open(case.url, method=case.method, headers=case.headers)
    elapsed = time.perf_counter() - started
    body = response.get_data(as_text=True)
    where = f"{case.method} {case.url[:120]!r} ({case.label})"
    if response.status_code >= 500:
        return f"{where}: {response.status_code} {body[:300]}"
    if elapsed >= SLOW:
        return f"{where}: took {elapsed:.2f} s"
    if LEAKS.search(body):
        return f"{where}: internals in the body: {body[:300]}"
    if response.status_code >= 400:
        if response.mimetype != PROBLEM:
            return f"{where}: {response.status_code} as {response.mimetype}, not {PROBLEM}"
        problem = response.get_json(force=True)
        missing = {"type", "title", "status", "detail"} - set(problem)
        if missing or problem["status"] != response.status_code:
            return f"{where}: not a whole problem: {problem}"
    if case.status is not None:
        if response.status_code not in (case.status if isinstance(case.status, tuple) else (case.status,)):
            return f"{where}: {response.status_code}, expected {case.status}: {body[:300]}"
        problem = response.get_json(force=True)
        if case.type and problem.get("type") != case.type:
            return f"{where}: problem type {problem.get('type')}, expected {case.type}"
        if case.names and case.names not in [p.get("name") for p in problem.get("invalid_params", [])]:
            return f"{where}: the problem does not name {case.names}: {problem}"
    return None


def test_every_operation_is_covered_by_at_least_300_hostile_requests(target):
    client = plain_client(target)
    total = sum(len(corpus(target, client, rule)) for rule in OPERATIONS)
    assert OPERATIONS and total >= 300, (OPERATIONS, total)


@pytest.mark.parametrize("rule", OPERATIONS)
def test_hostile_requests_are_refused_cleanly(target, rule):
    client = plain_client(target)
    cases = corpus(target, client, rule)
    failures = [failure for failure in (check(client, case) for case in cases) if failure]
    assert not failures, f"{len(failures)} of {len(cases)} requests failed:\n" + "\n".join(failures[:25])


@pytest.fixture
def client(app):
    return plain_client(app)


def test_guard_problem_names_the_bound_and_keeps_request_id(client):
    response = client.get("/healthz?q=" + "z" * 5000, headers={"X-Request-ID": "hostile-1"})
    assert response.status_code == 414
    assert response.json == {
        "type": "/problems/uri-too-long",
        "title": "URI Too Long",
        "status": 414,
        "detail": "The query string is longer than 4096 bytes.",
        "instance": "/healthz",
        "request_id": "hostile-1",
    }


def test_invalid_utf8_in_a_query_value_is_a_400_naming_the_parameter(client):
    response = client.get("/healthz?q=%ff", headers={"X-Request-ID": "hostile-2"})
    assert response.status_code == 400
    assert response.json == {
        "type": "/problems/invalid-parameters",
        "title": "Invalid request parameters",
        "status": 400,
        "detail": "q: The value is not valid UTF-8 once percent-decoded.",
        "instance": "/healthz",
        "request_id": "hostile-2",
        "invalid_params": [{"name": "q", "reason": "The value is not valid UTF-8 once percent-decoded."}],
    }


def test_nul_byte_in_the_path_is_a_400_problem(client):
    response = client.get("/healthz%00.json")
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert response.json["detail"] == "The path holds a NUL byte."


def test_bounds_are_configurable(database_url):
    from tests.conftest import make_app

    app = make_app(database_url)
    app.config["GUARD_MAX_QUERY_STRING_BYTES"] = 10
    client = plain_client(app)
    assert client.get("/healthz?a=123456").status_code == 200
    assert client.get("/healthz?a=1234567890").status_code == 414
