"""The OpenAPI document: served, checked in without drift, and fuzzed against the app.

Schemathesis generates requests from the document (bounded: a few examples per operation)
and checks every response: no 5xx, a documented status, the documented content type and
headers, and a body that matches its schema.
"""

from __future__ import annotations

import json
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from common.commands.api_tools import openapi_text
from common.web.openapi import document
from common.web.routes import route_table
from tests import api_helpers
from tests.api_helpers import API_SOURCE

world, w = api_helpers.world, api_helpers.w  # fixtures
DOCS = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def test_checked_in_document_matches_the_code():
    assert DOCS.read_text() == openapi_text(), (
        "docs/openapi.json is stale: run `upstream openapi > docs/openapi.json`"
    )


def test_the_document_is_served_and_covers_every_route(w):
    served = w.client.get("/v1/openapi.json")
    assert served.status_code == 200 and served.json == json.loads(openapi_text())
    doc = document(route_table())
    assert doc["openapi"] == "3.1.0"
    for route in route_table():
        operation = doc["paths"][route.path][route.method.lower()]
        assert operation["security"] == ([{"bearerAuth": []}] if route.role else [])


def _fuzz_schema():
    """The generated document bound to the deployed app (its container comes per test)."""
    import functions_framework

    loaded = schemathesis.openapi.from_dict(json.loads(openapi_text()))
    loaded.app = functions_framework.create_app(target="api", source=API_SOURCE)
    return loaded


schema = _fuzz_schema()


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_fuzz_every_operation_from_the_document(case, w):
    headers = {"Authorization": f"Bearer {w.a.tokens['owner']}"}
    if case.operation.path == "/v1/auth/logout":
        headers = {}  # logging the owner out would turn the rest of the run into 401s
    case.call_and_validate(headers=headers, checks=CHECKS)
