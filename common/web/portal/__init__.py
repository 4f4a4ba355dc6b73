"""The web portal (issue 15): server-rendered pages for people, on the API's own handlers and
services. `handle(request)` is the portal function's whole body (functions/portal/main.py)."""

from common.web.portal.app import handle

__all__ = ["handle"]
