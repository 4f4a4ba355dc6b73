"""Hypothesis fuzz of the API's request parsing (issue 12): bodies and query strings with NUL
bytes, lone surrogates, deep nesting, huge or non-finite numbers, calendar-edge dates and
wrong types, on a handful of writes (one unauthenticated) and reads. Never a 5xx; every
refusal carries the error envelope.

Schemathesis (test_api_openapi.py) covers each operation from its documented schema; this
goes where the schema does not lead: values no valid request would hold. Derandomized and
bounded (a few hundred requests, well under a minute).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.web.routes import route_table
from tests import api_helpers
from tests.api_helpers import BODIES, bearer, concrete

world, w = api_helpers.world, api_helpers.w  # fixtures

FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
ROUTES = {(r.method, r.path): r for r in route_table()}
# (method, path, role or None): writes that reach SQL with client strings; users and webhook
# URLs are left out (argon2 hashing and URL resolution would make each example slow).
WRITES = [
    ("POST", "/v1/auth/token", None),
    ("POST", "/v1/auth/refresh", None),
    ("POST", "/v1/alert-rules", "admin"),
    ("PATCH", "/v1/alert-rules/{id}", "admin"),
    ("PATCH", "/v1/webhooks/{id}", "admin"),
    ("POST", "/v1/payer-aliases", "admin"),
    ("PATCH", "/v1/payer-aliases/{id}", "admin"),
    ("POST", "/v1/column-mappings", "admin"),
    ("POST", "/v1/alerts/{id}/feedback", "analyst"),
    ("POST", "/v1/recompute", "admin"),
]
SKIP_FIELDS = {("PATCH", "/v1/webhooks/{id}"): {"url"}}
READS = [
    "/v1/claims",
    "/v1/payers/summary",
    "/v1/signals/{product}",
    "/v1/alerts",
    "/v1/uploads",
    "/v1/reports",
    "/v1/alert-rules",
]

# Every code point, surrogates (category Cs) and NUL included.
any_char = st.characters(codec=None, exclude_categories=())
nasty_text = st.one_of(
    st.text(any_char, max_size=30),
    st.text(any_char, max_size=10).map(lambda s: f"a{s}\x00{s}"),
    st.sampled_from(["\ud800", "x\udfff", "\x00", "0001-01-01", "9999-12-31", "-1", "1e999"]),
    st.integers(1, 5000).map(lambda n: "x" * n),
)
huge_numbers = st.one_of(
    st.integers(min_value=2**63 - 2, max_value=10**40),
    st.integers(min_value=-(10**40), max_value=-(2**63) + 2),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -1e308, 5e-324, 0.1]),
)
scalars = st.one_of(st.none(), st.booleans(), nasty_text, huge_numbers)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(nasty_text, inner, max_size=4)
    ),
    max_leaves=12,
)


def _deep(depth: int, kind: str) -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


# Raw texts that json.dumps would not produce.
raw_values = st.one_of(
    st.builds(_deep, st.integers(1, 3000), st.sampled_from(["list", "dict"])),
    st.integers(1, 5000).map(lambda n: "9" * n),
    st.integers(1, 400).map(lambda n: f"1e{n * 3}"),
    st.sampled_from(["Infinity", "-Infinity", "NaN", '"\\ud800"', '"\\u0000"', '"\\udfff\\ud800"']),
)


@st.composite
def bodies(draw, method: str, path: str) -> bytes:
    """A valid body with one field (known or not) replaced, or something else entirely."""
    route = ROUTES[(method, path)]
    base = dict(BODIES.get((method, path)) or {})
    fields = sorted(set(route.body.model_fields) - SKIP_FIELDS.get((method, path), set()))
    shape = draw(st.sampled_from(["field", "field", "field-raw", "anything", "bytes"]))
    if shape == "bytes":
        return draw(st.binary(max_size=200))
    if shape == "anything":
        return json.dumps(draw(json_values)).encode()
    key = draw(st.one_of(st.sampled_from(fields), nasty_text)) if fields else draw(nasty_text)
    if shape == "field":
        base[key] = draw(json_values)
        return json.dumps(base).encode()
    raw = draw(raw_values)  # spliced in as raw JSON text
    encoded = json.dumps(base | {key: None})
    return encoded.replace(f"{json.dumps(key)}: null", f"{json.dumps(key)}: {raw}").encode()


def _quote(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


EDGE_VALUES = ["0001-01-01", "0001-01-02", "9999-12-31", "0000-00-00", "200", "a\x00b", "\x00"]


@st.composite
def query_strings(draw, path: str) -> str:
    """One of the route's parameters with a hostile value, and maybe another pair."""
    route = ROUTES[("GET", path)]
    names = sorted(route.query.model_fields) if route.query else ["x"]
    values = st.one_of(
        st.sampled_from(EDGE_VALUES),
        nasty_text,
        huge_numbers.map(str),
        raw_values,
    )
    pairs = {draw(st.sampled_from(names)): draw(values)}
    if draw(st.booleans()):
        key = draw(st.one_of(st.sampled_from(names), nasty_text))
        pairs.setdefault(key, draw(values))
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in pairs.items())


def _assert_answered(response, label):
    assert response.status_code < 500, (label, response.status_code, response.data[:300])
    if response.status_code >= 400:
        assert response.mimetype == "application/json", label
        error = response.json["error"]
        assert set(error) == {"code", "message", "details", "request_id"}, label


def _token(w, role):
    return w.a.tokens["owner" if role == "admin" else role] if role else None


@pytest.mark.parametrize(("method", "path", "role"), WRITES, ids=lambda v: str(v))
def test_hostile_bodies_never_get_a_5xx(w, method, path, role):
    target, _ = concrete(ROUTES[(method, path)], w.a)
    token = _token(w, role)

    @FUZZ
    @given(body=bodies(method, path))
    def run(body):
        headers = bearer(token) if token else {}
        response = w.client.open(
            target,
            method=method,
            data=body,
            content_type="application/json",
            headers=headers,
            environ_base={"REMOTE_ADDR": "10.66.0.1"},  # login failures throttle this one
        )
        _assert_answered(response, body[:200])

    run()


@pytest.mark.parametrize("path", READS)
def test_hostile_query_strings_never_get_a_5xx(w, path):
    target, _ = concrete(ROUTES[("GET", path)], w.a)
    token = w.a.tokens["viewer"]

    @FUZZ
    @given(query=query_strings(path))
    def run(query):
        response = w.client.get(f"{target}?{query}", headers=bearer(token))
        _assert_answered(response, query[:200])

    run()
