"""``remove_tags_http``: the public webhook, translated from Flask and back.

Answers JSON always: 200 done or dry run (or nothing to do, or a duplicate of a delivery
that finished), 503 with ``Retry-After`` when any call failed in a way a retry may fix or
was not sent (the sender resends and the whole delivery is redone: removal is idempotent),
207 when the calls that did not succeed failed for good, 502 when every call failed for
good, 409 with ``Retry-After`` for a resend of a delivery still in flight, 400 with every
field error, 401 for a bad or missing signature, 405/413/415 for the wrong method, size or
content type (`tagstrip.handlers.flows.webhook`). ``GET /healthz`` answers without touching
a cloud, ``GET /openapi.json`` with the webhook's contract.
"""

from __future__ import annotations

import flask

from tagstrip.handlers import flows
from tagstrip.handlers.http import HEALTH_PATHS, Answer, HttpProblem, guarded, health, read_body
from tagstrip.runtime.settings import get_settings

__all__ = ["OPENAPI_PATH", "contract", "handle_http"]

OPENAPI_PATH = "/openapi.json"


def handle_http(request: flask.Request) -> flask.Response:
    """``remove_tags_http``: the health check, the contract, or one webhook delivery."""
    if request.path in HEALTH_PATHS:
        return health(request.method).flask()
    if request.path == OPENAPI_PATH:
        return contract(request.method).flask()

    def work() -> Answer:
        body = read_body(request, max_bytes=get_settings().max_body_bytes)
        return flows.webhook(request.method, request.mimetype, dict(request.headers), body)

    return guarded(work).flask()


def contract(method: str) -> Answer:
    """``GET /openapi.json``: the webhook's OpenAPI document; no signature, no cloud."""
    if method not in ("GET", "HEAD"):
        return HttpProblem(405, "method_not_allowed", "use GET", {"Allow": "GET"}).answer()
    from tagstrip.handlers import openapi  # only this path needs the schema machinery

    return Answer(200, openapi.document())
