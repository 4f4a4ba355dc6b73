"""Sign-in and sign-out through the API's own services, and the portal's static files."""

from __future__ import annotations

import mimetypes

from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from common.services import auth, sessions
from common.services.auth_types import AuthFailed, Throttled
from common.web.errors import not_found
from common.web.portal import session as s
from common.web.portal.render import STATIC, Visit

MAX_FIELD = 1024  # an e-mail or password longer than this is not one


def _safe_next(target: str | None) -> str:
    # Only a path of ours: never another origin (//evil.example) or a scheme.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def sign_in_form(v: Visit, status: int = 200, error: str | None = None, email: str = ""):
    """The sign-in page (also shown again, with the reason, after a refusal)."""
    next_path = _safe_next(v.ctx.request.values.get("next"))
    return v.page("sign_in.html", status=status, error=error, email=email, next_path=next_path)


def sign_in(v: Visit):
    """Check the credentials with the API's login (same throttle: 5 failures per 15 minutes
    per account and per client address), then start a session."""
    form = v.ctx.request.form
    email = form.get("email", "")[:MAX_FIELD].strip()
    password = form.get("password", "")[:MAX_FIELD]
    if not email or not password or "\x00" in email + password:
        return sign_in_form(v, 422, "Enter your e-mail address and password.", email)
    app = v.ctx.app
    try:
        pair = auth.login(app.uow, app.tokens, email, password, v.ctx.client_ip)
    except Throttled as exc:
        response = sign_in_form(
            v, 429, f"Too many failed sign-ins. Try again in {max(1, exc.retry_after // 60 + 1)}"
            " minutes.", email,
        )  # fmt: skip
        response.headers["Retry-After"] = str(max(1, exc.retry_after))
        return response
    except AuthFailed:
        return sign_in_form(v, 401, "That e-mail address and password do not match.", email)
    s.store_tokens(v.jar, pair)
    v.jar.set(s.CSRF_COOKIE, s.new_csrf_value())  # a new session gets a new form token
    return v.redirect(_safe_next(form.get("next")))


def sign_out(v: Visit):
    """Revoke the session's tokens on the server (they stop working at once) and forget them."""
    cookies, app = v.ctx.request.cookies, v.ctx.app
    access, refresh = cookies.get(s.ACCESS_COOKIE), cookies.get(s.REFRESH_COOKIE)
    for pair in ((access, refresh), (None, refresh), (access, None)):
        if not any(pair):
            continue
        try:
            sessions.logout(app.uow, app.tokens, *pair)
            break
        except AuthFailed:
            continue  # an expired access token: revoke what still verifies
    s.end_session(v.jar)
    return v.redirect("/sign-in", signed_out="1")


def static_file(v: Visit, name: str):
    """A file of the portal's static folder (the stylesheet), cached for an hour."""
    path = safe_join(str(STATIC), name)
    if path is None or name.startswith(".") or not STATIC.joinpath(name).is_file():
        raise not_found("file")
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = Response(STATIC.joinpath(name).read_bytes(), mimetype=kind)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
