"""Request parsing (query strings and JSON bodies) and service-error translation.

Every string a client sends, in a body or a query string, key or value, passes `screen` before
any model sees it: no NUL (Postgres text cannot hold one) and no lone surrogate (not UTF-8).
JSON is bounded in depth and numbers are finite and fit in 64 bits, so nothing a client can
type reaches the database in a form it refuses (that would be a 500).
"""

from __future__ import annotations

import json
import math

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
MAX_JSON_DEPTH = 64
MAX_INT = 2**63 - 1  # bigint: nothing we store is wider


def parse_query(model: type[BaseModel], request) -> BaseModel:
    """The query string as `model`; 422 naming each bad parameter."""
    args = request.args
    repeated = sorted(k for k in args if len(args.getlist(k)) > 1)
    if repeated:
        raise unprocessable(f"parameters given more than once: {', '.join(repeated)}")
    values = args.to_dict(flat=True)
    screen(values, "invalid query parameters")
    try:
        return model.model_validate(values)
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
        except RecursionError:  # far deeper than MAX_JSON_DEPTH; screen() names the bound
            raise _too_deep() from None
        screen(data, "invalid request body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise unprocessable("invalid request body", validation_details(exc)) from None


def _too_deep() -> ApiError:
    return bad_request(f"request body is nested deeper than {MAX_JSON_DEPTH} levels")


def screen(data, message: str) -> None:
    """Refuse what no field may hold, wherever it sits in decoded JSON or a query dict.

    400 past MAX_JSON_DEPTH; 422 (details with each location, never the value) for a string
    or key with NUL or a lone surrogate, a non-finite number or an integer wider than 64 bits.
    Iterative, so depth cannot exhaust the stack.
    """
    problems: list[dict] = []
    stack: list[tuple[object, int, tuple]] = [(data, 1, ())]
    while stack and len(problems) < 20:
        value, depth, loc = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_scalar(key, (*loc, key), problems)
                stack.append((item, depth + 1, (*loc, key)))
        else:
            _check_scalar(value, loc, problems)
    if problems:
        raise unprocessable(message, problems)


def _check_scalar(value, loc: tuple, problems: list[dict]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            problems.append(_problem(loc, "NUL character", "nul"))
        elif not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                problems.append(_problem(loc, "lone surrogate (not UTF-8)", "surrogate"))
    elif isinstance(value, int | float) and not _in_range(value):
        problems.append(_problem(loc, "number out of range", "number_range"))


def _in_range(number: float) -> bool:
    if isinstance(number, float):
        return math.isfinite(number)
    return abs(number) <= MAX_INT  # bool is an int: 0 or 1


def _problem(loc: tuple, message: str, kind: str) -> dict:
    # The location of a bad key is the key itself, made printable (it may hold the NUL).
    where = [str(p).replace("\x00", "\\0").encode("utf-8", "replace").decode() for p in loc]
    return {"loc": where, "message": message, "type": kind}


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
