"""Per-client rate limiting: a 429 problem with Retry-After and RateLimit headers."""
import pytest

from api import create_app
from api.config import from_environment
from tests.conftest import make_app


@pytest.fixture
def limited_app(database_url):
    return create_app({"DATABASE_URL": database_url, "TESTING": True,
                       "RATELIMIT_ENABLED": True, "RATELIMIT_DEFAULT": "3 per minute"})


def test_a_client_over_its_limit_gets_a_429_problem(limited_app):
    client = limited_app.test_client()
    seen = []
    for _ in range(3):
        response = client.get("/no/such/page")  # unknown paths count too
        assert response.status_code == 404
        seen.append(response.headers["RateLimit-Remaining"])
        assert response.headers["RateLimit-Limit"] == "3"
        assert 0 < int(response.headers["RateLimit-Reset"]) <= 61
        assert response.headers["RateLimit-Policy"] == "3;w=60"
        assert "Retry-After" not in response.headers
    assert seen == ["2", "1", "0"]

    response = client.get("/no/such/page", headers={"X-Request-ID": "flood-1"})
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 61
    assert response.headers["RateLimit-Remaining"] == "0"
    assert response.json == {
        "type": "/problems/rate-limited",
        "title": "Too Many Requests",
        "status": 429,
        "detail": f"Too many requests from this client: the limit is 3 per 1 minute. "
                  f"Try again in {retry_after} seconds.",
        "instance": "/no/such/page",
        "request_id": "flood-1",
    }


def test_clients_are_counted_apart(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        assert client.get("/nothing", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 404
    assert client.get("/nothing", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 429
    assert client.get("/nothing", environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 404


def test_probes_are_never_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(10):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert "RateLimit-Limit" not in response.headers
    assert client.get("/readyz").status_code in (200, 503)
    assert client.get("/readyz").status_code != 429


def test_off_in_the_test_suite_and_on_by_default_elsewhere(monkeypatch, database_url):
    client = make_app(database_url).test_client()
    for _ in range(5):
        response = client.get("/no/such/page")
        assert "RateLimit-Limit" not in response.headers
    monkeypatch.delenv("RATELIMIT_ENABLED", raising=False)
    assert from_environment()["RATELIMIT_ENABLED"] is True
    monkeypatch.setenv("RATELIMIT_ENABLED", "false")
    assert from_environment()["RATELIMIT_ENABLED"] is False
    monkeypatch.setenv("RATELIMIT_DEFAULT", "10 per second")
    assert from_environment()["RATELIMIT_DEFAULT"] == "10 per second"
