"""Uploads: the list, one upload's quality report, and sending a file from the browser.

A file sent from the portal is named `<slug>/portal-<token>.<ext>` — never after the file on
the person's disk, whose name can carry a patient's — and lands in the inbox like any other,
so the same ingest (and the same event) loads it. When the store offers a signed form (GCS
in the cloud) the browser posts straight to the bucket; otherwise (the local folder) the
portal receives the file and writes it. Either way the browser then waits on a page that
follows the file to its upload and its status.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from common.services.customers import find_by_id
from common.web.errors import ApiError, not_found
from common.web.handlers import data as api
from common.web.models.data import UploadDetail, UploadList, UploadsQuery
from common.web.portal.forms import query_model
from common.web.portal.render import Visit

# Extensions kept from the chosen file; anything else is read (and sniffed) as CSV.
KEPT_SUFFIXES = {".csv", ".tsv", ".txt", ".835", ".edi", ".era", ".x12"}
FORM_MINUTES = 15
PENDING = ("received", "processing")
STATUSES = ("received", "processing", "loaded", "partial", "rejected", "duplicate",
            "quarantined", "failed")  # fmt: skip


def uploads(v: Visit):
    """Every upload, newest first, filtered by status, 50 a page."""
    query, _ = query_model(v.ctx.request, UploadsQuery)
    listing = UploadList.model_validate(api.list_uploads(v.ctx, query))
    return v.page("uploads.html", listing=listing, query=query, statuses=STATUSES)


def upload_detail(v: Visit, id: str):
    """One upload: counts, the quality report, rejections by rule and column with row
    numbers, and anomalies; reloads itself while the file is still being processed."""
    upload = UploadDetail.model_validate(api.get_upload(v.ctx, id))
    report = upload.report or {}
    return v.page("upload.html", upload=upload, report=report, pending=upload.status in PENDING)


def _object_name(slug: str, token: str, filename: str | None) -> str:
    suffix = PurePosixPath(filename or "").suffix.lower()
    return f"{slug}/portal-{token}{suffix if suffix in KEPT_SUFFIXES else '.csv'}"


def _slug(v: Visit) -> str:
    with v.ctx.tx() as conn:
        customer = find_by_id(conn, v.ctx.customer_id)
    if customer is None:
        raise not_found("customer")
    return customer.slug


def upload_form(v: Visit, error: str | None = None, status: int = 200):
    """The send-a-file page: a signed form to the bucket, or a form to the portal."""
    token = uuid.uuid4().hex
    redirect = v.absolute(f"/uploads/sent/{token}")
    direct = v.ctx.app.inbox.upload_form(
        _object_name(_slug(v), token, None),
        redirect,
        v.ctx.app.settings.thresholds.max_file_bytes,
        FORM_MINUTES * 60,
    )
    if direct is not None:
        origin = "/".join(direct.url.split("/", 3)[:3])
        v.form_origins.append(origin)  # the CSP lets this one form post to the bucket
    return v.page("upload_new.html", status=status, direct=direct, error=error)


def upload_receive(v: Visit):
    """Take a file posted to the portal (stores without signed forms) into the inbox."""
    request = v.ctx.request
    limit = v.ctx.app.settings.thresholds.max_file_bytes
    if (request.content_length or 0) > limit + (1 << 20):
        raise ApiError(413, "payload_too_large", "The file is larger than the 1 GiB limit.")
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return upload_form(v, "Choose a file to send.", 422)
    token = uuid.uuid4().hex
    name = _object_name(_slug(v), token, sent.filename)
    info = v.ctx.app.inbox.write(name, sent.stream)
    if info.size == 0:
        v.ctx.app.inbox.delete(name)
        return upload_form(v, "That file is empty.", 422)
    return v.redirect(f"/uploads/waiting/{token}")


def upload_sent(v: Visit, token: str):
    """Where the bucket sends the browser back: a page without data that moves on to the
    waiting page (the bucket's redirect is cross-site, so the SameSite=Strict session cookie
    is only sent once the portal's own page navigates)."""
    if not _is_token(token):
        raise not_found("upload")
    return v.page("upload_sent.html", token=token)


def upload_waiting(v: Visit, token: str):
    """Until ingest has picked the file up: a page that reloads itself; then its upload."""
    if not _is_token(token):
        raise not_found("upload")
    prefix = f"{_slug(v)}/portal-{token}."
    listing = UploadList.model_validate(api.list_uploads(v.ctx, UploadsQuery(limit=50)))
    found = next((u for u in listing.items if u.object_name.startswith(prefix)), None)
    if found is not None:
        return v.redirect(f"/uploads/{found.id}")
    return v.page("upload_waiting.html", token=token)


def _is_token(token: str) -> bool:
    try:
        return uuid.UUID(hex=token).hex == token
    except ValueError:
        return False
