"""`upstream token` and `upstream openapi`."""

from __future__ import annotations

import io
import json

import jwt

from common.cli import main
from common.commands.api_tools import openapi_text
from common.services.customers import create_customer
from common.services.users import create_user
from tests.api_helpers import PASSWORD


def _run(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    return code, capsys.readouterr().out


def test_token_prints_an_access_token_for_the_password_on_stdin(app, monkeypatch, capsys):
    customer = create_customer(app.uow, "cli-co", "CLI Co")
    user = create_user(app.uow, customer, "ops@cli.test", "analyst", PASSWORD)
    code, out = _run(monkeypatch, capsys, ["token", "--email", "ops@cli.test"], PASSWORD + "\n")
    assert code == 0
    claims = jwt.decode(out.strip(), options={"verify_signature": False})
    assert (claims["sub"], claims["cus"], claims["role"]) == (user["id"], customer.id, "analyst")
    code, out = _run(
        monkeypatch, capsys, ["token", "--email", "ops@cli.test", "--json"], PASSWORD + "\n"
    )
    doc = json.loads(out)
    assert code == 0 and doc["token_type"] == "Bearer" and doc["refresh_token"]
    code, out = _run(monkeypatch, capsys, ["token", "--email", "ops@cli.test"], "wrong one!!\n")
    assert code == 1 and out == ""
    assert _run(monkeypatch, capsys, ["token", "--email", "ops@cli.test"], "")[0] == 2


def test_openapi_prints_the_document(monkeypatch, capsys):
    code, out = _run(monkeypatch, capsys, ["openapi"])
    assert code == 0 and out == openapi_text()
    assert json.loads(out)["openapi"] == "3.1.0"
