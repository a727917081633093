"""Every error is RFC 9457 problem+json, with no stack trace."""
import pytest
from flask import Blueprint


def test_unknown_path_is_a_404_problem(client):
    response = client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No resource at /no/such/thing.",
        "instance": "/no/such/thing",
        "request_id": response.headers["X-Request-ID"],
    }


def test_wrong_method_is_a_405_problem_with_allow(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]
    assert response.json["detail"] == "POST is not allowed on /healthz."


@pytest.fixture
def failing_app(app):
    boom = Blueprint("boom", __name__)

    @boom.get("/boom")
    def explode():
        raise RuntimeError("secret internals")

    app.register_blueprint(boom)
    return app


def test_unhandled_error_is_a_500_problem_without_internals(failing_app, caplog):
    response = failing_app.test_client().get("/boom", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == 500
    assert body["request_id"] == "req-123"
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert any("req-123" in str(getattr(r, "msg", "")) or r.exc_info for r in caplog.records)


def test_request_id_is_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-1"}).headers["X-Request-ID"] == "abc-1"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id"}).headers["X-Request-ID"]
    assert made != "bad id" and len(made) == 32
