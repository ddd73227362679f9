"""Event sources: each platform's envelope unwrapped into the payloads it carries.

    delivery (bytes/JSON) -> envelopes.adapt_delivery -> one adapter per shape:
        pubsub        Pub/Sub push envelope, Eventarc MessagePublishedData
        mns           Alibaba MNS topic trigger (JSON and STREAM), MNS queue CloudEvent data
        cloudevent    structured/binary CloudEvents and arrays of them, routed by `type`
        lifecycle     resource-lifecycle events (EventBridge, ActionTrail, Huawei CTS) via rules
        webhook       any webhook JSON (Jira, ServiceNow, ...) via a mapping file or preset
    rule_engine     the JMESPath rules and mappings that render requests from events;
    rule_files      their files, read and compiled
    webhook_auth    HMAC signatures and duplicate deliveries of the public webhook

Every adapter returns an `Event` (its payloads, each located in the envelope) or `Ignored`
with a reason, or raises `InvalidRequest` whose field paths point into the delivery as
received; `tagstrip.domain.pipeline` validates and carries out the payloads.
"""
