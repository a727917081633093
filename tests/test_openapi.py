"""The OpenAPI document: valid 3.1, equal to the committed openapi.yaml, served at
/openapi.yaml and /openapi.json, complete for every operation, and browsable at
/docs from the project's own assets."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from api.db import dispose_engine
from api.openapi import EXAMPLE_REQUESTS, derive_operation_id, load_examples, spec_dict, spec_yaml
from tests.conftest import make_app
from tests.spec_client import SpecValidator, SpecViolation

COMMITTED = Path(__file__).resolve().parent.parent / "openapi.yaml"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
REGENERATE = "openapi.yaml differs from what the application generates: run `make openapi` and commit it"


@pytest.fixture(scope="module")
def spec_app(databases, empty_template):
    """The document does not depend on the data: an app on an empty database."""
    url = databases.copy(empty_template)
    app = make_app(url)
    yield app
    dispose_engine(app)
    databases.drop(url)


@pytest.fixture(scope="module")
def spec(spec_app):
    return spec_dict(spec_app)


@pytest.fixture
def docs_client(spec_app):
    return spec_app.test_client()


def operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def resolve(spec, obj):
    while isinstance(obj, dict) and "$ref" in obj:
        node = spec
        for part in obj["$ref"][2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        obj = node
    return obj


def walk(node, trail=()):
    yield trail, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, trail + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, trail + (index,))


# -- one document, valid, committed, served ------------------------------------------------

def test_the_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_the_committed_openapi_yaml_is_valid_openapi_3_1():
    validate(yaml.safe_load(COMMITTED.read_text(encoding="utf-8")), cls=OpenAPIV31SpecValidator)


def test_the_committed_openapi_yaml_is_what_the_app_generates(spec_app):
    assert COMMITTED.read_text(encoding="utf-8") == spec_yaml(spec_app), REGENERATE


def test_openapi_yaml_is_served_as_committed(docs_client):
    response = docs_client.get("/openapi.yaml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    assert response.get_data() == COMMITTED.read_bytes()
    assert response.headers["ETag"]


def test_openapi_json_is_served_with_the_committed_content(docs_client):
    response = docs_client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.get_data(as_text=True)) == yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))


def test_the_documents_answer_304_to_their_etag(docs_client):
    for path in ("/openapi.yaml", "/openapi.json"):
        etag = docs_client.get(path).headers["ETag"]
        again = docs_client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.get_data() == b""


def test_make_openapi_writes_the_committed_file(spec_app, tmp_path):
    """`make openapi` runs `treaty-api openapi write --format yaml openapi.yaml`."""
    target = tmp_path / "openapi.yaml"
    result = spec_app.test_cli_runner().invoke(args=["openapi", "write", "--format", "yaml", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), REGENERATE


# -- complete: every operation documented -----------------------------------------------------

def test_every_route_of_the_app_is_documented(spec_app, spec):
    """Each GET route under /v1 and the probes appear in the document."""
    documented = {(path, method) for path, method, _ in operations(spec)}
    for rule in spec_app.url_map.iter_rules():
        if rule.endpoint.startswith(("docs.", "static")):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {rule.rule} is not documented"


def test_every_operation_has_an_id_summary_description_and_declared_tags(spec):
    ids = [op.get("operationId") for _, _, op in operations(spec)]
    assert all(ids) and len(ids) == len(set(ids)), ids
    declared = {tag["name"]: tag.get("description") for tag in spec.get("tags", [])}
    for path, method, op in operations(spec):
        where = f"{method.upper()} {path}"
        assert op["operationId"][:1].islower() and op["operationId"].isalnum(), where
        assert op.get("summary"), f"{where} has no summary"
        assert op.get("description"), f"{where} has no description"
        assert op.get("tags"), f"{where} has no tags"
        for tag in op["tags"]:
            assert declared.get(tag), f"{where}: tag {tag!r} is not declared with a description"


def test_the_operation_ids_are_the_readable_ones(spec):
    ids = {(method, path): op["operationId"] for path, method, op in operations(spec)}
    expected = {
        ("get", "/healthz"): "getHealth",
        ("get", "/readyz"): "getReadiness",
        ("get", "/v1/agreements"): "listAgreements",
        ("get", "/v1/agreements/{agreement_id}"): "getAgreement",
        ("get", "/v1/parties"): "listParties",
    }
    for key, operation_id in expected.items():
        if key in ids:
            assert ids[key] == operation_id


@pytest.mark.parametrize("endpoint, method, path, expected", [
    ("agreements.list_agreements", "get", "/v1/agreements", "listAgreements"),
    ("agreements.Agreements", "get", "/v1/agreements", "listAgreements"),
    ("agreements.AgreementDetail", "get", "/v1/agreements/{agreement_id}", "getAgreement"),
    ("agreements.AgreementArticles", "get", "/v1/agreements/{agreement_id}/articles", "listAgreementArticles"),
    ("parties.PartyView", "get", "/v1/parties/{code}", "getParty"),
    (None, "get", "/v1/clause-types", "listV1ClauseTypes"),
])
def test_operation_ids_are_derived_from_the_view_name(endpoint, method, path, expected):
    assert derive_operation_id(endpoint, method, path) == expected


def test_every_parameter_has_a_described_type_and_an_example(spec):
    for path, method, op in operations(spec):
        parameters = list(spec["paths"][path].get("parameters", [])) + list(op.get("parameters", []))
        for parameter in parameters:
            parameter = resolve(spec, parameter)
            where = f"{method.upper()} {path} parameter {parameter['name']}"
            schema = parameter.get("schema", {})
            assert schema.get("type") or schema.get("enum"), f"{where} has no type"
            assert "example" in parameter or schema.get("examples"), f"{where} has no example"
            assert parameter.get("description"), f"{where} has no description"


def test_every_operation_answers_problems_for_400_and_404_and_gets_answer_304(spec):
    for path, method, op in operations(spec):
        responses = op["responses"]
        where = f"{method.upper()} {path}"
        assert "200" in responses, where
        assert "400" in responses, where
        if path.startswith("/v1/"):
            assert "404" in responses and "503" in responses, where
            if method == "get":
                assert resolve(spec, responses["304"]).get("content") is None, where
                assert "ETag" in resolve(spec, responses["200"]).get("headers", {}), where
        for status, response in responses.items():
            response = resolve(spec, response)
            if status.startswith(("4", "5")):
                assert list(response["content"]) == ["application/problem+json"], f"{where} {status}"
                media = response["content"]["application/problem+json"]
                assert media["schema"] == {"$ref": "#/components/schemas/Problem"}, f"{where} {status}"
                assert media.get("examples") or media.get("example"), f"{where} {status} has no example"
            if status == "200":
                assert "application/json" in response["content"], where


def test_lists_document_their_csv_representation(spec):
    for path, method, op in operations(spec):
        names = {resolve(spec, p).get("name") for p in op.get("parameters", [])}
        if "format" in names:
            assert "text/csv" in resolve(spec, op["responses"]["200"])["content"], f"{method.upper()} {path}"


def test_flask_smorests_own_error_documentation_is_gone(spec):
    for path, method, op in operations(spec):
        assert not {"422", "default"} & set(op["responses"]), f"{method.upper()} {path}"
    components = spec.get("components", {})
    assert "Error" not in components.get("schemas", {})
    assert "PaginationMetadata" not in components.get("schemas", {})
    assert not {"UNPROCESSABLE_CONTENT", "DEFAULT_ERROR"} & set(components.get("responses", {}))
    problem = components["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}


def test_nullable_fields_are_openapi_3_1_type_lists(spec):
    for trail, node in walk(spec):
        if isinstance(node, dict):
            assert "nullable" not in node and "x-nullable" not in node, "/".join(map(str, trail))


def test_info_description_explains_the_conventions(spec):
    text = spec["info"]["description"]
    for topic in ("## Identifiers", "## Dates", "cursor", "## Filters", "## Errors", "## CSV", "ETag",
                  "## Sources and disputed values", "disputes", "application/problem+json"):
        assert topic in text


def test_the_problem_examples_are_what_the_api_answers(seeded_client, spec):
    """The 400 example is the answer to GET /v1/agreements?partie=RUS (but for the request id)."""
    if "/v1/agreements" not in spec["paths"]:
        pytest.skip("/v1/agreements is not built yet")
    examples = spec["components"]["responses"]
    for name, url in (("BadRequest", "/v1/agreements?partie=RUS"),
                      ("NotFound", "/v1/agreements/ru-ir-no-such-agreement")):
        example = next(iter(examples[name]["content"]["application/problem+json"]["examples"].values()))["value"]
        body = seeded_client.get(url).json
        body.pop("request_id", None), example.pop("request_id")
        assert body == example, name


def test_every_api_operation_has_a_200_example_from_the_seed_data(spec):
    for path, method, op in operations(spec):
        if path.startswith("/v1/"):
            media = resolve(spec, op["responses"]["200"])["content"]["application/json"]
            assert media.get("examples", {}).get("seed"), f"{method.upper()} {path}: add it to EXAMPLE_REQUESTS"


def test_the_200_examples_are_what_the_seeded_api_answers(seeded_client):
    """Stale examples are wrong examples: `treaty-api openapi examples` on a seeded
    database rewrites them, then `make openapi`."""
    stored = load_examples()
    assert set(stored) == set(EXAMPLE_REQUESTS)
    for operation_id, url in EXAMPLE_REQUESTS.items():
        response = seeded_client.get(url)
        assert response.status_code == 200, url
        assert response.json == stored[operation_id], (
            f"{operation_id}: the example differs from GET {url}; run `treaty-api openapi examples` on a seeded "
            "database, then `make openapi`")


def test_the_bounds_examples_are_what_the_api_answers(docs_client, spec):
    examples = spec["components"]["responses"]
    for name, kwargs in (("UriTooLong", {"path": "/v1/agreements?" + "&".join(["sector=" + "a" * 90] * 50)}),
                         ("RequestHeaderFieldsTooLarge", {"path": "/v1/agreements", "headers": {"User-Agent": "a" * 9000}})):
        example = next(iter(examples[name]["content"]["application/problem+json"]["examples"].values()))["value"]
        body = docs_client.get(**kwargs).json
        body.pop("request_id", None), example.pop("request_id")
        assert body == example, name


# -- the spec client holds responses to the document -------------------------------------------

def test_the_spec_client_rejects_a_body_that_breaks_the_schema(spec_app, spec):
    broken = json.loads(json.dumps(spec))
    broken["components"]["schemas"]["Health"]["properties"]["status"] = {"type": "integer"}
    response = spec_app.test_client().get("/healthz", spec_check=False)
    with pytest.raises(SpecViolation, match="does not match the documented schema"):
        SpecValidator(broken).check(response)


def test_the_spec_client_rejects_an_undocumented_status(spec_app, spec):
    broken = json.loads(json.dumps(spec))
    del broken["paths"]["/healthz"]["get"]["responses"]["200"]
    response = spec_app.test_client().get("/healthz", spec_check=False)
    with pytest.raises(SpecViolation, match="status 200 is not documented"):
        SpecValidator(broken).check(response)


def test_the_spec_client_matches_paths_to_their_templates(spec):
    validator = SpecValidator(spec)
    assert validator.match_path("/healthz") == "/healthz"
    assert validator.match_path("/no/such/thing") is None
    if "/v1/agreements/{agreement_id}/articles/{number}" in spec["paths"]:
        assert (validator.match_path("/v1/agreements/ru-ir-comprehensive-strategic-partnership-2025/articles/3")
                == "/v1/agreements/{agreement_id}/articles/{number}")
        assert validator.match_path("/v1/agreements") == "/v1/agreements"


# -- /docs ---------------------------------------------------------------------------------------

class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.inline_scripts: list[str] = []
        self.inline_styles = 0
        self._in_script_without_src = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "data-spec-url"):
            if attrs.get(name):
                self.urls.append((tag, attrs[name]))
        if "style" in attrs or tag == "style":
            self.inline_styles += 1
        self._in_script_without_src = tag == "script" and not attrs.get("src")
        if any(name.startswith("on") for name in attrs):
            self.inline_scripts.append(f"<{tag}> event handler")

    def handle_data(self, data):
        if self._in_script_without_src and data.strip():
            self.inline_scripts.append(data.strip()[:80])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script_without_src = False


def test_docs_is_swagger_ui_from_this_server_only(docs_client):
    response = docs_client.get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = _Assets()
    page.feed(response.get_data(as_text=True))
    assert page.inline_scripts == [], "scripts must be files of their own (CSP script-src 'self')"
    assert page.inline_styles == 0
    assert {url for tag, url in page.urls if tag == "script"} == {"/docs/swagger-ui-bundle.js", "/docs/docs.js"}
    for tag, url in page.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"<{tag}> loads {url} from another host"
        assert docs_client.get(url).status_code == 200, url
    assert ("div", "/openapi.json") in page.urls


def test_docs_assets_are_served_with_their_types(docs_client):
    for name, mimetype in (("swagger-ui-bundle.js", "text/javascript"), ("docs.js", "text/javascript"),
                           ("swagger-ui.css", "text/css"), ("docs.css", "text/css"),
                           ("favicon-32x32.png", "image/png")):
        response = docs_client.get(f"/docs/{name}")
        assert response.status_code == 200, name
        assert response.mimetype == mimetype, name
        assert response.headers["Cache-Control"]
    assert docs_client.get("/docs/index.html").status_code == 404
    assert docs_client.get("/docs/../api/docs.py").status_code == 404


def test_swagger_ui_speaks_openapi_3_1(docs_client):
    """Swagger UI renders OpenAPI 3.1 from version 5 on."""
    bundle = docs_client.get("/docs/swagger-ui-bundle.js").get_data(as_text=True)
    assert "isOAS31" in bundle


def test_the_swagger_ui_start_script_reads_the_spec_url_from_the_page(docs_client):
    script = docs_client.get("/docs/docs.js").get_data(as_text=True)
    assert "data-spec-url" in script
    assert "validatorUrl: null" in script
    assert "http" not in script


def test_docs_runs_under_a_content_security_policy_without_inline_scripts(docs_client):
    policy = docs_client.get("/docs").headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";") if d.strip())
    script_src = directives.get("script-src", directives.get("default-src", ""))
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "*" not in script_src and "http" not in script_src
