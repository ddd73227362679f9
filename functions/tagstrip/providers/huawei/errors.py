"""Huawei Cloud error bodies as `ProviderError`, and which ones to retry.

The API gateway answers flat ``{"error_code", "error_msg", "request_id"}``; ECS nests
``{"error": {"code", "message"}}``, TMS ``{"error": {"error_code", "error_msg"}}``. Like
the vendor's SDK, the code and message are looked up under any of the spellings it knows,
nested or not, and the request id is the ``X-Request-Id`` header.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from tagstrip.domain.errors import ProviderError
from tagstrip.runtime.calls import ResourceReply, error_body, transient_status

__all__ = ["GONE_CODES", "TMS_GONE_CODES", "parse_error", "request_id_of", "resource_reply"]

_SPELLINGS = (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message"))
#: Gateway flow control (``APIG.`` on some products) is sent with HTTP 429; TMS says "too
#: many requests" (TMS.0006) with 403, and TMS.0001 is its system error.
_RETRYABLE_CODES = frozenset({"APIGW.0308", "APIG.0308", "TMS.0006", "TMS.0001"})
#: The server named in the path does not exist: nothing is left to untag.
GONE_CODES = frozenset({"Ecs.0114"})
#: TMS: "resource not found", for the one resource of a call or one of ``failed_resources``.
TMS_GONE_CODES = frozenset({"TMS.0005"})


def resource_reply(resource_id: str, code: str | None, message: str | None) -> ResourceReply:
    """One of TMS's ``failed_resources``: skipped when it is gone, else failed (a retry may
    pass where TMS says it was busy or faulted)."""
    if code in TMS_GONE_CODES:
        return ResourceReply(resource_id, "skipped", code, message)
    return ResourceReply(resource_id, "failed", code, message, retryable=code in _RETRYABLE_CODES)


def request_id_of(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get("x-request-id")
    return value


def parse_error(provider: str, response: httpx.Response) -> ProviderError:
    """The vendor's code, message and request id from an error answer."""
    body = error_body(response)
    code, message = _find(body) if isinstance(body, Mapping) else (None, None)
    status = response.status_code
    request_id = request_id_of(response)
    if request_id is None and isinstance(body, Mapping) and "request_id" in body:
        request_id = str(body["request_id"])
    return ProviderError(
        message or response.reason_phrase or "error without a message",
        provider=provider,
        code=code,
        status_code=status,
        request_id=request_id,
        retryable=transient_status(status) or code in _RETRYABLE_CODES,
    )


def _find(body: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The first (code, message) pair under a known spelling, searching nested objects."""
    for code_name, message_name in _SPELLINGS:
        if isinstance(body.get(code_name), str):
            message = body.get(message_name)
            return body[code_name], message if isinstance(message, str) else None
    for value in body.values():
        if isinstance(value, Mapping):
            found = _find(value)
            if found[0] is not None:
                return found
    return None, None
