"""The api function's request cycle: route → authenticate → parse → handler → response.

Errors are always `{"error": {code, message, details, request_id}}` with the right 4xx;
a database that is down or refuses a value is a 503 (with Retry-After) or a 422
(`errors.database_error`); any other unexpected exception is logged with the request id and
answered with a generic 500.
"""

from __future__ import annotations

import logging
import time
from functools import cache

from pydantic import ValidationError

from common.bootstrap import container
from common.services import auth
from common.services.sessions import verified
from common.web.context import Context
from common.web.errors import (
    ApiError,
    database_error,
    error_document,
    forbidden,
    sqlstate,
    unauthorized,
)
from common.web.handlers.auth import bearer_token
from common.web.parsing import parse_body, parse_query, translate
from common.web.responses import (
    bytes_response,
    empty_response,
    etag_response,
    json_response,
    request_id,
)
from common.web.routes import route_table
from common.web.routing import Route, Router

log = logging.getLogger("upstream.api")


@cache
def router() -> Router:
    """The process's router over the static route table."""
    return Router(list(route_table()))


def handle(request):
    """Answer one HTTP request with the process's container."""
    return dispatch(container(), request)


def dispatch(app, request):
    """Answer one request; never raises."""
    rid = request_id(request.headers)
    started = time.perf_counter()
    ctx = Context(app, request, rid, routes=route_table())
    template = None
    try:
        route, params = router().match(request.method, request.path)
        template = route.path
        response = _run(ctx, route, params)
    except ApiError as exc:
        response = _error_response(exc, rid)
    except Exception as exc:
        mapped = database_error(exc)
        if mapped is None:
            log.exception("unhandled error", extra={"request_id": rid, "route": template})
            document = error_document("internal_error", "internal server error", None, rid)
            response = json_response(document, 500, rid)
        else:
            # The class and SQLSTATE only: the database's message can quote claim values.
            extra = {"request_id": rid, "route": template, "sqlstate": sqlstate(exc)}
            log.warning("database error: %s", type(exc).__name__, extra=extra)
            response = _error_response(mapped, rid)
    log.info(
        "request",
        extra={
            "request_id": rid,
            "method": request.method,
            "route": template,  # the template, never the raw path or query (no claim values)
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 2),
            "customer": ctx.principal.customer_id if ctx.principal else None,
        },
    )
    return response


def _error_response(exc: ApiError, rid: str):
    document = error_document(exc.code, exc.message, exc.details, rid)
    return json_response(document, exc.status, rid, exc.headers)


def _run(ctx: Context, route: Route, params: dict):
    if not route.role:
        return _call(ctx, route, params)
    claims = _verified_claims(ctx)
    # One tenant transaction per request: the user check, then the handler's reads.
    with ctx.app.uow.transaction(claims["cus"]) as conn:
        try:
            ctx.principal = auth.principal_for(conn, claims)
        except auth.AuthFailed as exc:
            raise unauthorized(str(exc)) from None
        if not ctx.principal.at_least(route.role):
            raise forbidden(f"this needs the {route.role} role or higher")
        ctx.conn = conn
        return _call(ctx, route, params)


def _call(ctx: Context, route: Route, params: dict):
    kwargs = dict(params)
    try:
        if route.query:
            kwargs["query"] = parse_query(route.query, ctx.request)
        if route.body:
            kwargs["body"] = parse_body(route.body, ctx.request)
        result = route.handler(ctx, **kwargs)
    except Exception as exc:
        api_error = translate(exc)
        if api_error is None:
            raise
        raise api_error from None
    return _render(ctx, route, result)


def _verified_claims(ctx: Context) -> dict:
    token = bearer_token(ctx.request)
    if token is None:
        raise unauthorized("missing bearer token")
    try:
        return verified(ctx.app.tokens, token, "access")
    except auth.AuthFailed as exc:
        raise unauthorized(str(exc)) from None


def _render(ctx: Context, route: Route, result):
    rid = ctx.request_id
    if route.media:
        body, media, filename = result
        return bytes_response(body, media, filename, rid, ctx.request.if_none_match)
    if route.response is None:
        return empty_response(rid)
    document, status = result if isinstance(result, tuple) else (result, route.status)
    try:
        document = route.response.model_validate(document).model_dump(mode="json")
    except ValidationError:
        log.error("response does not match its model", extra={"route": route.path})
        raise
    if ctx.request.method in ("GET", "HEAD") and status == 200:
        return etag_response(document, rid, ctx.request.if_none_match)
    return json_response(document, status, rid)
