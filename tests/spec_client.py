"""A Flask test client that holds every response of the suite to the OpenAPI document.

conftest makes it every test app's `test_client_class`, so each JSON or
problem+json body that any test receives is validated against the schema that
openapi.yaml gives for its operation (the request path matched to a path
template), status and media type. A status or media type the document does not
list for that operation fails the test at once. Bodies that are not JSON (CSV,
the docs page) are not validated, but their media type must still be documented
for a documented operation.

Routes outside the document (an unknown path, a method that a path does not
allow, the docs and the document themselves) may only answer problem+json
errors, which are validated against the `Problem` schema.

A test that must see an answer the document cannot describe passes
`spec_check=False` to the request, or sets `app.config["SPEC_CHECK"] = False`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from flask.testing import FlaskClient
from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:treaty-clause-api:openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Served beside the API, not part of it: the document itself and its browser.
UNDOCUMENTED_ROUTES = re.compile(r"^/(openapi\.(json|yaml)|docs(/.*)?)$")
PROBLEM_MEDIA_TYPE = "application/problem+json"


class SpecViolation(AssertionError):
    """A response that the OpenAPI document does not describe."""


def _pointer(*parts: str) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")


@dataclass
class Operation:
    template: str
    method: str
    doc: dict


class SpecValidator:
    """Validates responses against one OpenAPI document."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.registry = Registry().with_resource(
            SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012)
        )
        self._validators: dict[str, OAS31Validator] = {}
        templates = []
        for template in spec.get("paths", {}):
            segments = template.strip("/").split("/")
            pattern = "".join(
                "/[^/]+" if re.fullmatch(r"\{[^}]+\}", s) else "/" + re.escape(s) for s in segments
            )
            literal = sum(1 for s in segments if not s.startswith("{"))
            templates.append((-literal, template, re.compile(pattern)))
        # The most literal template wins: /v1/parties/{code} after /v1/parties/xyz would.
        self._templates = sorted(templates)

    _shared: dict[str, SpecValidator] = {}

    @classmethod
    def for_app(cls, app) -> SpecValidator:
        """The validator of `app`'s document; apps with the same document share one."""
        validator = app.extensions.get("spec_validator")
        if validator is None:
            from api.openapi import spec_json

            text = spec_json(app)
            if text not in cls._shared:
                cls._shared[text] = cls(json.loads(text))
            validator = app.extensions["spec_validator"] = cls._shared[text]
        return validator

    # -- lookups ---------------------------------------------------------------------
    def match_path(self, path: str) -> str | None:
        for _, template, pattern in self._templates:
            if pattern.fullmatch(path):
                return template
        return None

    def operation(self, method: str, path: str) -> Operation | None:
        template = self.match_path(path)
        if template is None:
            return None
        method = method.lower()
        item = self.spec["paths"][template]
        if method == "head" and "head" not in item:
            method = "get"  # HEAD is answered wherever GET is
        if method not in item:
            return None
        return Operation(template, method, item[method])

    def _resolve(self, obj: dict, pointer: str) -> tuple[dict, str]:
        while "$ref" in obj:
            ref = obj["$ref"]
            assert ref.startswith("#/"), ref
            pointer = ref[1:]
            obj = self.spec
            for part in ref[2:].split("/"):
                obj = obj[part.replace("~1", "/").replace("~0", "~")]
        return obj, pointer

    def _validator(self, pointer: str) -> OAS31Validator:
        if pointer not in self._validators:
            self._validators[pointer] = OAS31Validator(
                {"$ref": f"{SPEC_URI}#{pointer}"},
                registry=self.registry,
                format_checker=OAS31Validator.FORMAT_CHECKER,
            )
        return self._validators[pointer]

    def _validate_body(self, body, pointer: str, where: str) -> None:
        errors = list(self._validator(pointer).iter_errors(body))
        if errors:
            error = best_match(errors)
            location = "/".join(str(p) for p in error.absolute_path) or "(the body)"
            raise SpecViolation(
                f"{where}: the body does not match the documented schema ({pointer}):\n"
                f"  at {location}: {error.message}\n"
                f"  ({len(errors)} error(s); body: {json.dumps(body, ensure_ascii=False)[:1500]})"
            )

    # -- the check ---------------------------------------------------------------------
    def check(self, response) -> None:
        request = response.request
        method = request.method.upper()
        path = request.path
        status = str(response.status_code)
        where = f"{method} {request.full_path.rstrip('?')} -> {status} {response.mimetype}"
        operation = self.operation(method, path)

        if operation is None:
            if (UNDOCUMENTED_ROUTES.match(path) or method == "OPTIONS") and response.status_code < 400:
                return  # the docs, the document, CORS preflights
            if response.status_code < 400:
                raise SpecViolation(f"{where}: {method} {path} is not in the OpenAPI document")
            if method != "HEAD" and _is_json(response.mimetype):
                self._validate_body(self._body(response, where), _pointer("components", "schemas", "Problem"), where)
            return

        responses = operation.doc.get("responses", {})
        key = status if status in responses else f"{status[0]}XX" if f"{status[0]}XX" in responses else None
        if key is None:
            raise SpecViolation(
                f"{where}: status {status} is not documented for {operation.method.upper()} {operation.template} "
                f"(documented: {', '.join(sorted(responses))}); body: {response.get_data(as_text=True)[:500]}"
            )
        documented, pointer = self._resolve(
            responses[key], _pointer("paths", operation.template, operation.method, "responses", key)
        )
        content = documented.get("content", {})
        if method == "HEAD" or response.status_code in (204, 304) or not content:
            if content == {} and response.get_data() and method != "HEAD" and _is_json(response.mimetype):
                raise SpecViolation(f"{where}: a body is sent where the document describes none")
            return
        if response.mimetype not in content:
            raise SpecViolation(
                f"{where}: media type {response.mimetype} is not documented for status {status} "
                f"(documented: {', '.join(content)})"
            )
        if not _is_json(response.mimetype):
            return
        schema_pointer = pointer + _pointer("content", response.mimetype, "schema")  # `pointer` is escaped
        self._validate_body(self._body(response, where), schema_pointer, where)

    @staticmethod
    def _body(response, where):
        try:
            return json.loads(response.get_data(as_text=True))
        except ValueError as error:
            raise SpecViolation(f"{where}: the body is not JSON ({error})") from None


class SpecClient(FlaskClient):
    """FlaskClient whose every response is checked by `SpecValidator` (see the module doc)."""

    def open(self, *args, spec_check: bool = True, **kwargs):
        response = super().open(*args, **kwargs)
        if spec_check and self.application.config.get("SPEC_CHECK", True):
            SpecValidator.for_app(self.application).check(response)
        return response
