"""Helpers for portal tests: the deployed portal function, signing in through its form."""

from __future__ import annotations

import re
from pathlib import Path

import functions_framework

from tests.api_helpers import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PORTAL_SOURCE = str(ROOT / "functions" / "portal" / "main.py")
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def portal_client():
    """The deployed portal function behind a functions-framework test client (https, so the
    Secure cookies behave as in a browser)."""
    app = functions_framework.create_app(target="portal", source=PORTAL_SOURCE)
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def form_token(client, path: str = "/sign-in") -> str:
    """GET a page and return its CSRF token (the cookie is now in the client)."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return csrf_of(response.get_data(as_text=True))


def sign_in(client, email: str, password: str = PASSWORD, ip: str = "127.0.0.1"):
    """Sign in through the form; returns the response (303 to the dashboard on success)."""
    token = form_token(client)
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip, "wsgi.url_scheme": "https"},
    )


def signed_in(email: str):
    """A new client with a session for `email`."""
    client = portal_client()
    response = sign_in(client, email)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client


def post_form(client, path: str, data: dict, token_from: str | None = None):
    """POST a form with the CSRF token of the page it sits on."""
    token = form_token(client, token_from or path)
    return client.post(path, data=data | {"csrf_token": token})


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)
