"""API errors: one JSON shape, the right 4xx, never a stack trace."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exc as sa_exc

DB_RETRY_AFTER = 5  # seconds: the database is unreachable or restarting


class ApiError(Exception):
    """An error the client caused (or a throttle); rendered as the error document."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}


def bad_request(message: str, details: Any = None) -> ApiError:
    """400: the request is malformed (bad JSON, bad cursor)."""
    return ApiError(400, "bad_request", message, details)


def unauthorized(message: str = "missing or invalid credentials") -> ApiError:
    """401 with the Bearer challenge."""
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def forbidden(message: str = "your role does not allow this") -> ApiError:
    """403: authenticated, but the role is too low."""
    return ApiError(403, "forbidden", message)


def not_found(what: str = "resource") -> ApiError:
    """404: missing, or another tenant's (indistinguishable on purpose)."""
    return ApiError(404, "not_found", f"{what} not found")


def conflict(message: str) -> ApiError:
    """409: the change collides with existing state."""
    return ApiError(409, "conflict", message)


def unprocessable(message: str, details: Any = None) -> ApiError:
    """422: well-formed but invalid input."""
    return ApiError(422, "validation_error", message, details)


def too_many(message: str, retry_after: int) -> ApiError:
    """429 with Retry-After (seconds)."""
    return ApiError(
        429,
        "too_many_requests",
        message,
        {"retry_after": retry_after},
        headers={"Retry-After": str(max(1, retry_after))},
    )


def error_document(status_code: str, message: str, details: Any, request_id: str) -> dict:
    """The body every error response carries."""
    return {
        "error": {
            "code": status_code,
            "message": message,
            "details": details,
            "request_id": request_id,
        }
    }


def validation_details(exc) -> list[dict]:
    """pydantic errors without the offending input (it may be sensitive)."""
    return [
        {
            "loc": [str(p) for p in err.get("loc", ())],
            "message": err.get("msg", "invalid"),
            "type": err.get("type", "value_error"),
        }
        for err in exc.errors(include_input=False, include_url=False)
    ]


def unavailable(message: str, retry_after: int = DB_RETRY_AFTER) -> ApiError:
    """503 with Retry-After (seconds): a dependency is down; the same request may work later."""
    return ApiError(
        503,
        "service_unavailable",
        message,
        {"retry_after": retry_after},
        headers={"Retry-After": str(max(1, retry_after))},
    )


def sqlstate(exc: BaseException) -> str | None:
    """The Postgres SQLSTATE behind a SQLAlchemy error (pg8000 or psycopg), or None."""
    orig = getattr(exc, "orig", None)
    if orig is None:
        return None
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code is None and orig.args and isinstance(orig.args[0], dict):
        code = orig.args[0].get("C")  # pg8000: the server's error fields by one-letter key
    return str(code) if code else None


# SQLSTATE classes (PostgreSQL appendix A) that say "not now" rather than "never".
_UNAVAILABLE_CLASSES = ("08", "53", "57")  # connection, resources, operator intervention
_RETRY_NOW = {"40001": 1, "40P01": 1}  # serialization failure, deadlock: retry right away


def database_error(exc: BaseException) -> ApiError | None:
    """The answer for a database failure that is not a bug, or None (then it is a 500).

    Unreachable, restarting, out of connections → 503 with Retry-After; data the database
    refuses (class 22: bad encoding, NUL, out of range, datetime overflow) → 422. Nothing of the
    database's message goes to the client: it can quote the offending value.
    """
    if isinstance(exc, sa_exc.TimeoutError):  # the pool is exhausted
        return unavailable("the database is busy; retry shortly", 1)
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    code = sqlstate(exc) or ""
    if code in _RETRY_NOW:
        return unavailable("the database is busy; retry shortly", _RETRY_NOW[code])
    if (
        exc.connection_invalidated
        or (isinstance(exc, sa_exc.InterfaceError | sa_exc.OperationalError) and not code)
        or code[:2] in _UNAVAILABLE_CLASSES
    ):
        return unavailable("the database is unavailable; retry shortly")
    if isinstance(exc, sa_exc.DataError) or code.startswith("22"):
        return unprocessable("a value is out of range or not valid text", {"sqlstate": code})
    return None
