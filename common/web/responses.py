"""Response building: compact JSON, ETag / If-None-Match, security headers, request ids."""

from __future__ import annotations

import hashlib
import json
import re
import uuid

from werkzeug.wrappers import Response

from common.domain.jsonable import plain

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "interest-cohort=()",
}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id(headers) -> str:
    """The caller's X-Request-Id when it is a safe token, else a new one."""
    given = headers.get("X-Request-Id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def _default(value):
    converted = plain(value)
    if converted is value:
        raise TypeError(type(value).__name__)
    return converted


def dumps(document) -> bytes:
    """Compact JSON bytes."""
    return json.dumps(document, separators=(",", ":"), default=_default).encode()


def finish(response: Response, rid: str, cache: str = "no-store") -> Response:
    """Add the request id, security headers and a cache policy."""
    response.headers["X-Request-Id"] = rid
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", cache)
    return response


def json_response(document, status: int, rid: str, headers: dict | None = None) -> Response:
    """A JSON response (errors, writes): never cached."""
    response = Response(dumps(document), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return finish(response, rid)


def etag_response(document, rid: str, if_none_match) -> Response:
    """A GET's JSON with a strong ETag; 304 when the client already has this body."""
    body = dumps(document)
    tag = hashlib.sha256(body).hexdigest()[:32]
    if _not_modified(if_none_match, tag):
        response = Response(status=304)
    else:
        response = Response(body, status=200, mimetype="application/json")
    response.set_etag(tag)
    # Revalidate every time: the data is per user and changes with each upload.
    return finish(response, rid, cache="private, no-cache")


def _not_modified(if_none_match, tag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`."""
    return bool(if_none_match) and (if_none_match.star_tag or if_none_match.contains_weak(tag))


def empty_response(rid: str, status: int = 204) -> Response:
    """No content (deletes, logout)."""
    return finish(Response(status=status), rid)


def bytes_response(body: bytes, media: str, filename: str, rid: str, if_none_match=None):
    """A download (reports) as an attachment, with an ETag like every GET."""
    tag = hashlib.sha256(body).hexdigest()[:32]
    if _not_modified(if_none_match, tag):
        response = Response(status=304)
    else:
        response = Response(body, status=200, mimetype=media)
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.set_etag(tag)
    return finish(response, rid, cache="private, no-cache")
