"""Issue 12 item 9 through the deployed api function: POST /v1/users with an address that
belongs to another customer must look like any new user (201), never 409 and never 5xx."""

from __future__ import annotations

import pytest

from tests.api_helpers import PASSWORD, call, world  # noqa: F401 - world is a fixture


@pytest.fixture
def w(world):  # noqa: F811 - the module-scoped world, its container installed per test
    from common.bootstrap import use_container

    use_container(world.app)
    yield world
    use_container(None)


def create(w, email: str):
    body = {"email": email, "role": "viewer", "password": PASSWORD}
    return call(w.client, "POST", "/v1/users", w.a.tokens["admin"], body)


def test_the_own_customers_address_is_still_a_conflict(w):
    assert create(w, w.a.email("viewer")).status_code == 409


def test_another_customers_address_is_answered_as_if_new(w):
    fresh = create(w, "someone.new@alpha.test")
    theirs = create(w, w.b.email("analyst"))  # bravo's analyst
    assert fresh.status_code == 201, fresh.json
    assert theirs.status_code == 201, theirs.json
    assert set(theirs.json) == set(fresh.json)
    assert theirs.json["email"] == w.b.email("analyst") and theirs.json["role"] == "viewer"
