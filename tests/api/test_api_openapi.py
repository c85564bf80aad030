"""The published OpenAPI 3.1 document: valid, complete, and what the API actually does."""
from __future__ import annotations

import re

from openapi_spec_validator import validate

from workflow.web.api.registry import COLLECTIONS

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def test_the_document_is_valid_openapi_31(api):
    """Is GET /openapi.json a valid OpenAPI 3.1 document (openapi-spec-validator)?"""
    document = api.get("/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any violation of the 3.1 schema


def test_every_route_is_documented_and_nothing_else(app, openapi_document):
    """Does the document describe exactly the API's routes, with every method?"""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method.lower(), path))
    generic = {(m, p) for m, p in routes if p.startswith("/{collection_name}")}
    concrete = routes - generic
    normalise = {"{call_id}": "{id}", "{submission_id}": "{id}"}
    for old, new in normalise.items():
        concrete = {(m, p.replace(old, new)) for m, p in concrete}
    documented = {(method, path) for path, item in openapi_document["paths"].items()
                  for method in item if method in HTTP_METHODS}
    for method, path in generic:  # /{collection}/{id}/...: one documented path per collection
        for collection in COLLECTIONS:  # calls, submissions and those later issues register
            concrete.add((method, path.replace("{collection_name}", collection)
                          .replace("{object_id}", "{id}")))
    assert concrete == documented


def test_every_operation_is_described(openapi_document):
    """Has every operation a unique operationId, a summary, its error responses with the error
    schema, and security (bearer, or explicitly none)?"""
    ids = []
    for path, item in openapi_document["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            ids.append(op["operationId"])
            assert op["summary"]
            assert "default" in op["responses"] or path == "/openapi.json"
            if op.get("security", openapi_document["security"]) == [{"bearerAuth": []}]:
                assert "401" in op["responses"], (method, path)
            if "requestBody" in op:
                assert {"413", "415", "422"} <= set(op["responses"]), (method, path)
    assert len(ids) == len(set(ids))
    assert openapi_document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A token from POST /tokens."}
    error = openapi_document["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "details"]
