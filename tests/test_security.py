"""Security basics: no debug mode outside tests, and security headers on every answer."""
import re

import pytest

from api import create_app
from api.security import API_CSP, DOCS_CSP


def test_debug_mode_is_off_outside_tests_whatever_flask_debug_says(monkeypatch, database_url):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"DATABASE_URL": database_url})
    assert app.debug is False
    assert app.config["DEBUG"] is False


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/no/such/thing", "/openapi.json"])
def test_json_answers_carry_nosniff_and_a_deny_all_csp(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == API_CSP
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_error_answers_carry_the_headers_too(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == API_CSP


def test_docs_page_may_run_its_own_assets_and_nothing_else(client, app):
    response = client.get(app.config.get("DOCS_PATH", "/docs"))
    if response.status_code == 404:
        pytest.skip("no documentation page is served yet")
    csp = response.headers["Content-Security-Policy"]
    assert csp == DOCS_CSP
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no inline or foreign scripts
    assert directives["style-src"] == "'self'"
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in csp
    assert "http" not in csp  # no other origin
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_docs_page_has_no_inline_script_or_style(client, app):
    response = client.get(app.config.get("DOCS_PATH", "/docs"), follow_redirects=True)
    if response.status_code == 404:
        pytest.skip("no documentation page is served yet")
    html = response.get_data(as_text=True)

    for tag in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S | re.I):
        assert not tag.strip(), "an inline script would be blocked by the docs CSP"
    assert not re.search(r"<style\b|\sstyle=", html, flags=re.I), "inline styles would be blocked by the docs CSP"
