"""Alibaba Cloud error bodies (JSON or XML) as `ProviderError`, and which ones to retry.

The gateway answers ``{"RequestId", "HostId", "Code", "Message", "Recommend"}`` in JSON, or
the same fields under ``<Error>`` in XML. Throttling comes as HTTP 400 with a ``Throttling``
code (429 on newer gateways), so codes decide retries, not only statuses.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tagstrip.domain.errors import ProviderError
from tagstrip.runtime.calls import transient_status

__all__ = ["GONE_CODES", "is_retryable_code", "parse_error", "request_id_of"]

#: Transient by the vendor's own account (its SDK retries exactly these).
_RETRYABLE_CODES = frozenset(
    {
        "Throttling",
        "Throttling.User",
        "Throttling.Api",
        "ServiceUnavailable",
        "InternalError",
        "UnknownError",
    }
)
#: The one resource named by the call does not exist: nothing is left to untag.
GONE_CODES = frozenset({"InvalidResourceId.NotFound", "InvalidDbInstanceId.NotFound"})


def is_retryable_code(code: str | None) -> bool:
    """Whether the vendor's code says the same call may succeed later."""
    return code in _RETRYABLE_CODES


def request_id_of(response: httpx.Response) -> str | None:
    """The ``RequestId`` of a JSON or XML answer, else the ``x-acs-request-id`` header."""
    return _fields(response).get("RequestId") or response.headers.get("x-acs-request-id")


def parse_error(provider: str, response: httpx.Response) -> ProviderError:
    """The vendor's code, message and request id from an error answer."""
    fields = _fields(response)
    code = fields.get("Code") or None
    status = response.status_code
    return ProviderError(
        fields.get("Message") or response.reason_phrase or "error without a message",
        provider=provider,
        code=code,
        status_code=status,
        request_id=fields.get("RequestId") or response.headers.get("x-acs-request-id"),
        retryable=transient_status(status) or is_retryable_code(code),
    )


def _fields(response: httpx.Response) -> dict[str, str]:
    # UTF-8 is what both formats declare; decoding directly skips httpx's charset sniffing.
    text = response.content.decode("utf-8", "replace").strip()
    if text.startswith("<"):
        return _xml_fields(text)
    try:
        data: Any = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {name: str(value) for name, value in data.items() if isinstance(value, str | int)}


def _xml_fields(text: str) -> dict[str, str]:
    # Imported here: Alibaba answers JSON unless asked otherwise, so most processes never
    # parse XML (and a cold start skips the parser).
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return {}
    return {child.tag: (child.text or "").strip() for child in root}
