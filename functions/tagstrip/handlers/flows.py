"""The two flows behind every entry point, from the bytes received to what is answered.

`webhook`: a signed delivery -> its signature (`sources.webhook_auth`) -> its payloads
(`sources.webhook`) -> `domain.pipeline.run` -> 200/207/400/502/503 (see `handlers.webhook`).
`deliver`: a platform delivery -> its events (`sources.envelopes`) -> `domain.pipeline.run`
-> one report per event; the entry points acknowledge it or have it delivered again.
The webhook's HTTP target and ``handler(event, context)`` both take the first; the queue
target and ``handler`` the second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tagstrip.domain import pipeline
from tagstrip.domain.errors import InvalidRequest, TagstripError
from tagstrip.domain.outcomes import Adapted, Rejected, Report
from tagstrip.handlers.http import (
    Answer,
    HttpProblem,
    check_size,
    http_status,
    parse_json,
    require_json,
    retry_after_header,
)
from tagstrip.runtime.settings import Settings, get_settings
from tagstrip.runtime.wiring import wiring
from tagstrip.sources import webhook as webhook_source
from tagstrip.sources.webhook_auth import WebhookVerifier

__all__ = ["DeliverAgain", "deliver", "raise_if_transient", "webhook"]


class DeliverAgain(TagstripError):
    """Raised so the platform redelivers: some call failed for a reason that may pass, or
    was not sent."""


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
        event = _unwrap(body, verified.delivery_id, settings)
        [report] = pipeline.run([event], wiring(settings.for_request(headers)))
    except BaseException:
        verifier.release(verified)
        raise
    if report.transient:  # the sender's resend must be carried out, not called a duplicate
        verifier.release(verified)
        return Answer(503, report.payload(), retry_after_header(report.retry_after))
    verifier.finish(verified)
    if report.outcome == "rejected":
        return Answer(400, {"error": "invalid_request", **report.payload()})
    return Answer(http_status([report]), report.payload())


def _unwrap(body: bytes, delivery_id: str | None, settings: Settings) -> Adapted | Rejected:
    """The webhook's event: a body that is not JSON is refused (400) before it is one."""
    payload = parse_json(body, max_depth=settings.max_json_depth)
    try:
        return webhook_source.adapt(payload, event_id=delivery_id)
    except InvalidRequest as exc:
        return Rejected("webhook", delivery_id, exc)


def deliver(
    body: bytes | str | object,
    headers: Mapping[str, str] | None = None,
    *,
    platform_keys: Mapping[str, str] | None = None,
) -> list[Report]:
    """One report per event in a delivery (a single event or a JSON array of them).

    Credentials the platform passed with the delivery (FunctionGraph's agency keys, in the
    request headers or, for a Python runtime, `platform_keys`) sign the calls when enabled.
    """
    # Imported here: the webhook never loads the platforms' envelope adapters and models.
    from tagstrip.sources.envelopes import adapt_delivery

    settings = get_settings().for_request(platform_keys or headers or {})
    return pipeline.run(adapt_delivery(body, headers), wiring(settings))


def raise_if_transient(reports: Sequence[Report]) -> None:
    transient = [report.event_id or "(no id)" for report in reports if report.transient]
    if transient:
        raise DeliverAgain(f"transient provider failure for event(s) {', '.join(transient)}")


_IN_FLIGHT = "the same delivery is being carried out; resend it after Retry-After seconds"
