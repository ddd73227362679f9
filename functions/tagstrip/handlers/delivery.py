"""Platform deliveries (``remove_tags_queue``, ``remove_tags_event``, ``handler``).

The platform authenticates these callers, so there is no HMAC here. Delivery semantics are
the point: a delivery is acknowledged only when nothing left undone could succeed on a
retry. Any call that failed in a way that may pass, or was not sent before the deadline,
makes the platform deliver it again (503, or an exception for CloudEvent targets), even
when other calls succeeded or failed for good: removal is idempotent, so redoing them is
harmless. A permanently invalid event is logged with its id and reason and acknowledged,
so it never loops; everything else is acknowledged with one report per event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import flask

from tagstrip.domain.errors import InvalidRequest, TagstripError
from tagstrip.handlers.http import Answer, HttpProblem, read_body
from tagstrip.handlers.report import Report, carry_out, rejected, retry_after_header
from tagstrip.handlers.webhook import HEALTH_PATHS, guarded, health
from tagstrip.runtime.planning import delivery_budget
from tagstrip.runtime.settings import get_settings
from tagstrip.sources import cloudevent
from tagstrip.sources.delivery import adapt_delivery
from tagstrip.sources.outcome import Accepted

__all__ = [
    "DeliverAgain",
    "deliver",
    "deliver_cloud_event",
    "handle_queue",
    "queue_answer",
    "raise_if_transient",
]


class DeliverAgain(TagstripError):
    """Raised so the platform redelivers: some call failed for a reason that may pass, or
    was not sent."""


def handle_queue(request: flask.Request) -> flask.Response:
    """``remove_tags_queue``: any content type (FC posts CloudEvents as octet-stream)."""
    if request.path in HEALTH_PATHS:
        return health(request.method).flask()

    def work() -> Answer:
        if request.method != "POST":
            raise HttpProblem(405, "method_not_allowed", "use POST", {"Allow": "POST"})
        body = read_body(request, max_bytes=get_settings().max_body_bytes)
        return queue_answer(deliver(body, dict(request.headers)))

    return guarded(work).flask()


def deliver(
    body: bytes | str | object,
    headers: Mapping[str, str] | None = None,
    *,
    platform_keys: Mapping[str, str] | None = None,
) -> list[Report]:
    """One report per event in a delivery (a single event or a JSON array of them).

    Credentials the platform passed with the delivery (FunctionGraph's agency keys, in the
    request headers or, for a Python runtime, `platform_keys`) sign the calls when enabled.
    The events share the delivery's call budget, which holds a selector's writes.
    """
    settings = get_settings().for_request(platform_keys or headers or {})
    outcomes = adapt_delivery(body, headers)
    accepted = [outcome for outcome in outcomes if isinstance(outcome, Accepted)]
    budget = delivery_budget((r for outcome in accepted for r in outcome.requests), settings)
    return [carry_out(outcome, settings, budget) for outcome in outcomes]


def queue_answer(reports: list[Report]) -> Answer:
    """200 acknowledges (rejections and permanent failures recorded); 503 makes the platform
    deliver again when any call of any event failed in a way a retry may fix, or was not sent."""
    payload: dict[str, Any] = {"events": [report.payload() for report in reports]}
    waits = [r.retry_after or 0.0 for r in reports if r.transient]
    if not waits:
        return Answer(200, payload)
    return Answer(503, payload, retry_after_header(max(waits)))


def deliver_cloud_event(attributes: Mapping[str, Any], data: object) -> Report:
    """A CloudEvent handed over by functions-framework; raises DeliverAgain when any call
    may succeed on a retry."""
    event_id = attributes.get("id")
    try:
        outcome = cloudevent.adapt_event(attributes, data)
    except InvalidRequest as exc:
        return rejected("cloudevent", str(event_id) if event_id else None, exc)
    report = carry_out(outcome)
    raise_if_transient([report])
    return report


def raise_if_transient(reports: list[Report]) -> None:
    transient = [report.event_id or "(no id)" for report in reports if report.transient]
    if transient:
        raise DeliverAgain(f"transient provider failure for event(s) {', '.join(transient)}")
