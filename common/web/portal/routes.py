"""Every portal page: its path, methods and the lowest role that may open it (SPEC §1).

viewer reads; analyst also judges alerts and sends files; admin (and owner) also changes
settings. `None`: no session needed (sign-in, sign-out, the stylesheet).
"""

from __future__ import annotations

from functools import cache

from werkzeug.routing import Map, Rule

from common.web.portal import (
    pages_alerts,
    pages_auth,
    pages_data,
    pages_remittances,
    pages_settings,
    pages_signals,
    pages_uploads,
)

GET, POST = ["GET"], ["POST"]


def _pages() -> list[tuple[str, list[str], object, str | None]]:
    d, up, sg, al, st = pages_data, pages_uploads, pages_signals, pages_alerts, pages_settings
    return [
        ("/", GET, d.dashboard, "viewer"),
        ("/sign-in", GET, pages_auth.sign_in_form, None),
        ("/sign-in", POST, pages_auth.sign_in, None),
        ("/sign-out", POST, pages_auth.sign_out, None),
        ("/assets/<name>", GET, pages_auth.static_file, None),  # Flask owns /static
        ("/uploads", GET, up.uploads, "viewer"),
        ("/uploads/new", GET, up.upload_form, "analyst"),
        ("/uploads/new", POST, up.upload_receive, "analyst"),
        ("/uploads/sent/<token>", GET, up.upload_sent, None),
        ("/uploads/waiting/<token>", GET, up.upload_waiting, "viewer"),
        ("/uploads/<uuid:id>", GET, up.upload_detail, "viewer"),
        ("/signals", GET, sg.signals, "viewer"),
        ("/signals/<any(driftwatch,denialscope,delayguard):product>/<uuid:id>", GET,
         sg.episode, "viewer"),
        ("/alerts", GET, al.alerts, "viewer"),
        ("/alerts/<uuid:id>", GET, al.alert_detail, "viewer"),
        ("/alerts/<uuid:id>/feedback", POST, al.feedback, "analyst"),
        ("/remittances", GET, pages_remittances.remittances, "viewer"),
        ("/reports", GET, al.reports, "viewer"),
        ("/reports/<uuid:id>/download", GET, al.download_report, "viewer"),
        ("/settings", GET, st.settings_index, "admin"),
        ("/settings/<kind>", GET, st.settings_list, "admin"),
        ("/settings/<kind>", POST, st.settings_create, "admin"),
        ("/settings/<kind>/<uuid:id>", GET, st.settings_edit, "admin"),
        ("/settings/<kind>/<uuid:id>", POST, st.settings_update, "admin"),
        ("/settings/<kind>/<uuid:id>/delete", POST, st.settings_delete, "admin"),
    ]  # fmt: skip


@cache
def url_map() -> Map:
    """The portal's URL map; each endpoint is (page function, lowest role)."""
    rules = [
        Rule(path, methods=methods, endpoint=(page, role)) for path, methods, page, role in _pages()
    ]
    return Map(rules, strict_slashes=False, merge_slashes=False)


def templates() -> list[str]:
    """Every route template (tests walk them for the role matrix)."""
    return [path for path, _methods, _page, _role in _pages()]
