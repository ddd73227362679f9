"""Alibaba MNS deliveries: topic-trigger notifications (JSON and STREAM) and queue messages.

The MNS message body is JSON text holding a canonical request, a list of them or a
provider-native request. Send it as plain text: a body the MNS SDK base64-encoded is
refused as "not valid JSON" rather than guessed at.

- Topic trigger, JSON format: ``{"TopicName", "MessageId", "Message": "<body>", ...}``;
  message attributes arrive as extra top-level keys and are not read.
- Topic trigger, STREAM format: the raw body, or ``{"body": "<body>", "attrs": {...}}``
  when the message has attributes.
- Queue trigger (``mns:Queue:SendMessage``, via EventBridge): a CloudEvent whose data is
  ``{"requestId", "messageId", "messageBody": "<body>"}``; `cloudevent` routes it here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from tagstrip.domain.outcomes import Event, Payload
from tagstrip.sources._wire import JsonText, document, validate_wire

__all__ = [
    "QUEUE_EVENT_TYPE",
    "QueueMessage",
    "TopicNotification",
    "adapt_queue_data",
    "adapt_stream",
    "adapt_topic",
]

#: The CloudEvent type of a message sent to an MNS queue with an FC trigger.
QUEUE_EVENT_TYPE = "mns:Queue:SendMessage"

_WIRE = ConfigDict(frozen=True)


class TopicNotification(BaseModel):
    """A topic-trigger notification in JSON format (vendor casing kept through aliases)."""

    model_config = _WIRE

    topic_name: str = Field(alias="TopicName")
    message_id: str = Field(alias="MessageId")
    message: JsonText = Field(alias="Message")
    topic_owner: str | None = Field(default=None, alias="TopicOwner")
    subscriber: str | None = Field(default=None, alias="Subscriber")
    subscription_name: str | None = Field(default=None, alias="SubscriptionName")
    publish_time: int | None = Field(default=None, alias="PublishTime", description="epoch ms")
    message_md5: str | None = Field(default=None, alias="MessageMD5")


class StreamMessage(BaseModel):
    """A STREAM-format notification of a message that has attributes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    body: JsonText
    attrs: dict[str, Any] = Field(default_factory=dict)


class QueueMessage(BaseModel):
    """The data of an ``mns:Queue:SendMessage`` CloudEvent."""

    model_config = _WIRE

    message_body: JsonText = Field(alias="messageBody")
    message_id: str | None = Field(default=None, alias="messageId")
    request_id: str | None = Field(default=None, alias="requestId")


_TOPIC = TypeAdapter(TopicNotification)
_STREAM = TypeAdapter(StreamMessage)
_QUEUE = TypeAdapter(QueueMessage)


def adapt_topic(body: object) -> Event:
    """The request(s) in a JSON-format topic notification, at ``Message``; event id = MNS
    MessageId.

    Raises InvalidRequest located in the notification (``Message: not valid JSON ...``,
    ``TopicName: Field required``).
    """
    notification = validate_wire(_TOPIC, body)
    payload = Payload(notification.message, ("Message",))
    return Event("mns-topic", notification.message_id, (payload,))


def adapt_stream(body: object) -> Event:
    """The request(s) in a STREAM-format notification: raw body text or ``{body, attrs}``.

    STREAM carries no message id, so the event id is None.
    """
    if isinstance(body, str | bytes):
        return Event("mns-stream", None, (Payload(document(body)),))
    message = validate_wire(_STREAM, body)
    return Event("mns-stream", None, (Payload(message.body, ("body",)),))


def adapt_queue_data(data: object, *, event_id: str | None) -> Event:
    """The request(s) in a queue CloudEvent's data, at ``data.messageBody``."""
    message = validate_wire(_QUEUE, data, ("data",))
    return Event("mns-queue", event_id, (Payload(message.message_body, ("data", "messageBody")),))
