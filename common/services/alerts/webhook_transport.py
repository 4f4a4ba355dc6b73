"""The webhook POST's transport: requests over urllib3 connections pinned to the addresses the
URL policy checked (common/services/alerts/webhooks.py decides what to send and where).

The URL keeps the host name, so the Host header, TLS SNI and the certificate check use the
name; only the TCP connection is pinned. Redirects are not followed, no environment proxy is
used. Imported by the first POST of a process: requests and urllib3 cost ~100 ms to import.
"""

from __future__ import annotations

import sys

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

MAX_ADDRESSES = 3  # addresses tried per attempt, in resolver order (each gets the timeout)


def pinned_post(
    url: str,
    addresses: tuple[str, ...],
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    ca_bundle: str | None,
) -> tuple[int | None, str | None]:
    """POST `body` to `url`, connecting only to `addresses`: (status code, None), or
    (None, "timeout" | the error's class name) when no response came."""
    request = requests.Request("POST", url, data=body, headers=headers).prepare()
    adapter = PinnedAdapter(addresses)
    try:
        with adapter.send(
            request,
            stream=True,
            timeout=timeout,
            verify=ca_bundle or True,
            proxies={},  # never through an environment proxy
        ) as response:
            return response.status_code, None
    except requests.Timeout:
        return None, "timeout"
    except requests.RequestException as exc:
        return None, exc.__class__.__name__
    finally:
        adapter.close()


class _PinnedConnection:
    """Connects to the given addresses only; `host` stays the name (Host header, SNI, cert)."""

    def __init__(self, *args, addresses: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pinned_addresses = addresses

    def _new_conn(self):
        error: Exception = NewConnectionError(self, "no checked address to connect to")
        for address in self.pinned_addresses[:MAX_ADDRESSES]:
            try:
                sock = urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as exc:
                error = ConnectTimeoutError(self, f"connection to {self.host} timed out")
                error.__cause__ = exc
            except OSError as exc:
                error = NewConnectionError(self, f"failed to establish a connection: {exc}")
                error.__cause__ = exc
            else:
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
        raise error


class _PinnedHTTPConnection(_PinnedConnection, HTTPConnection):
    """Plain http (local mode, loopback only) to the checked addresses."""


class _PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    """https to the checked addresses; SNI and the certificate check use the name."""


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class PinnedAdapter(HTTPAdapter):
    """A requests transport that connects only to `addresses` (one adapter per attempt).

    The URL keeps the host name, so requests and urllib3 send `Host: <name>`, use the name
    for SNI and verify the certificate against the name; only the TCP connection is pinned.
    """

    def __init__(self, addresses: tuple[str, ...]) -> None:
        self.addresses = tuple(addresses)
        self._pools: list[HTTPConnectionPool] = []
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        """A fresh pool for this request's host whose connections use the pinned addresses."""
        host, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        if host["scheme"] == "https":
            pool = _PinnedHTTPSPool(
                host["host"], host["port"], maxsize=1, addresses=self.addresses, **pool_kwargs
            )
        else:
            pool = _PinnedHTTPPool(host["host"], host["port"], maxsize=1, addresses=self.addresses)
        self._pools.append(pool)
        return pool

    def close(self) -> None:
        """Close the pools this adapter opened."""
        for pool in self._pools:
            pool.close()
        self._pools.clear()
        super().close()
