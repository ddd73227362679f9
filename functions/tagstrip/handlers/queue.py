"""``remove_tags_queue`` and ``remove_tags_event``: platform deliveries, translated from
Flask or a CloudEvent and back.

The platform authenticates these callers, so there is no HMAC here. Delivery semantics are
the point: a delivery is acknowledged only when nothing left undone could succeed on a
retry. Any call that failed in a way that may pass, or was not sent before the deadline,
makes the platform deliver it again (503, or `DeliverAgain` for CloudEvent targets), even
when other calls succeeded or failed for good: removal is idempotent, so redoing them is
harmless. A permanently invalid event is logged with its id and reason and acknowledged,
so it never loops; everything else is acknowledged with one report per event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import flask

from tagstrip.domain import pipeline
from tagstrip.domain.errors import InvalidRequest
from tagstrip.domain.outcomes import Adapted, Rejected, Report
from tagstrip.handlers.flows import deliver, raise_if_transient
from tagstrip.handlers.http import (
    HEALTH_PATHS,
    Answer,
    HttpProblem,
    guarded,
    health,
    read_body,
    retry_after_header,
)
from tagstrip.runtime.settings import get_settings
from tagstrip.runtime.wiring import wiring
from tagstrip.sources import cloudevent

__all__ = ["deliver_cloud_event", "handle_queue", "queue_answer"]


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


def queue_answer(reports: Sequence[Report]) -> Answer:
    """200 acknowledges (rejections and permanent failures recorded); 503 makes the platform
    deliver again when any call of any event failed in a way a retry may fix, or was not sent."""
    payload: dict[str, Any] = {"events": [report.payload() for report in reports]}
    waits = [r.retry_after or 0.0 for r in reports if r.transient]
    if not waits:
        return Answer(200, payload)
    return Answer(503, payload, retry_after_header(max(waits)))


def deliver_cloud_event(attributes: Mapping[str, Any], data: object) -> Report:
    """``remove_tags_event``: a CloudEvent handed over by functions-framework; raises
    DeliverAgain when any call may succeed on a retry."""
    [report] = pipeline.run([_unwrap(attributes, data)], wiring())
    raise_if_transient([report])
    return report


def _unwrap(attributes: Mapping[str, Any], data: object) -> Adapted | Rejected:
    try:
        return cloudevent.adapt_event(attributes, data)
    except InvalidRequest as exc:
        event_id = attributes.get("id")
        return Rejected("cloudevent", str(event_id) if event_id else None, exc)
