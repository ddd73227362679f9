"""CloudEvents (structured, binary, or a JSON array of them) routed to the right adapter.

The event `type` picks the adapter: Eventarc Pub/Sub messages, MNS queue messages and
``tagstrip.request`` (data = a canonical request) have their own; every other type is a
lifecycle event (Alibaba EventBridge, Huawei EventGrid) and goes to the rules file.
Arrays (MNS queue triggers, batched EventBridge deliveries) are handled element by element.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from tagstrip.domain.errors import FieldError, InvalidRequest
from tagstrip.domain.outcomes import Adapted, Event, Ignored, Payload, Rejected, SourceKind
from tagstrip.domain.validation import EVENTS_LIMIT
from tagstrip.runtime.settings import get_settings
from tagstrip.sources import lifecycle, mns, pubsub
from tagstrip.sources._wire import Base64Json, document, validate_wire

__all__ = [
    "REQUEST_TYPE",
    "CloudEvent",
    "adapt_batch",
    "adapt_binary",
    "adapt_event",
    "adapt_structured",
    "source_of",
]

#: The type of a CloudEvent whose data is a canonical request (or a list of them).
REQUEST_TYPE = "tagstrip.request"
_BINARY_PREFIX = "ce-"


class CloudEvent(BaseModel):
    """The CloudEvents 1.0 context attributes; extensions (``aliyunregionid``...) are kept."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"]
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str | None = None
    time: str | None = None
    datacontenttype: str | None = None
    data: Any = None
    data_base64: Base64Json = None


_EVENT = TypeAdapter(CloudEvent)
Environ = Mapping[str, str] | None
_Adapter = Callable[[CloudEvent, Environ], Adapted]


def _request(event: CloudEvent, environ: Environ) -> Adapted:
    return Event("cloudevent", event.id, (Payload(event.data, ("data",)),))


def _eventarc(event: CloudEvent, environ: Environ) -> Adapted:
    return pubsub.adapt_eventarc(event.data, event_id=event.id)


def _mns_queue(event: CloudEvent, environ: Environ) -> Adapted:
    return mns.adapt_queue_data(event.data, event_id=event.id)


def _lifecycle(event: CloudEvent, environ: Environ) -> Adapted:
    return lifecycle.adapt_cloudevent(event.model_dump(exclude={"data_base64"}), environ=environ)


_BY_TYPE: dict[str, tuple[SourceKind, _Adapter]] = {
    REQUEST_TYPE: ("cloudevent", _request),
    pubsub.EVENTARC_TYPE: ("eventarc", _eventarc),
    mns.QUEUE_EVENT_TYPE: ("mns-queue", _mns_queue),
}
_OTHERWISE: tuple[SourceKind, _Adapter] = ("lifecycle", _lifecycle)


def adapt_event(attributes: Mapping[str, Any], data: object, *, environ: Environ = None) -> Adapted:
    """A CloudEvent given as attributes and data (what functions-framework hands over).

    Data still in bytes (a sender that did not say ``application/json``) is read as JSON,
    since every payload tagstrip takes is JSON; its errors are located at ``data``.
    Raises InvalidRequest (a required attribute missing, bad data) and ConfigurationError
    (a lifecycle event while ``TAGSTRIP_RULES`` is unset or invalid).
    """
    if isinstance(data, bytes | bytearray):
        data = document(bytes(data), ("data",)) if data.strip() else None
    return adapt_structured({**attributes, "data": data}, environ=environ)


def adapt_structured(event: object, *, environ: Environ = None) -> Adapted:
    """A structured-mode CloudEvent: a JSON object of attributes plus `data`/`data_base64`."""
    parsed = validate_wire(_EVENT, event)
    if parsed.data_base64 is not None:
        if parsed.data is not None:
            message = "a CloudEvent carries data or data_base64, not both"
            raise InvalidRequest([FieldError(("data_base64",), message, "conflict")])
        parsed = parsed.model_copy(update={"data": parsed.data_base64, "data_base64": None})
    _, adapter = _BY_TYPE.get(parsed.type, _OTHERWISE)
    return adapter(parsed, environ)


def adapt_binary(headers: Mapping[str, str], body: bytes, *, environ: Environ = None) -> Adapted:
    """A binary-mode HTTP CloudEvent: ``ce-*`` headers are the attributes, the body is data."""
    attributes: dict[str, Any] = {
        name.lower().removeprefix(_BINARY_PREFIX): value
        for name, value in headers.items()
        if name.lower().startswith(_BINARY_PREFIX)
    }
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    if content_type is not None:
        attributes["datacontenttype"] = content_type
    return adapt_event(attributes, body, environ=environ)


def adapt_batch(events: object, *, environ: Environ = None) -> list[Adapted | Rejected]:
    """A JSON array of structured CloudEvents, one result per element, in order.

    A bad element becomes `Rejected` (errors located under its index) and the others are
    still adapted; only a body that is not a non-empty array, or holds more events than
    ``TAGSTRIP_MAX_EVENTS``, raises InvalidRequest (then no element is adapted).
    """
    if not isinstance(events, list) or not events:
        message = "expected a non-empty JSON array of CloudEvents"
        raise InvalidRequest([FieldError((), message, "array_type")])
    if too_many := EVENTS_LIMIT.check(events, get_settings(), ()):
        raise InvalidRequest([too_many])
    return [_element(index, event, environ) for index, event in enumerate(events)]


def source_of(event: object) -> SourceKind:
    """The source kind a CloudEvent (as a JSON object) is reported under, by its type."""
    event_type = event.get("type") if isinstance(event, Mapping) else None
    if not isinstance(event_type, str):
        return "unknown"
    return _BY_TYPE.get(event_type, _OTHERWISE)[0]


def _element(index: int, event: object, environ: Environ) -> Adapted | Rejected:
    """One element of an array; its errors, and its payloads, located under its index."""
    try:
        adapted = adapt_structured(event, environ=environ)
    except InvalidRequest as exc:
        event_id = event.get("id") if isinstance(event, Mapping) else None
        error = InvalidRequest(e.within(index) for e in exc.errors)
        return Rejected(source_of(event), event_id if isinstance(event_id, str) else None, error)
    if isinstance(adapted, Ignored):
        return adapted
    payloads = tuple(Payload(payload.data, (index, *payload.loc)) for payload in adapted.payloads)
    return replace(adapted, payloads=payloads)
