"""Request parsing (query strings and JSON bodies) and service-error translation."""

from __future__ import annotations

import json

from pydantic import BaseModel, ValidationError

from common.services.alerts import AlertConfigError, NotFound
from common.services.auth_types import AuthFailed, Throttled
from common.services.judgments import AlertNotFound, JudgmentError
from common.services.mappings import MappingConflict, MappingInvalid, MappingNotFound
from common.services.user_admin import UserConflict, UserForbidden, UserNotFound
from common.services.users import UserError
from common.web.errors import (
    ApiError,
    bad_request,
    conflict,
    forbidden,
    not_found,
    too_many,
    unauthorized,
    unprocessable,
    validation_details,
)

MAX_BODY_BYTES = 1 << 20


def parse_query(model: type[BaseModel], request) -> BaseModel:
    """The query string as `model`; 422 naming each bad parameter."""
    args = request.args
    repeated = sorted(k for k in args if len(args.getlist(k)) > 1)
    if repeated:
        raise unprocessable(f"parameters given more than once: {', '.join(repeated)}")
    try:
        return model.model_validate(args.to_dict(flat=True))
    except ValidationError as exc:
        raise unprocessable("invalid query parameters", validation_details(exc)) from None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def parse_body(model: type[BaseModel], request) -> BaseModel:
    """The JSON body as `model`: 413 over 1 MiB, 415 not JSON, 400 malformed, 422 invalid.

    An empty body means `{}` (for writes whose fields are all optional).
    """
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", "request body exceeds 1 MiB")
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", "request body exceeds 1 MiB")
    if not raw.strip():
        data = {}
    else:
        mimetype = request.mimetype or ""
        if mimetype != "application/json" and not mimetype.endswith("+json"):
            raise ApiError(415, "unsupported_media_type", "send the body as application/json")
        try:
            data = json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("request body is not valid JSON") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise unprocessable("invalid request body", validation_details(exc)) from None


def translate(exc: Exception) -> ApiError | None:
    """The HTTP error for a service exception, or None for a real bug."""
    if isinstance(exc, ApiError):
        return exc
    message = str(exc)
    if isinstance(exc, AuthFailed):
        return unauthorized(message)
    if isinstance(exc, Throttled):
        return too_many(message, exc.retry_after)
    if isinstance(exc, NotFound | AlertNotFound | MappingNotFound | UserNotFound):
        return not_found(_what(exc))
    if isinstance(exc, UserForbidden):
        return forbidden(message)
    if isinstance(exc, MappingConflict | UserConflict):
        return conflict(message)
    if isinstance(exc, UserError):
        return conflict(message) if "already exists" in message else unprocessable(message)
    if isinstance(exc, MappingInvalid):
        return unprocessable(message, exc.details)
    if isinstance(exc, AlertConfigError | JudgmentError):
        return unprocessable(message)
    return None


def _what(exc: Exception) -> str:
    labels = {
        AlertNotFound: "alert",
        MappingNotFound: str(exc).replace("_", " "),
        UserNotFound: "user",
    }
    for cls, label in labels.items():
        if isinstance(exc, cls):
            return label
    return str(exc).removeprefix("no such ") or "resource"
