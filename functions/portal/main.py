"""Web portal: server-rendered pages for billing teams on the API's services (cookie session,
CSRF tokens, strict Content-Security-Policy). `upstream serve` mounts it at `/app/`."""

import functions_framework

from common.web.portal import handle


@functions_framework.http
def portal(request):
    """Route, authenticate and render one browser request (an HTML error page, never a trace)."""
    return handle(request)
