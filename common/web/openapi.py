"""OpenAPI 3.1 generated from the route table and the same pydantic models that validate.

`upstream openapi` prints it; docs/openapi.json is the checked-in copy (a test fails on drift).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence

from pydantic.json_schema import models_json_schema

from common.web.models.common import ErrorResponse
from common.web.routing import PARAM_KINDS, Route

REF = "#/components/schemas/{model}"
DOWNLOAD_TYPES = ("application/pdf", "text/csv", "application/octet-stream")
STATUS_TEXT = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Malformed request",
    401: "Missing, invalid, expired or revoked token", 403: "Role too low",
    404: "Not found (or another customer's)", 409: "Conflict", 413: "Body over 1 MiB",
    415: "Body is not JSON", 422: "Invalid parameters or body", 429: "Too many requests",
    503: "Database unreachable",
}  # fmt: skip


# Operations that answer without the database (everything else can be 503 with Retry-After).
STATIC_PATHS = frozenset({"/v1/openapi.json"})


def _error_statuses(route: Route) -> list[int]:
    statuses = set(route.errors)
    if route.role:
        statuses.add(401)
        if route.role != "viewer":
            statuses.add(403)
    if "{" in route.path:
        statuses.add(404)  # a missing row, another tenant's row, or an id that cannot exist
    if route.query:
        statuses |= {400, 422}  # 400: a cursor that is not ours
    if route.body:
        statuses |= {400, 413, 415, 422}
    if route.path not in STATIC_PATHS:
        statuses.add(503)  # the database is down or restarting: the same request may work later
    return sorted(statuses)


def _query_parameters(route: Route) -> list[dict]:
    if not route.query:
        return []
    props = route.query.model_json_schema(ref_template=REF)["properties"]
    params = []
    for name, schema in props.items():
        schema = copy.deepcopy(schema)
        schema.pop("title", None)
        options = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
        if options:  # optional parameter: the null branch has no query-string form
            schema = options[0] | {k: v for k, v in schema.items() if k != "default"}
        description = schema.pop("description", None)
        param = {"name": name, "in": "query", "required": False, "schema": schema}
        if description:
            param["description"] = description
        params.append(param)
    return params


def _operation(route: Route, refs: dict) -> dict:
    op = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "description": (route.handler.__doc__ or "").strip()
        + (f" Requires the {route.role} role or higher." if route.role else ""),
        "tags": [route.tag],
        "security": [{"bearerAuth": []}] if route.role else [],
        "parameters": [
            {"name": n, "in": "path", "required": True, "schema": PARAM_KINDS[k][1]}
            for n, k in _path_kinds(route).items()
        ]
        + _query_parameters(route),
        "responses": _responses(route, refs),
    }
    if route.body:
        required = bool(route.body.model_json_schema().get("required"))
        op["requestBody"] = {
            "required": required,
            "content": {"application/json": {"schema": refs[(route.body, "validation")]}},
        }
    return op


def _path_kinds(route: Route) -> dict[str, str]:
    names = re.findall(r"\{(\w+)\}", route.path)
    return {n: route.params.get(n, "uuid") for n in names}


def _responses(route: Route, refs: dict) -> dict:
    responses: dict[str, dict] = {}
    if route.media:
        binary = {"schema": {"type": "string", "format": "binary"}}
        responses["200"] = {"description": "OK", "content": dict.fromkeys(DOWNLOAD_TYPES, binary)}
    elif route.response is None:
        responses["204"] = {"description": "No Content"}
    else:
        body = {"application/json": {"schema": refs[(route.response, "serialization")]}}
        responses[str(route.status)] = {"description": STATUS_TEXT[route.status], "content": body}
    error = {"application/json": {"schema": refs[(ErrorResponse, "serialization")]}}
    for status in _error_statuses(route):
        if status == 503 and 503 in route.errors and route.response is not None:
            # /health answers 503 with its own document (database: unreachable)
            content = {"application/json": {"schema": refs[(route.response, "serialization")]}}
        else:
            content = error
        responses[str(status)] = {"description": STATUS_TEXT[status], "content": content}
        if status in (429, 503) and not (status == 503 and 503 in route.errors):
            responses[str(status)]["headers"] = {
                "Retry-After": {"description": "seconds", "schema": {"type": "integer"}}
            }
    return responses


# Route holds a dict, so a route table cannot key functools.cache; it is keyed by identity
# instead (route_table() returns the same tuple every call). The table is kept beside its
# document so its id cannot be reused by another object.
_documents: dict[int, tuple[Sequence[Route], dict]] = {}


def document(routes: Sequence[Route]) -> dict:
    """The whole OpenAPI 3.1 document of `routes`, built once per route table."""
    built = _documents.get(id(routes))
    if built is None or built[0] is not routes:
        built = _documents[id(routes)] = (routes, _document(routes))
    return built[1]


def _document(routes: Sequence[Route]) -> dict:
    pairs = {(ErrorResponse, "serialization")}
    for route in routes:
        if route.body:
            pairs.add((route.body, "validation"))
        if route.response:
            pairs.add((route.response, "serialization"))
    ordered = sorted(pairs, key=lambda p: (p[0].__name__, p[1]))
    refs, schema = models_json_schema(ordered, ref_template=REF)
    paths: dict[str, dict] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Upstream API",
            "version": "1",
            "description": "Early-warning payer intelligence. JSON over HTTPS; JWT bearer "
            "tokens from POST /v1/auth/token. Lists take `limit` (1-200) and the opaque "
            "`cursor` of the previous page. Errors: {error: {code, message, details, "
            "request_id}}.",
        },
        "paths": paths,
        "components": {
            "schemas": schema.get("$defs", {}),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
