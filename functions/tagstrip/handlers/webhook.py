"""The public webhook (``remove_tags_http``): authenticate, adapt, validate, execute, answer.

Answers JSON always: 200 done or dry run (or nothing to do, or a duplicate of a delivery
that finished), 503 with ``Retry-After`` when any call failed in a way a retry may fix or
was not sent (the sender resends and the whole delivery is redone: removal is idempotent),
207 when the calls that did not succeed failed for good, 502 when every call failed for
good, 409 with ``Retry-After`` for a resend of a delivery still in flight, 400 with every
field error, 401 for a bad or missing signature, 405/413/415 for the wrong method, size or
content type. ``GET /healthz`` answers without touching a cloud.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

import flask

from tagstrip.domain.errors import ConfigurationError, InvalidRequest, Unauthorized
from tagstrip.handlers.http import (
    Answer,
    HttpProblem,
    check_size,
    parse_json,
    read_body,
    require_json,
)
from tagstrip.handlers.report import (
    Report,
    carry_out,
    http_status,
    rejected,
    retry_after_header,
)
from tagstrip.runtime.settings import get_settings
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
    if verified.state == "finished":
        report = Report("webhook", verified.delivery_id, "duplicate", reason="already delivered")
        return Answer(200, report.payload())
    if verified.state == "in_flight":
        # Not a duplicate yet: the first may still fail, and a sender told "done" never retries.
        raise HttpProblem(409, "in_flight", _IN_FLIGHT, retry_after_header(settings.deadline))
    try:
        payload = parse_json(body, max_depth=settings.max_json_depth)
        outcome = ticketing.adapt(payload, event_id=verified.delivery_id)
        report = carry_out(outcome, settings.for_request(headers))
    except InvalidRequest as exc:
        verifier.finish(verified)
        report = rejected("webhook", verified.delivery_id, exc)
        return Answer(400, {"error": "invalid_request", **report.payload()})
    except BaseException:
        verifier.release(verified)
        raise
    if report.transient:  # the sender's resend must be carried out, not called a duplicate
        verifier.release(verified)
        return Answer(503, report.payload(), retry_after_header(report.retry_after))
    verifier.finish(verified)
    return Answer(http_status([report]), report.payload())


_IN_FLIGHT = "the same delivery is being carried out; resend it after Retry-After seconds"
