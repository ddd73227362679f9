"""What a provider client is to the executor, and the helpers every client shares.

A client (one per vendor API, in `tagstrip.providers.<vendor>.client`) builds the unsigned
request for a planned call, signs through its `httpx.Auth`, and turns the answer into a
`Reply` or a `ProviderError`. All clients share one pooled `httpx.Client` per process.
"""

from __future__ import annotations

import contextlib
import email.utils
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from typing import Any, Literal, Protocol

import httpx

from tagstrip.core import tls
from tagstrip.core.errors import ProviderError
from tagstrip.core.models import PlannedCall
from tagstrip.core.readphase import TagPage

__all__ = [
    "ProviderClient",
    "Reply",
    "error_body",
    "gone_or_raise",
    "http_retry_after",
    "shared_http_client",
    "transient_status",
]


@dataclass(frozen=True)
class Reply:
    """A call the provider accepted: removed, skipped because nothing was left to remove,
    or read (with the page of tags it returned)."""

    outcome: Literal["removed", "skipped", "read"]
    request_id: str | None
    code: str | None = None
    message: str | None = None
    page: TagPage | None = None


class ProviderClient(Protocol):
    """What the executor needs from one provider API; constructing one checks credentials."""

    auth: httpx.Auth

    def request(self, call: PlannedCall) -> httpx.Request:
        """The unsigned request for `call`, against the configured or default endpoint."""

    def interpret(self, call: PlannedCall, response: httpx.Response) -> Reply:
        """The reply to a call, or raise `ProviderError` (with `retryable` set) on failure."""

    def retry_after(self, response: httpx.Response) -> float | None:
        """Seconds the provider asked to wait before a retry, if it said."""


def gone_or_raise(call: PlannedCall, error: ProviderError, gone_codes: frozenset[str]) -> Reply:
    """A call whose only resource does not exist is skipped: nothing is left to untag.

    With several resources in the call the error stands, since the others were not untagged.
    """
    if error.code in gone_codes and len(call.resource_ids) == 1:
        return Reply("skipped", error.request_id, error.code, error.message)
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


@cache
def shared_http_client() -> httpx.Client:
    """The process-wide connection pool; per-call timeouts ride on each request. Its TLS
    trust store is the one `tls.preload()` started loading when the entry point loaded."""
    return httpx.Client(
        verify=tls.ssl_context(),
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
    )
