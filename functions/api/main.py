"""HTTP API (SPEC §6): `/v1/...` with JWT bearer auth, `/v1/openapi.json` and `/health`."""

import functions_framework

from common.web.app import handle


@functions_framework.http
def api(request):
    """Route, authenticate, validate and answer one request (JSON errors, never a trace)."""
    return handle(request)
