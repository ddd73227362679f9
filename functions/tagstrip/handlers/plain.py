"""``handler(event, context)`` for runtimes that call a Python function, not an HTTP server.

Baidu CFC (no custom HTTP runtime) and the FC / FunctionGraph Python runtimes pass the event
itself: bytes or parsed JSON. An HTTP-trigger event (the API-gateway proxy shape with
``httpMethod``, ``headers`` and ``body``) is the public webhook, so it gets the same
signature check and the proxy answer; anything else is a platform delivery, which raises
`DeliverAgain` when any call failed in a way a retry may fix or was not sent (whatever else
succeeded or failed for good), so the runtime's retry policy delivers it again.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from tagstrip.handlers import flows
from tagstrip.handlers.http import HEALTH_PATHS, Answer, HttpProblem, guarded, health
from tagstrip.runtime.settings import PLATFORM_KEYS

__all__ = ["handle"]


def handle(event: Any, context: Any = None) -> Any:
    """The webhook's proxy answer for an HTTP-trigger event; else the delivery's reports."""
    if _is_http_trigger(event):
        return _http(event).proxy()
    reports = flows.deliver(event, platform_keys=_platform_keys(context))
    flows.raise_if_transient(reports)
    return {"events": [report.to_dict() for report in reports]}


def _platform_keys(context: Any) -> dict[str, str]:
    """The temporary keys a platform's Python context hands over (FunctionGraph's agency
    keys), under the headers its HTTP functions carry them in, as `for_request` reads them."""
    keys = {}
    for _, platform in PLATFORM_KEYS:
        getters = zip(platform.headers, platform.context_getters, strict=True)
        for header, method in getters:
            getter = getattr(context, method, None)
            value = getter() if callable(getter) else None
            if isinstance(value, str):
                keys[header] = value
    return keys


def _is_http_trigger(event: object) -> bool:
    return isinstance(event, Mapping) and "httpMethod" in event and "headers" in event


def _http(event: Mapping[str, Any]) -> Answer:
    method = str(event.get("httpMethod", "")).upper()
    path = event.get("path")
    if isinstance(path, str) and path in HEALTH_PATHS:
        return health(method)

    def work() -> Answer:
        headers = _headers(event)
        mimetype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        body = _body(event)
        return flows.webhook(method, mimetype.split(";")[0].strip(), headers, body)

    return guarded(work)


def _headers(event: Mapping[str, Any]) -> dict[str, str]:
    headers = event.get("headers") or {}
    if not isinstance(headers, Mapping):
        raise HttpProblem(
            400, "invalid_headers", "the HTTP trigger event's headers must be an object"
        )
    return {str(k): str(v) for k, v in headers.items()}


def _body(event: Mapping[str, Any]) -> bytes:
    body = event.get("body") or ""
    if not isinstance(body, str):
        raise HttpProblem(400, "invalid_body", "the HTTP trigger event's body must be a string")
    if not event.get("isBase64Encoded"):
        return body.encode("utf-8", "surrogatepass")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise HttpProblem(400, "invalid_body", "the body is marked base64 but is not") from None
