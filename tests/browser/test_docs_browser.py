"""/docs in a real browser: headless Chromium (Debian's `chromium` and
`chromium-driver` packages) driven through chromedriver with selenium.

A live server (werkzeug, threaded, on 127.0.0.1 in 8100-8199) serves the app on
the seeded database. The page must list every operation of the OpenAPI
document, load nothing from another host, break no rule of its
Content-Security-Policy, and "Try it out" on GET /v1/agreements must show a 200.

Run with `make test-browser` (`pytest -m browser`).
"""
from __future__ import annotations

import shutil
import socket
import threading

import pytest
from werkzeug.serving import make_server

from api.openapi import spec_dict

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--window-size=1400,2400",
]
PORTS = range(8100, 8200)
TIMEOUT = 30


def _free_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8100-8199")


@pytest.fixture(scope="module")
def live_server(shared_seeded_app):
    port = _free_port()
    server = make_server("127.0.0.1", port, shared_seeded_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    for program, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not shutil.which(program):
            pytest.fail(f"{program} is missing: apt-get install -y {package}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(TIMEOUT)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def docs(browser, live_server):
    """/docs loaded and rendered: every operation's block on the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(live_server + "/docs")
    WebDriverWait(browser, TIMEOUT).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock"))
    return browser


def documented_operations(app) -> set[tuple[str, str, str]]:
    spec = spec_dict(app)
    return {(method.upper(), path, op["operationId"])
            for path, item in spec["paths"].items() for method, op in item.items()
            if isinstance(op, dict) and "operationId" in op}


def test_docs_lists_every_operation(docs, shared_seeded_app):
    from selenium.webdriver.common.by import By

    listed = set()
    for block in docs.find_elements(By.CSS_SELECTOR, ".opblock"):
        method = block.find_element(By.CSS_SELECTOR, ".opblock-summary-method").text.strip()
        path = block.find_element(By.CSS_SELECTOR, ".opblock-summary-path").get_attribute("data-path")
        operation_id = block.find_element(By.CSS_SELECTOR, ".opblock-summary-operation-id").text.strip()
        listed.add((method, path, operation_id))
    assert listed == documented_operations(shared_seeded_app)
    assert "Treaty Clause API" in docs.find_element(By.CSS_SELECTOR, ".info .title").text


def test_docs_loads_nothing_from_another_host(docs, live_server):
    resources = docs.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert any(url.endswith("/openapi.json") for url in resources), resources
    assert any(url.endswith("/docs/swagger-ui-bundle.js") for url in resources), resources
    foreign = [url for url in resources if not url.startswith(live_server + "/") and not url.startswith("data:")]
    assert foreign == []


def test_docs_breaks_no_rule_of_its_content_security_policy(docs):
    problems = [entry["message"] for entry in docs.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert problems == []


def test_try_it_out_on_list_agreements_shows_a_200(docs):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    block = docs.find_element(By.ID, "operations-agreements-listAgreements")
    docs.execute_script("arguments[0].scrollIntoView()", block)
    block.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    WebDriverWait(docs, TIMEOUT).until(lambda d: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"))
    block.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
    WebDriverWait(docs, TIMEOUT).until(lambda d: block.find_elements(By.CSS_SELECTOR, "button.execute"))
    block.find_element(By.CSS_SELECTOR, "button.execute").click()
    WebDriverWait(docs, TIMEOUT).until(
        lambda d: block.find_elements(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status"))
    status = block.find_element(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_status").text.strip()
    url = block.find_element(By.CSS_SELECTOR, ".request-url pre").text.strip()
    body = block.find_element(By.CSS_SELECTOR, ".live-responses-table tbody .response-col_description").text
    assert status.startswith("200"), f"{url} -> {status}: {body[:1000]}"
    assert '"items"' in body and '"next_cursor"' in body
