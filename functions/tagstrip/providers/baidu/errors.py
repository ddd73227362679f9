"""Baidu AI Cloud error bodies as `ProviderError`, and which ones to retry.

Errors come as ``{"requestId", "code", "message"}``; an empty body falls back to the HTTP
reason phrase and the ``x-bce-request-id`` header, as the vendor's SDK does. No throttling
code is documented, so only HTTP 429 and 5xx are retried. BCC answers ``NoSuchObject`` (404)
for an instance that does not exist.
"""

from __future__ import annotations

import httpx

from tagstrip.domain.errors import ProviderError
from tagstrip.runtime.calls import error_body, transient_status

__all__ = ["GONE_CODES", "parse_error", "request_id_of"]

#: The one resource named by the call does not exist: nothing is left to untag.
GONE_CODES = frozenset({"NoSuchObject"})


def request_id_of(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get("x-bce-request-id")
    return value


def parse_error(provider: str, response: httpx.Response) -> ProviderError:
    """The vendor's code, message and request id from an error answer."""
    body = error_body(response)
    fields = body if isinstance(body, dict) else {}
    status = response.status_code
    request_id = fields.get("requestId") or request_id_of(response)
    return ProviderError(
        str(fields.get("message") or response.reason_phrase or "error without a message"),
        provider=provider,
        code=str(fields["code"]) if fields.get("code") else None,
        status_code=status,
        request_id=str(request_id) if request_id else None,
        retryable=transient_status(status),
    )
