"""`upstream serve` mounts the api function at `/`: the same app answers on the local port."""

from __future__ import annotations

from werkzeug.test import Client

from common.local.runner import wsgi_app
from tests import api_helpers
from tests.api_helpers import PASSWORD, bearer

world, w = api_helpers.world, api_helpers.w  # fixtures


def test_the_local_runner_serves_the_api_at_the_root(w):
    client = Client(wsgi_app(w.app))
    assert client.get("/health").json == {"status": "ok", "database": "ok"}
    token = client.post(
        "/v1/auth/token", json={"email": w.a.email("owner"), "password": PASSWORD}
    ).json["access_token"]
    me = client.get("/v1/auth/me", headers=bearer(token))
    assert me.status_code == 200 and me.json["customer"]["slug"] == "alpha"
    assert client.get("/api/health").status_code == 200  # also under its function name


def test_health_is_503_when_the_database_is_unreachable(w, tmp_path):
    from common.bootstrap import Container, use_container
    from common.config import Settings

    broken = Container(
        Settings(home=tmp_path, database_url="postgresql+pg8000://nobody@127.0.0.1:1/none")
    )
    use_container(broken)
    try:
        response = w.client.get("/health")
    finally:
        use_container(w.app)
    assert response.status_code == 503
    assert response.json == {"status": "degraded", "database": "unreachable"}


def test_recompute_as_of_must_be_plausible(w):
    token = w.a.tokens["admin"]
    response = w.client.post("/v1/recompute", json={"as_of": "1999-12-31"}, headers=bearer(token))
    assert response.status_code == 422
