"""Event sources: envelope adapters from each platform's delivery to canonical requests.

    delivery (bytes/JSON) -> delivery.adapt_delivery -> one adapter per shape:
        pubsub      Pub/Sub push envelope, Eventarc MessagePublishedData
        mns         Alibaba MNS topic trigger (JSON and STREAM), MNS queue CloudEvent data
        cloudevent  structured/binary CloudEvents and arrays of them, routed by `type`
        lifecycle   resource-lifecycle events (EventBridge, ActionTrail, Huawei CTS) via rules
        ticketing   any webhook JSON (Jira, ServiceNow, ...) via a mapping file or preset
    webhook_auth    HMAC signatures and duplicate deliveries of the public webhook

Every adapter returns an `Outcome` (`Accepted` requests, or `Ignored` with a reason) or
raises `InvalidRequest` whose field paths point into the delivery as received.
"""

from __future__ import annotations

from tagstrip.sources.outcome import Accepted, Ignored, Outcome, Rejected, SourceKind

__all__ = ["Accepted", "Ignored", "Outcome", "Rejected", "SourceKind"]
