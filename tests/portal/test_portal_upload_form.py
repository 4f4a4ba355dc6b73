"""Sending a file when the store signs browser uploads (GCS in the cloud): the form posts
straight to the bucket with the signed fields, the CSP lets that one form do so, and the
bucket's redirect lands on a page without data that moves on to the signed-in waiting page.

The store here is the local folder with a signed-form answer (a fake of the GCS adapter's
one method: signing needs Google credentials, which tests do not have)."""

from __future__ import annotations

import re

import pytest

from common.storage.local import LocalFolderStore
from common.storage.port import UploadForm
from tests import api_helpers
from tests.portal.helpers import portal_client, signed_in, text

world, w = api_helpers.world, api_helpers.w  # fixtures
BUCKET = "https://storage.googleapis.com/upstream-inbox"


class SigningStore(LocalFolderStore):
    """A folder store that answers upload_form as GCS does (url + signed policy fields)."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.asked: list[tuple[str, str, int, int]] = []

    def upload_form(self, name, redirect_url, max_bytes, expires_seconds):
        self.asked.append((name, redirect_url, max_bytes, expires_seconds))
        fields = {"key": name, "policy": "eyJwb2xpY3kiOiJ4In0=", "x-goog-signature": "ab12",
                  "success_action_redirect": redirect_url}  # fmt: skip
        return UploadForm(BUCKET, fields)


@pytest.fixture
def signing(w, tmp_path):
    store = SigningStore(tmp_path / "bucket")
    w.app.__dict__["inbox"] = store  # the container's cached adapter, for this test only
    yield store
    del w.app.__dict__["inbox"]


def test_the_form_posts_to_the_bucket_with_its_signed_fields(w, signing):
    page = signed_in(w.a.email("analyst")).get("/uploads/new")
    assert page.status_code == 200
    html = text(page)
    assert f'action="{BUCKET}"' in html and 'name="x-goog-signature" value="ab12"' in html
    assert (
        "form-action 'self' https://storage.googleapis.com"
        in page.headers["Content-Security-Policy"]
    )
    [(name, redirect, max_bytes, expires)] = signing.asked
    token = re.fullmatch(r"alpha/portal-([0-9a-f]{32})\.csv", name).group(1)
    assert redirect == f"http://localhost/uploads/sent/{token}"  # no proxy: the socket's scheme
    assert max_bytes == w.app.settings.thresholds.max_file_bytes and expires == 900
    # Other pages keep form-action to the portal alone.
    other = signed_in(w.a.email("viewer")).get("/uploads")
    assert other.headers["Content-Security-Policy"].endswith("form-action 'self'")


def test_the_bucket_redirect_moves_on_without_showing_anything(w, signing):
    token = "0" * 31 + "1"
    landing = portal_client().get(f"/uploads/sent/{token}")  # cross-site: no cookies sent
    assert landing.status_code == 200
    html = text(landing)
    assert f'content="0; url=/uploads/waiting/{token}"' in html
    assert "alpha" not in html.lower() and "Sign out" not in html
    assert portal_client().get("/uploads/sent/not-a-token").status_code == 404
    waiting = signed_in(w.a.email("viewer")).get(f"/uploads/waiting/{token}")
    assert waiting.status_code == 200 and 'http-equiv="refresh"' in text(waiting)
