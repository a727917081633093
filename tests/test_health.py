from api.db import dispose_engine
from tests.conftest import make_app


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready"
    assert response.json["migration"]


def test_readyz_is_a_503_problem_on_an_unmigrated_database(databases):
    url = databases.new_empty()
    app = make_app(url)
    try:
        response = app.test_client().get("/readyz")
    finally:
        dispose_engine(app)
        databases.drop(url)
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"]
    body = response.json
    assert body["status"] == 503
    assert body["type"] == "/problems/database-not-migrated"
    assert "not at head" in body["detail"]
