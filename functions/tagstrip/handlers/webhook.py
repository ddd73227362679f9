"""The public webhook (``remove_tags_http``): authenticate, adapt, validate, execute, answer.

Answers JSON always: 200 done or dry run (or nothing to do), 207 partly done, 502/503 when
the provider side failed (503 with ``Retry-After`` when retrying later makes sense), 400
with every field error, 401 for a bad or missing signature, 405/413/415 for the wrong
method, size or content type. ``GET /healthz`` answers without touching a cloud.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping

import flask

from tagstrip.core.errors import ConfigurationError, InvalidRequest, Unauthorized
from tagstrip.core.settings import get_settings
from tagstrip.handlers.http import (
    Answer,
    HttpProblem,
    check_size,
    parse_json,
    read_body,
    require_json,
)
from tagstrip.handlers.report import Report, carry_out, http_status, rejected
from tagstrip.sources import ticketing
from tagstrip.sources.webhook_auth import WebhookVerifier

__all__ = [
    "HEALTH_PATHS",
    "OPENAPI_PATH",
    "contract",
    "guarded",
    "handle_http",
    "health",
    "webhook",
]

HEALTH_PATHS = frozenset({"/healthz", "/healthz/"})
OPENAPI_PATH = "/openapi.json"
log = logging.getLogger("tagstrip")


def handle_http(request: flask.Request) -> flask.Response:
    """``remove_tags_http``: the health check, or one webhook delivery."""
    if request.path in HEALTH_PATHS:
        return health(request.method).flask()
    if request.path == OPENAPI_PATH:
        return contract(request.method).flask()

    def work() -> Answer:
        body = read_body(request, max_bytes=get_settings().max_body_bytes)
        return webhook(request.method, request.mimetype, dict(request.headers), body)

    return guarded(work).flask()


def contract(method: str) -> Answer:
    """``GET /openapi.json``: the webhook's OpenAPI document; no signature, no cloud."""
    if method not in ("GET", "HEAD"):
        return HttpProblem(405, "method_not_allowed", "use GET", {"Allow": "GET"}).answer()
    from tagstrip.handlers import openapi  # only this path needs the schema machinery

    return Answer(200, openapi.document())


def health(method: str) -> Answer:
    """The health check: no cloud, no configuration, just "the process answers"."""
    if method in ("GET", "HEAD"):
        return Answer(200, {"status": "ok"})
    return HttpProblem(405, "method_not_allowed", "use GET", {"Allow": "GET"}).answer()


def guarded(work: Callable[[], Answer]) -> Answer:
    """Run `work`, turning every error tagstrip raises on purpose into its JSON answer."""
    try:
        return work()
    except HttpProblem as problem:
        return _refused(problem.answer(), problem.message)
    except InvalidRequest as exc:
        return _refused(Answer(400, exc.to_dict()), str(exc))
    except Unauthorized as exc:
        refusal = {"error": "unauthorized", "reason": exc.reason, "message": str(exc)}
        return _refused(Answer(401, refusal), str(exc))
    except ConfigurationError as exc:
        body = {"error": "configuration_error", "message": str(exc), "variable": exc.variable}
        return _refused(Answer(500, body), str(exc))


def _refused(answer: Answer, reason: str) -> Answer:
    """One log line for a request refused before it became an event (no secret in it)."""
    error = answer.payload.get("error") if isinstance(answer.payload, dict) else None
    log.log(
        logging.ERROR if answer.status >= 500 else logging.WARNING,
        "refused %d %s",
        answer.status,
        error,
        extra={"http_status": answer.status, "error": error, "reason": reason},
    )
    return answer


def webhook(method: str, mimetype: str, headers: Mapping[str, str], body: bytes) -> Answer:
    """One webhook delivery, `body` exactly as received (the signature covers those bytes)."""
    if method != "POST":
        raise HttpProblem(405, "method_not_allowed", "use POST", {"Allow": "POST"})
    require_json(mimetype)
    settings = get_settings()
    check_size(body, settings.max_body_bytes)
    verifier = WebhookVerifier.from_env()
    verified = verifier.verify(headers, body)
    if verified.duplicate:
        report = Report("webhook", verified.delivery_id, "duplicate", reason="already delivered")
        return Answer(200, report.to_dict())
    try:
        payload = parse_json(body, max_depth=settings.max_json_depth)
        outcome = ticketing.adapt(payload, event_id=verified.delivery_id)
        report = carry_out(outcome, settings.for_request(headers))
    except InvalidRequest as exc:
        report = rejected("webhook", verified.delivery_id, exc)
        return Answer(400, {"error": "invalid_request", **report.to_dict()})
    except BaseException:
        verifier.release(verified)
        raise
    status = http_status([report])
    if status < 500 and not report.transient:
        return Answer(status, report.to_dict())
    # Failed on our side, wholly or partly (a 207 with retryable calls): the sender's retry
    # must not be dropped as a duplicate.
    verifier.release(verified)
    return Answer(status, report.to_dict(), _retry_after(report) if status == 503 else {})


def _retry_after(report: Report) -> dict[str, str]:
    wait = report.retry_after
    return {} if wait is None else {"Retry-After": str(max(1, math.ceil(wait)))}
