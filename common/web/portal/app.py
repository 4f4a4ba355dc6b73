"""The portal's request cycle: route → CSRF → session → role → page, with browser headers.

Pages run inside one tenant transaction, as API requests do (web/app.py): the session's
access token is verified and checked against the database (user active, jti not revoked, role
as stored now) before any page reads. Errors become HTML pages with the right status; a page
never shows a stack trace, and another tenant's id is a 404 like a missing one.
"""

from __future__ import annotations

import logging

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from common.bootstrap import container
from common.services import auth, sessions
from common.services.auth_types import AuthFailed
from common.web.context import Context
from common.web.errors import ApiError, database_error, forbidden
from common.web.parsing import translate
from common.web.portal import session as s
from common.web.portal.render import Visit, error_page, finish
from common.web.portal.routes import url_map
from common.web.responses import request_id

log = logging.getLogger("upstream.portal")


class SignInNeeded(Exception):
    """No valid session: send the browser to the sign-in page."""


def handle(request):
    """Answer one browser request with the process's container."""
    return dispatch(container(), request)


def dispatch(app, request) -> Response:
    """Answer one request; never raises."""
    rid = request_id(request.headers)
    prefix = request.script_root.rstrip("/")
    ctx = Context(app, request, rid)
    visit = Visit(ctx, prefix, s.CookieJar(prefix or "/"), s.csrf_key(app.tokens))
    template = None
    try:
        adapter = url_map().bind("", script_name=prefix or "/")
        rule, params = adapter.match(request.path, method=request.method, return_rule=True)
        template = rule.rule
        response = _run(visit, rule.endpoint, params)
    except SignInNeeded:
        s.end_session(visit.jar)
        response = visit.redirect("/sign-in", next=_next_target(request, prefix))
    except HTTPException as exc:  # no such page, wrong method
        response = error_page(visit, exc.code or 404, exc.name)
    except ApiError as exc:
        response = error_page(visit, exc.status, exc.message, exc.headers)
    except Exception as exc:
        mapped = translate(exc) or database_error(exc)
        if mapped is None:
            log.exception("unhandled portal error", extra={"request_id": rid, "route": template})
            response = error_page(visit, 500, "Something went wrong on our side.")
        else:
            response = error_page(visit, mapped.status, mapped.message, mapped.headers)
    log.info(
        "request",
        extra={
            "request_id": rid,
            "method": request.method,
            "route": template,  # the template, never the path or query (they can hold values)
            "status": response.status_code,
            "customer": ctx.principal.customer_id if ctx.principal else None,
        },
    )
    return finish(visit, response)


def _next_target(request, prefix: str) -> str | None:
    # Only our own paths, and only for GETs: a form's POST is never replayed after sign-in.
    path = request.path
    if request.method != "GET" or not path.startswith(prefix + "/"):
        return None
    rest = path[len(prefix) :]
    return None if rest.startswith("/sign-") else rest


def _run(visit: Visit, endpoint, params: dict) -> Response:
    page, role = endpoint
    params = {k: str(v) for k, v in params.items()}
    request = visit.ctx.request
    if request.method == "POST":
        cookie = request.cookies.get(s.CSRF_COOKIE)
        if not s.csrf_ok(visit.csrf_key, cookie, request.form.get(s.CSRF_FIELD)):
            raise ApiError(403, "csrf", "This form has expired. Go back, reload and try again.")
    if role is None:
        return page(visit, **params)
    claims = _session_claims(visit)
    app = visit.ctx.app
    with app.uow.transaction(claims["cus"]) as conn:
        try:
            visit.ctx.principal = auth.principal_for(conn, claims)
        except AuthFailed:
            raise SignInNeeded from None
        if not visit.ctx.principal.at_least(role):
            raise forbidden(f"This page needs the {role} role or higher.")
        visit.ctx.conn = conn
        return page(visit, **params)


def _session_claims(visit: Visit) -> dict:
    """The session's access-token claims, rotating the refresh token once it has expired."""
    app, cookies = visit.ctx.app, visit.ctx.request.cookies
    access, refresh = cookies.get(s.ACCESS_COOKIE), cookies.get(s.REFRESH_COOKIE)
    if access:
        try:
            return sessions.verified(app.tokens, access, "access")
        except AuthFailed:
            pass  # expired (or rotated keys): try the refresh token
    if not refresh:
        raise SignInNeeded
    try:
        pair = sessions.refresh(app.uow, app.tokens, refresh)
    except AuthFailed:
        raise SignInNeeded from None
    s.store_tokens(visit.jar, pair)
    return sessions.verified(app.tokens, pair.access_token, "access")
