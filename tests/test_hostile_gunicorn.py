"""The front server's limits sit above the application's: through a real gunicorn
with the project's gunicorn.conf.py, everything the application can see is
answered with its own problem+json, and only a request beyond gunicorn's hard
maximum gets gunicorn's bare 414 or 431."""
from __future__ import annotations

import json

import pytest

from tests.hostile.servers import Gunicorn, get, raw

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def server(databases, empty_template):
    url = databases.copy(empty_template)
    with Gunicorn(url) as running:
        yield running
    databases.drop(url)


def request_bytes(target: str, headers: dict | None = None, extra: list[bytes] | None = None) -> bytes:
    lines = [f"GET {target} HTTP/1.1".encode("latin-1"), b"Host: 127.0.0.1", b"Connection: close"]
    lines += [f"{k}: {v}".encode("latin-1") for k, v in (headers or {}).items()]
    lines += extra or []
    return b"\r\n".join(lines) + b"\r\n\r\n"


def assert_problem(answer, status: int, type_: str) -> dict:
    assert answer.status == status, answer
    assert answer.mimetype == PROBLEM, answer
    body = json.loads(answer.body)
    assert body["status"] == status and body["type"] == type_, body
    return body


def test_query_string_over_the_app_bound_is_the_apps_414_problem(server):
    answer = raw(server.port, request_bytes("/v1/agreements?q=" + "a" * 6000))
    assert_problem(answer, 414, "/problems/uri-too-long")


def test_request_line_beyond_gunicorns_maximum_is_its_bare_414(server):
    answer = raw(server.port, request_bytes("/v1/agreements?q=" + "a" * 8200))
    assert answer.status == 414
    assert answer.mimetype != PROBLEM


def test_header_over_the_app_bound_is_the_apps_431_problem(server):
    answer = raw(server.port, request_bytes("/healthz", {"X-Padding": "p" * 12000}))
    assert_problem(answer, 431, "/problems/request-headers-too-large")


def test_many_headers_over_the_app_bound_are_the_apps_431_problem(server):
    answer = raw(server.port, request_bytes("/healthz", {f"X-H{i}": "1" for i in range(150)}))
    assert_problem(answer, 431, "/problems/request-headers-too-large")


def test_header_beyond_gunicorns_maximum_is_its_bare_431(server):
    answer = raw(server.port, request_bytes("/healthz", {"X-Padding": "p" * 17000}))
    assert answer.status == 431
    assert answer.mimetype != PROBLEM


@pytest.mark.parametrize("target, status, type_", [
    ("/v1/agreements?q=%ff%fe", 400, "/problems/invalid-parameters"),
    ("/v1/agreements?q=%zz", 400, "/problems/invalid-parameters"),
    ("/v1/agreements?q=a%00b", 400, "/problems/invalid-parameters"),
    ("/v1/agreements/%ff", 400, "/problems/malformed-request"),
    ("/v1/agreements/%zz", 400, "/problems/malformed-request"),
    ("/v1/agreements/a%00b", 400, "/problems/malformed-request"),
    ("/v1/agreements/" + "x" * 300, 414, "/problems/uri-too-long"),
    ("/v1/agreements/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404, "about:blank"),
    ("/docs/..%2f..%2f..%2fetc%2fpasswd", 404, "about:blank"),
])
def test_raw_hostile_targets_get_problems_through_gunicorn(server, target, status, type_):
    answer = raw(server.port, request_bytes(target))
    assert_problem(answer, status, type_)
    assert answer.elapsed < 1
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("conditional", [False, True])
def test_every_header_is_sent_once(server, conditional):
    etag = get(server.port, "/v1/agreements").headers["etag"]
    answer = raw(server.port, request_bytes("/v1/agreements", {"If-None-Match": etag} if conditional else None))
    assert answer.status == (304 if conditional else 200)
    names = answer.header_names
    assert sorted(set(names)) == sorted(names), names
    assert {"date", "etag", "vary", "cache-control", "access-control-allow-origin",
            "content-security-policy", "x-request-id"} <= set(names)
