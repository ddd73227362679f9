"""Any platform delivery, recognized by its shape and handed to the right adapter.

This is the one call behind the queue entry point and ``handler(event, context)``: the body
may be a binary CloudEvent (``ce-*`` headers), a structured CloudEvent, a JSON array with
CloudEvents in it, a Pub/Sub push envelope, an MNS topic notification (JSON or STREAM), a
Huawei CTS event, or a request as is. Shapes are told apart by their distinctive keys, in
the order of `_SHAPES`; anything else is read as a canonical or provider-native request.

Envelopes are unwrapped, not validated: each event's payloads go on to
`tagstrip.domain.pipeline`, which validates them and holds the delivery to its call budget.
An array holds at most ``TAGSTRIP_MAX_EVENTS`` events, counted before any is adapted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tagstrip.domain.errors import InvalidRequest
from tagstrip.domain.outcomes import Adapted, Event, Payload, Rejected, SourceKind
from tagstrip.sources import cloudevent, lifecycle, mns, pubsub
from tagstrip.sources._wire import document

__all__ = ["adapt_delivery", "shape_of"]

Environ = Mapping[str, str] | None


@dataclass(frozen=True)
class _Shape:
    """One delivery shape: the keys that give it away, its adapter, where its id sits."""

    kind: SourceKind
    holds: Callable[[Mapping[str, Any]], bool]
    adapt: Callable[[Any, Environ], Adapted]
    id_path: tuple[str, ...] = ()


def _request(body: object, environ: Environ) -> Adapted:
    return Event("request", None, (Payload(body),))


_SHAPES = (
    _Shape(
        "cloudevent",
        lambda b: "specversion" in b,
        lambda b, env: cloudevent.adapt_structured(b, environ=env),
        ("id",),
    ),
    _Shape(
        "pubsub",
        lambda b: "message" in b and "subscription" in b,
        lambda b, env: pubsub.adapt_push(b),
        ("message", "messageId"),
    ),
    _Shape(
        "mns-topic",
        lambda b: "TopicName" in b and "Message" in b,
        lambda b, env: mns.adapt_topic(b),
        ("MessageId",),
    ),
    _Shape(
        "mns-stream",
        lambda b: "body" in b and set(b) <= {"body", "attrs"},
        lambda b, env: mns.adapt_stream(b),
    ),
    _Shape(
        "cts",
        lambda b: set(b) == {"cts"},
        lambda b, env: lifecycle.adapt_cts(b, environ=env),
        ("cts", "trace_id"),
    ),
)
_REQUEST = _Shape("request", lambda b: True, _request)


def shape_of(body: object) -> SourceKind:
    """Which shape a parsed body has (``request`` when no envelope is recognized)."""
    kind = _shape(body).kind
    return cloudevent.source_of(body) if kind == "cloudevent" else kind


def adapt_delivery(
    body: bytes | str | object,
    headers: Mapping[str, str] | None = None,
    *,
    environ: Environ = None,
) -> list[Adapted | Rejected]:
    """One result per event in a delivery: one for a single event, one per array element.

    `body` is the raw bytes/text of an HTTP body, or an already-parsed JSON value (what a
    Python runtime passes to ``handler``). A body that cannot be adapted at all becomes
    one `Rejected` carrying whatever event id could be read, so the caller acknowledges it
    instead of having it redelivered forever. Raises only ConfigurationError (e.g. a
    lifecycle event while ``TAGSTRIP_RULES`` is unset).
    """
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")  # a lone surrogate is refused as bad UTF-8
    if isinstance(body, bytes) and headers and _is_binary(headers):
        return [_binary(headers, body, environ)]
    try:
        parsed = document(body) if isinstance(body, bytes) else body
    except InvalidRequest as exc:
        return [Rejected("unknown", None, exc)]
    if isinstance(parsed, list) and any(_shape(item).kind == "cloudevent" for item in parsed):
        try:
            return cloudevent.adapt_batch(parsed, environ=environ)
        except InvalidRequest as exc:
            return [Rejected("cloudevent", None, exc)]
    shape = _shape(parsed)
    try:
        return [shape.adapt(parsed, environ)]
    except InvalidRequest as exc:
        return [Rejected(shape_of(parsed), _dig(parsed, shape.id_path), exc)]


def _shape(body: object) -> _Shape:
    if not isinstance(body, Mapping):
        return _REQUEST
    return next((shape for shape in _SHAPES if shape.holds(body)), _REQUEST)


def _binary(headers: Mapping[str, str], body: bytes, environ: Environ) -> Adapted | Rejected:
    try:
        return cloudevent.adapt_binary(headers, body, environ=environ)
    except InvalidRequest as exc:
        lowered = {name.lower(): value for name, value in headers.items()}
        source = cloudevent.source_of({"type": lowered.get("ce-type")})
        return Rejected(source, lowered.get("ce-id"), exc)


def _is_binary(headers: Mapping[str, str]) -> bool:
    return any(name.lower() == "ce-specversion" for name in headers)


def _dig(body: object, path: tuple[str, ...]) -> str | None:
    """The string at `path` in nested objects, or None; ids are read best-effort only."""
    for key in path:
        body = body.get(key) if isinstance(body, Mapping) else None
    return body if path and isinstance(body, str) else None
