"""Google Pub/Sub deliveries: the push envelope and Eventarc's MessagePublishedData.

Both carry the same `{"message": {...}, "subscription": ...}` body (push adds
`deliveryAttempt`); `message.data` is base64 of UTF-8 JSON holding a canonical request,
a list of them, or a provider-native request. Attributes are not read: the request is
the data, so a message means the same whichever transport delivered it.
"""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, TypeAdapter

from tagstrip.domain.errors import Location
from tagstrip.domain.outcomes import Event, Payload, SourceKind
from tagstrip.sources._wire import Base64Json, validate_wire

__all__ = ["EVENTARC_TYPE", "PubsubEnvelope", "PubsubMessage", "adapt_eventarc", "adapt_push"]

#: The CloudEvent type Eventarc uses for a message published to a Pub/Sub topic.
EVENTARC_TYPE = "google.cloud.pubsub.topic.v1.messagePublished"


class PubsubMessage(BaseModel):
    """A Pub/Sub message; push sends both camelCase and snake_case copies of id and time."""

    model_config = ConfigDict(frozen=True)

    data: Base64Json
    attributes: dict[str, str] = Field(default_factory=dict)
    message_id: str | None = Field(
        default=None, validation_alias=AliasChoices("messageId", "message_id")
    )
    publish_time: str | None = Field(
        default=None, validation_alias=AliasChoices("publishTime", "publish_time")
    )
    ordering_key: str | None = Field(default=None, alias="orderingKey")


class PubsubEnvelope(BaseModel):
    """The push body (wrapped format) and Eventarc's MessagePublishedData."""

    model_config = ConfigDict(frozen=True)

    message: PubsubMessage
    subscription: str
    delivery_attempt: int | None = Field(default=None, alias="deliveryAttempt")


_ENVELOPE = TypeAdapter(PubsubEnvelope)


def adapt_push(body: object) -> Event:
    """A push envelope's request(s); the event id is the message id.

    Raises InvalidRequest located in the envelope (``message.data: not valid base64``).
    """
    envelope = validate_wire(_ENVELOPE, body)
    return _event("pubsub", envelope, envelope.message.message_id)


def adapt_eventarc(data: object, *, event_id: str | None) -> Event:
    """The request(s) in an Eventarc CloudEvent's data; `event_id` is the CloudEvent id.

    Errors are located under ``data`` (the CloudEvent attribute holding the envelope).
    """
    envelope = validate_wire(_ENVELOPE, data, ("data",))
    return _event("eventarc", envelope, event_id, ("data",))


def _event(
    source: SourceKind, envelope: PubsubEnvelope, event_id: str | None, loc: Location = ()
) -> Event:
    return Event(source, event_id, (Payload(envelope.message.data, (*loc, "message", "data")),))
