"""schemathesis over every operation of the OpenAPI document, against the live app on
the seeded database (SQLite, or PostgreSQL with TEST_DATABASE_URL).

Every operation goes through the examples, coverage and fuzzing phases, and each
answer must pass `not_a_server_error`, `status_code_conformance`,
`content_type_conformance`, `response_schema_conformance` and
`negative_data_rejection`. The run is deterministic (derandomized, no example
database) and bounded: SCHEMATHESIS_MAX_EXAMPLES fuzzing examples per operation.
"""
from __future__ import annotations

import os
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from api import create_app
from api.openapi import spec_dict

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "50"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# The statuses with which the service refuses a request that breaks the document:
# 400 for a bad parameter, 404 for a path naming nothing, 414 and 431 for input
# beyond its bounds.
REJECTION_STATUSES = ["400", "404", "414", "431"]


def schemathesis_config() -> schemathesis.Config:
    return schemathesis.Config.from_dict({
        "generation": {
            "deterministic": True,
            "database": "none",
            "max-examples": MAX_EXAMPLES,
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "checks": {
            "negative_data_rejection": {"expected-statuses": REJECTION_STATUSES},
        },
    })


def _document() -> dict:
    """The document the app generates (equal to openapi.yaml, see test_openapi)."""
    app = create_app({"DATABASE_URL": "sqlite://", "TESTING": True})
    return spec_dict(app)


schema = schemathesis.openapi.from_dict(_document(), config=schemathesis_config())


@pytest.fixture(scope="session")
def served_app(shared_seeded_app):
    """The app as a front server hands it requests: schemathesis's WSGI transport sets
    RAW_URI and REQUEST_URI to the bare path, where gunicorn and werkzeug's server pass
    the whole request target (path and query), which api.guard reads."""
    def app(environ, start_response):
        path = environ.get("PATH_INFO", "/")
        try:
            raw = path.encode("latin-1")  # WSGI strings carry the bytes as latin-1
        except UnicodeEncodeError:
            raw = path.encode("utf-8")
        target = quote(raw, safe="/:@!$&'()*+,;=-._~")
        if environ.get("QUERY_STRING"):
            target += "?" + environ["QUERY_STRING"]
        environ["RAW_URI"] = environ["REQUEST_URI"] = target
        return shared_seeded_app(environ, start_response)

    return app


@schema.parametrize()
@settings(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_document(case, served_app):
    case.call_and_validate(app=served_app, checks=CHECKS)
