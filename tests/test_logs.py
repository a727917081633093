"""Structured JSON logs: a request id on every line, one access line per request,
and no password in any line."""
import json
import logging

from api.logs import JsonFormatter, mask_secrets


def _access_records(caplog):
    return [r for r in caplog.records if r.name == "api.access"]


def test_request_id_is_accepted_and_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "client-abc.1"})
    assert response.headers["X-Request-ID"] == "client-abc.1"


def test_unfit_request_id_is_replaced_by_a_fresh_one(client):
    for bad in ["has space", "x" * 129, "semi;colon", '{"forged": 1}']:
        made = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert made != bad and len(made) == 32


def test_each_request_leaves_one_json_access_line_with_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="api.access")
    client.get("/healthz", headers={"X-Request-ID": "rid-1"})
    client.get("/missing", headers={"X-Request-ID": "rid-2"})
    records = _access_records(caplog)
    assert [r.status for r in records] == [200, 404]
    formatter = JsonFormatter()
    # Format inside a request context so the request fields are there, as in production.
    lines = [json.loads(formatter.format(r)) for r in records]
    for line, record in zip(lines, records):
        assert line["logger"] == "api.access"
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert line["status"] == record.status
        assert line["level"] == "INFO"
    assert lines[0]["message"] == "GET /healthz 200"
    assert lines[1]["message"] == "GET /missing 404"


def test_access_line_carries_the_request_id(app, capsys):
    # Run the real handler: lines go to stdout as JSON objects.
    from api import logs

    handler = logging.StreamHandler(__import__("sys").stdout)
    handler.setFormatter(JsonFormatter())
    logs.access_log.addHandler(handler)
    try:
        app.test_client().get("/healthz", headers={"X-Request-ID": "rid-xyz"})
    finally:
        logs.access_log.removeHandler(handler)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "api.access"]
    assert access and access[-1]["request_id"] == "rid-xyz"
    assert access[-1]["method"] == "GET" and access[-1]["path"] == "/healthz"
    assert access[-1]["status"] == 200


def test_passwords_are_masked():
    assert mask_secrets("postgresql+psycopg://api:s3cr3t@db:5432/treaties") == \
        "postgresql+psycopg://api:***@db:5432/treaties"
    assert mask_secrets("host=db user=api password=s3cr3t dbname=x") == "host=db user=api password=*** dbname=x"
    assert mask_secrets("sqlite:////srv/instance/treaties.sqlite3") == "sqlite:////srv/instance/treaties.sqlite3"


def test_no_password_reaches_a_log_line_even_in_an_exception():
    formatter = JsonFormatter()
    try:
        raise RuntimeError("cannot connect to postgresql://api:hunter2@db/treaties")
    except RuntimeError:
        import sys

        record = logging.LogRecord("api.db", logging.ERROR, __file__, 1,
                                   "engine for %s failed", ("postgresql://api:hunter2@db/treaties",), sys.exc_info())
    line = formatter.format(record)
    assert "hunter2" not in line
    entry = json.loads(line)
    assert entry["message"] == "engine for postgresql://api:***@db/treaties failed"
    assert "postgresql://api:***@db/treaties" in entry["exception"]
