"""`upstream token --email E` (password on stdin) and `upstream openapi` (the API document)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

from common.commands.output import BadInput, emit
from common.commands.runtime import ready
from common.services.auth_types import TOKEN_TYPE


def register(sub) -> None:
    """Add `token` and `openapi`."""
    t = sub.add_parser("token", help="log in; the password is read from stdin")
    t.add_argument("--email", required=True)
    t.add_argument("--json", action="store_true", help="print the whole token response")
    t.set_defaults(handler=run_token)
    o = sub.add_parser("openapi", help="print the API's OpenAPI 3.1 document")
    o.set_defaults(handler=run_openapi)


def run_token(args) -> int:
    """Exchange e-mail + password (stdin, first line) for tokens, like POST /v1/auth/token."""
    from common.services.auth import login
    from common.services.auth_types import AuthFailed, Throttled

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise BadInput("no password on stdin")
    app = ready()
    try:
        pair = login(app.uow, app.tokens, args.email, password, client_ip="cli")
    except AuthFailed as exc:
        print(f"upstream: {exc}", file=sys.stderr)
        return 1
    except Throttled as exc:
        print(f"upstream: {exc} (retry after {exc.retry_after}s)", file=sys.stderr)
        return 1
    emit(args, asdict(pair) | {"token_type": TOKEN_TYPE}, pair.access_token)
    return 0


def openapi_text() -> str:
    """The OpenAPI document exactly as docs/openapi.json holds it."""
    from common.web.openapi import document
    from common.web.routes import route_table

    return json.dumps(document(route_table()), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def run_openapi(args) -> None:
    """Print the document (`upstream openapi > docs/openapi.json` regenerates the copy)."""
    sys.stdout.write(openapi_text())
