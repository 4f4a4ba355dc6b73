"""What a handler gets: the container, the request, its id, the caller and the route table."""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

from common.services.auth_types import Principal


@dataclass
class Context:
    """Per-request state passed to every handler."""

    app: object  # the Container
    request: object  # the Werkzeug/Flask request
    request_id: str
    principal: Principal | None = None
    conn: object = None  # the request's tenant transaction, once authenticated
    # The table the request was routed by; the OpenAPI handler documents it (handlers cannot
    # import the route table: it imports them).
    routes: tuple = ()

    @property
    def customer_id(self) -> str:
        """The caller's tenant: only ever from the verified token."""
        if self.principal is None:  # a routing bug, never a client error
            raise RuntimeError("route without auth asked for a tenant")
        return self.principal.customer_id

    def tx(self):
        """The caller's tenant transaction (row-level security applies).

        Authenticated requests already hold one (the user check ran in it): reads share it,
        which saves a connection checkout and three round trips per request.
        """
        if self.conn is not None:
            return nullcontext(self.conn)
        return self.app.uow.transaction(self.customer_id)

    @property
    def today(self):
        """Today's date in UTC (SPEC: windows derive from a UTC date)."""
        return datetime.now(UTC).date()

    @property
    def client_ip(self) -> str:
        """The caller's address: X-Forwarded-For only behind the configured trusted proxies.

        Each trusted proxy appends the address it saw, so with N hops the client is the Nth
        entry from the right; entries further left are whatever the client chose to send.
        """
        hops = self.app.settings.trusted_proxy_hops
        forwarded = self.request.headers.get("X-Forwarded-For", "")
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if hops > 0 and len(chain) >= hops:
            return _address(chain[-hops])
        return _address(self.request.remote_addr or "")


_NOT_ADDRESS = re.compile(r"[^0-9A-Za-z.:%_\[\]-]")


def _address(value: str) -> str:
    # Throttle keys and audit rows hold it: only characters of an address (never a NUL).
    return _NOT_ADDRESS.sub("", value)[:64] or "unknown"
