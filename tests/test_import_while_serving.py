"""Serving while importing: a seed import running beside the server never shows
readers a half-imported database, and the server keeps answering meanwhile.

The import runs in a process of its own (as `treaty-api seed` would beside a
running gunicorn) while this test polls the list endpoints' totals. The import
writes in one transaction, so, in the order the answers were given, every total
reads as before the import until one moment and as after it from then on.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from api import create_app
from api.db import dispose_engine

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = os.environ.get("TEST_IMPORT_SEED_DIR", "seeds")
SLOW = 2.0


def total(client, path: str) -> tuple[int, int | None, float]:
    started = time.perf_counter()
    response = client.get(path, query_string={"count": "true", "limit": "1"})
    elapsed = time.perf_counter() - started
    body = response.get_json(silent=True) or {}
    return response.status_code, body.get("total"), elapsed


@pytest.fixture
def serving_app(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "RATELIMIT_ENABLED": False})
    yield app
    dispose_engine(app)


def test_readers_see_all_before_or_all_after_while_a_seed_import_runs(serving_app, database_url):
    if "seed" not in serving_app.cli.commands:
        pytest.skip("there is no seed command yet")
    client = FlaskClient(serving_app, serving_app.response_class)
    paths = sorted(rule.rule for rule in serving_app.url_map.iter_rules()
                   if rule.rule.startswith("/v1/") and "GET" in rule.methods and not rule.arguments)
    before = {}
    for path in paths:
        status, count, _ = total(client, path)
        if status == 200 and count is not None:
            before[path] = count
    assert before, "no list endpoint answers count=true"

    importer = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "seed", SEED_DIR],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []  # (path, status, total, seconds) in the order the answers came
    deadline = time.monotonic() + 300
    try:
        while importer.poll() is None and time.monotonic() < deadline:
            for path in before:
                seen.append((path, *total(client, path)))
    finally:
        if importer.poll() is None:
            importer.kill()
        output = importer.communicate()[0]
    assert importer.returncode == 0, output
    after = {path: total(client, path)[1] for path in before}
    changed = [path for path in before if before[path] != after[path]]
    assert changed, f"the import changed no total: {before} -> {after}"
    assert len(seen) >= 20, f"only {len(seen)} answers while importing: poll faster or import more"

    failures = [s for s in seen if s[1] != 200 or s[3] >= SLOW]
    assert not failures, f"answers while importing that failed or were slow: {failures[:10]}"

    states = []
    for path, _, count, _ in seen:
        if path not in changed:
            continue
        state = "before" if count == before[path] else "after" if count == after[path] else "half"
        states.append((state, path, count))
    assert not [s for s in states if s[0] == "half"], [s for s in states if s[0] == "half"][:10]
    flipped = next((i for i, s in enumerate(states) if s[0] == "after"), len(states))
    late = [s for s in states[flipped:] if s[0] == "before"]
    assert not late, f"a total read as before the import after another read as after it: {late[:10]}"
