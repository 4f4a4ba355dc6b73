"""API errors: one JSON shape, the right 4xx, never a stack trace."""

from __future__ import annotations

from typing import Any


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
