"""What a provider client is to the executor, and the helpers every client shares.

A client (one per vendor API, in `tagstrip.providers.<vendor>.client`) builds the unsigned
request for a planned call, signs through its `httpx.Auth`, and turns the answer into a
`ProviderReply` or a `ProviderError`. All clients share one pooled transport per process.
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import ssl
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from typing import Any, Literal, Protocol

import httpx

from tagstrip.domain.errors import ProviderError
from tagstrip.domain.models import PlannedCall
from tagstrip.domain.readphase import TagPage
from tagstrip.runtime import tls
from tagstrip.runtime.forksafe import ForkSafeLock

__all__ = [
    "ProviderClient",
    "ProviderReply",
    "ResourceReply",
    "error_body",
    "gone_or_raise",
    "http_retry_after",
    "send",
    "shared_transport",
    "transient_status",
]


@dataclass(frozen=True)
class ResourceReply:
    """One resource of a call that the provider answered for apart (tag services untag
    many resources a call and list those they could not untag)."""

    resource_id: str
    outcome: Literal["skipped", "failed"]
    code: str | None
    message: str | None
    retryable: bool = False


@dataclass(frozen=True)
class ProviderReply:
    """A call the provider accepted: removed, skipped because nothing was left to remove,
    or read (with the page of tags it returned). `resources` lists the resources whose
    fate differs from the call's, each reported apart."""

    outcome: Literal["removed", "skipped", "read"]
    request_id: str | None
    code: str | None = None
    message: str | None = None
    page: TagPage | None = None
    resources: tuple[ResourceReply, ...] = ()


class ProviderClient(Protocol):
    """What the executor needs from one provider API; constructing one checks credentials."""

    auth: httpx.Auth

    def request(self, call: PlannedCall) -> httpx.Request:
        """The unsigned request for `call`, against the configured or default endpoint."""

    def interpret(self, call: PlannedCall, response: httpx.Response) -> ProviderReply:
        """The reply to a call, or raise `ProviderError` (with `retryable` set) on failure."""

    def retry_after(self, response: httpx.Response) -> float | None:
        """Seconds the provider asked to wait before a retry, if it said."""


def gone_or_raise(
    call: PlannedCall, error: ProviderError, gone_codes: frozenset[str]
) -> ProviderReply:
    """A call whose only resource does not exist is skipped: nothing is left to untag.

    With several resources in the call the error stands, since the others were not untagged.
    """
    if error.code in gone_codes and len(call.resource_ids) == 1:
        return ProviderReply("skipped", error.request_id, error.code, error.message)
    raise error


def error_body(response: httpx.Response) -> Any:
    """An error answer's JSON, or {} when it has none (gateways answer HTML or nothing)."""
    try:
        return response.json() if response.content else {}
    except ValueError:
        return {}


def transient_status(status: int) -> bool:
    """HTTP statuses worth retrying whatever the vendor: throttled, or a server-side fault."""
    return status == 429 or status >= 500


def http_retry_after(response: httpx.Response) -> float | None:
    """The standard ``Retry-After`` header: delay in seconds, or an HTTP date."""
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError):
        moment = email.utils.parsedate_to_datetime(value)
        return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())
    return None


#: Environment variables that route HTTP through a proxy, as httpx reads them.
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")
_LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=16)


@cache
def shared_transport() -> httpx.BaseTransport:
    """The process-wide connection pools, made by the first provider call (never at import,
    so no connection of a gunicorn master reaches the workers it forks).

    Calls go to the transport itself, not through an `httpx.Client`: a client would also keep
    the providers' cookies, look for redirects and run event hooks on every call, none of
    which a signed API call wants. When a proxy variable is set (either
    case), a client does route the calls, since it alone applies ``NO_PROXY`` as httpx does.
    """
    if any(os.environ.get(name) or os.environ.get(name.lower()) for name in PROXY_VARIABLES):
        return _Proxied(httpx.Client(verify=tls.ssl_context(), limits=_LIMITS))
    return _ByScheme()


class _ByScheme(httpx.BaseTransport):
    """HTTPS calls go to a pool verified with the trust store, made by the first of them;
    plain-HTTP calls (an endpoint set to a local fake cloud or a gateway inside the network)
    to a pool of their own, so that they never load the trust store they would not use."""

    def __init__(self) -> None:
        # A context that trusts no root: the plain pool makes no TLS connection, and if it
        # ever tried, verification would fail rather than accept any certificate.
        self._plain = httpx.HTTPTransport(
            verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), limits=_LIMITS
        )
        self._verified: httpx.HTTPTransport | None = None
        self._making = ForkSafeLock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "http":
            return self._plain.handle_request(request)
        return self._tls().handle_request(request)

    def close(self) -> None:
        self._plain.close()
        if self._verified is not None:
            self._verified.close()

    def _tls(self) -> httpx.HTTPTransport:
        if self._verified is None:
            with self._making:
                if self._verified is None:
                    self._verified = httpx.HTTPTransport(verify=tls.ssl_context(), limits=_LIMITS)
        return self._verified


def send(
    transport: httpx.BaseTransport, request: httpx.Request, auth: httpx.Auth
) -> httpx.Response:
    """`request` signed by `auth` and sent once, its answer read in full. The flows of
    `tagstrip.providers` sign in one step, without looking at the answer."""
    signed = next(auth.sync_auth_flow(request))
    response = transport.handle_request(signed)
    response.request = signed
    try:
        response.read()
    finally:
        response.close()
    return response


class _Proxied(httpx.BaseTransport):
    """A transport that is an `httpx.Client` underneath, for its proxy routing."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._client.send(request)
