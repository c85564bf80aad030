"""The issue-6 tests' client of the JSON API (the `api` fixture). The procurement flow,
descriptions and schemas are in tests/support/pilots.py, the page helpers in
tests/support/web.py."""
from __future__ import annotations

import json
import re
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from support.web import absolute_refs, body

API = "/api/v1"


class ApiClient:
    """Calls /api/v1 with a bearer token and checks every answer against the OpenAPI document
    the API publishes (the documented schema for the path, method and status)."""

    def __init__(self, client, document: dict[str, Any]) -> None:
        self.client = client
        self.document = document
        self.registry = Registry().with_resource(
            "urn:hankeflow:openapi", Resource.from_contents(document, default_specification=DRAFT202012))
        self.validator_class = Draft202012Validator

    def _template(self, path: str) -> str:
        for template in sorted(self.document["paths"], key=lambda p: (p.count("{"), p)):
            pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
            if re.match(pattern, path):
                return template
        raise AssertionError(f"{path} is not documented")

    def request(self, method: str, path: str, token: str | None = None, json_body: Any = None,
                lang: str | None = None):
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if lang:
            headers["Accept-Language"] = lang
        kwargs: dict[str, Any] = {"headers": headers}
        if json_body is not None:
            kwargs.update(data=json.dumps(json_body), content_type="application/json")
        response = self.client.open(API + path, method=method, **kwargs)
        assert response.status_code < 500, body(response)
        operation = self.document["paths"][self._template(path.partition("?")[0])][method.lower()]
        documented = operation["responses"].get(str(response.status_code))
        assert documented is not None, f"{method} {path}: {response.status_code} is not documented"
        if "$ref" in documented:
            documented = self.document["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
        schema = documented["content"]["application/json"]["schema"]
        validator = self.validator_class(absolute_refs(schema), registry=self.registry)
        errors = sorted(validator.iter_errors(response.get_json()), key=lambda e: list(e.path))
        assert not errors, f"{method} {path}: {errors[0].message} at {list(errors[0].path)}"
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs):
        return self.request("POST", path, json_body=body, **kwargs)
