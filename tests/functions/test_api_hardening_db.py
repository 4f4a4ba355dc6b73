"""The database failing under the API (issue 12): down → 503 with Retry-After and the error
envelope, recovery without a restart; what the database refuses → 4xx, never a 500.

Postgres "goes down" behind a TCP relay the test owns: stopping the relay refuses new
connections and cuts the pooled ones, as a restart or a failover does.
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager, suppress

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from common.bootstrap import Container, use_container
from tests import api_helpers
from tests.api_helpers import api_settings, bearer, call, login

world, w = api_helpers.world, api_helpers.w  # fixtures


class Relay:
    """A TCP relay on a fixed local port to the real Postgres; stop() cuts every connection."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        with self.lock:
            if self.listener is not None:
                with suppress(OSError):  # wakes accept(): close alone leaves it listening
                    self.listener.shutdown(socket.SHUT_RDWR)
                self.listener.close()
                self.listener = None
            for sock in self.sockets:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            with suppress(OSError):  # the relay was stopped: the pipe ends
                while data := source.recv(65536):
                    sink.sendall(data)
        finally:
            for sock in (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@contextmanager
def relayed_app(database_url: str, home):
    url = make_url(database_url)
    relay = Relay((url.host or "127.0.0.1", url.port or 5432))
    relay.start()
    relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    app = Container(api_settings(relayed, home))
    use_container(app)
    try:
        yield app, relay
    finally:
        relay.stop()
        app.engine.dispose()


def _assert_unavailable(response):
    assert response.status_code == 503, (response.status_code, response.data[:300])
    assert int(response.headers["Retry-After"]) >= 1
    error = response.json["error"]
    assert error["code"] == "service_unavailable"
    assert error["request_id"] == response.headers["X-Request-Id"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_postgres_down_is_503_with_retry_after_and_recovers_by_itself(w, tmp_path):
    token = w.a.tokens["viewer"]
    with relayed_app(w.app.settings.database_url, tmp_path) as (app, relay):
        assert call(w.client, "GET", "/v1/claims", token).status_code == 200  # pool warmed
        relay.stop()
        for _ in range(2):  # the pooled connections are cut, then none can be made
            _assert_unavailable(call(w.client, "GET", "/v1/claims", token))
        _assert_unavailable(call(w.client, "GET", "/v1/auth/me", token))
        _assert_unavailable(login(w.client, w.a.email("owner"), ip="10.7.0.1"))
        body = {"raw_name": "CIGNA CORP", "canonical_name": "Cigna"}
        _assert_unavailable(call(w.client, "POST", "/v1/payer-aliases", w.a.tokens["owner"], body))
        health = w.client.get("/health")
        assert health.status_code == 503 and health.json["database"] == "unreachable"

        relay.start()  # Postgres is back: the same process serves again
        assert call(w.client, "GET", "/v1/claims", token).status_code == 200
        assert w.client.get("/health").status_code == 200
        assert login(w.client, w.a.email("owner"), ip="10.7.0.1").status_code == 200
    use_container(w.app)


def test_an_unreachable_database_is_503_for_every_kind_of_call(w, tmp_path):
    refresh = _refresh_token(w)
    closed = "postgresql+pg8000://nobody@127.0.0.1:1/none"
    use_container(Container(api_settings(closed, tmp_path)))
    try:
        _assert_unavailable(call(w.client, "GET", "/v1/dashboard", w.a.tokens["viewer"]))
        _assert_unavailable(w.client.post("/v1/auth/refresh", json={"refresh_token": refresh}))
        _assert_unavailable(login(w.client, "someone@x.test", ip="10.7.0.2"))
    finally:
        use_container(w.app)


def _refresh_token(w) -> str:
    response = login(w.client, w.a.email("owner"), ip="10.7.0.3")
    assert response.status_code == 200
    return response.json["refresh_token"]


@contextmanager
def payer_alias_insert_raises(owner, sqlstate: str):
    """Inject a database error: INSERTs into payer_aliases raise `sqlstate`."""
    with owner.begin() as conn:
        conn.execute(
            text(
                "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"RAISE EXCEPTION 'refused: Jennifer Alvarez' USING ERRCODE = '{sqlstate}'; "
                "END $$"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER test_refuse BEFORE INSERT ON payer_aliases "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse()"
            )
        )
    try:
        yield
    finally:
        with owner.begin() as conn:
            conn.execute(text("DROP TRIGGER test_refuse ON payer_aliases"))
            conn.execute(text("DROP FUNCTION test_refuse()"))


@pytest.mark.parametrize(
    ("sqlstate", "status", "retry_after"),
    [
        ("22021", 422, None),  # character_not_in_repertoire (a NUL that got through)
        ("22003", 422, None),  # numeric_value_out_of_range
        ("22008", 422, None),  # datetime_field_overflow
        ("22P05", 422, None),  # untranslatable_character
        ("40001", 503, "1"),  # serialization_failure
        ("40P01", 503, "1"),  # deadlock_detected
        ("53300", 503, "5"),  # too_many_connections
        ("57P01", 503, "5"),  # admin_shutdown
    ],
)
def test_what_the_database_refuses_is_answered_not_500(w, caplog, sqlstate, status, retry_after):
    body = {"raw_name": "KAISER", "canonical_name": "Kaiser"}
    with payer_alias_insert_raises(w.owner, sqlstate):
        response = call(w.client, "POST", "/v1/payer-aliases", w.a.tokens["owner"], body)
    assert response.status_code == status, response.json
    assert response.headers.get("Retry-After") == retry_after
    text_out = response.get_data(as_text=True)
    assert "Jennifer" not in text_out and "Traceback" not in text_out
    assert response.json["error"]["request_id"] == response.headers["X-Request-Id"]
    assert "Jennifer" not in caplog.text  # the database's message is never logged either


def test_the_error_mapping_leaves_real_bugs_as_500(w):
    with payer_alias_insert_raises(w.owner, "42703"):  # undefined_column: our bug
        response = call(
            w.client,
            "POST",
            "/v1/payer-aliases",
            w.a.tokens["owner"],
            {"raw_name": "X", "canonical_name": "Y"},
        )
    assert response.status_code == 500 and response.json["error"]["code"] == "internal_error"


def test_no_token_needed_to_see_503_on_auth(w, tmp_path):
    closed = "postgresql+pg8000://nobody@127.0.0.1:1/none"
    use_container(Container(api_settings(closed, tmp_path)))
    try:
        response = w.client.post("/v1/auth/logout", headers=bearer(w.a.tokens["analyst"]))
        _assert_unavailable(response)
    finally:
        use_container(w.app)
