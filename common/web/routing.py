"""The route table's shape and the matcher (404 for unknown paths, 405 with Allow)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel

from common.web.errors import ApiError, not_found

PRODUCTS = ("driftwatch", "denialscope", "delayguard")
# Path parameter kinds → (parser, OpenAPI schema). A value that does not parse is a 404.
PARAM_KINDS: dict[str, tuple[Callable[[str], object], dict]] = {
    "uuid": (lambda v: str(uuid.UUID(v)), {"type": "string", "format": "uuid"}),
    "int": (
        lambda v: _positive_int(v),
        {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    ),
    "product": (lambda v: _one_of(v, PRODUCTS), {"type": "string", "enum": list(PRODUCTS)}),
}
_PARAM = re.compile(r"\{(\w+)\}")


def _positive_int(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 2**63:
        raise ValueError(value)
    return int(value)


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(value)
    return value


@dataclass(frozen=True)
class Route:
    """One operation: method + path template, who may call it, and its models."""

    method: str
    path: str
    handler: Callable
    summary: str
    tag: str
    role: str | None = "viewer"  # None: no token needed
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None  # None: 204 No Content (unless media is set)
    status: int = 200
    params: dict[str, str] = field(default_factory=dict)  # path parameter → kind
    media: str | None = None  # non-JSON success body (downloads)
    errors: tuple[int, ...] = ()  # extra documented statuses

    @property
    def operation_id(self) -> str:
        """A stable operationId for OpenAPI."""
        return self.handler.__name__

    def pattern(self) -> re.Pattern:
        """The path template as an anchored regex."""
        return re.compile("^" + _PARAM.sub(r"(?P<\1>[^/]+)", self.path) + "$")


class Router:
    """Matches method + path to a route; declaration order decides (static paths first)."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        self._compiled = [(route, route.pattern()) for route in routes]

    def match(self, method: str, path: str) -> tuple[Route, dict[str, object]]:
        """The route and its parsed path parameters; ApiError 404/405 otherwise."""
        lookup = "GET" if method == "HEAD" else method
        allowed: list[str] = []
        for route, pattern in self._compiled:
            found = pattern.match(path)
            if not found:
                continue
            if route.method != lookup:
                allowed.append(route.method)
                continue
            return route, _parse_params(route, found.groupdict())
        if allowed:
            methods = sorted(set(allowed) | ({"HEAD"} if "GET" in allowed else set()))
            raise ApiError(
                405,
                "method_not_allowed",
                f"{method} is not allowed here",
                {"allow": methods},
                headers={"Allow": ", ".join(methods)},
            )
        raise not_found("path")


def _parse_params(route: Route, raw: dict[str, str]) -> dict[str, object]:
    parsed = {}
    for name, value in raw.items():
        parser, _schema = PARAM_KINDS[route.params.get(name, "uuid")]
        try:
            parsed[name] = parser(value)
        except (ValueError, TypeError):
            raise not_found(route.tag.rstrip("s") if route.tag else "resource") from None
    return parsed
