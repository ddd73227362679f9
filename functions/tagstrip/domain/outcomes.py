"""What an event turned into, from the source that unwrapped it to the report that answers it.

A source unwraps an envelope into an `Event`: the payloads it carries (a request, or a list
of them, as sent) and where each sits in the envelope, so a validation error points into the
delivery as received (``message.data.tags.0.key``). Or the event asks for nothing
(`Ignored`), or cannot be read (`Rejected`). The pipeline (`tagstrip.domain.pipeline`)
validates an `Event` into `Accepted` requests, carries them out and reports each event in
one `Report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import TypeAdapter

from tagstrip.domain.errors import InvalidRequest, Location
from tagstrip.domain.models import RequestResult, TagRemovalRequest

__all__ = [
    "Accepted",
    "Adapted",
    "Event",
    "Ignored",
    "Payload",
    "Rejected",
    "Report",
    "SourceKind",
    "Status",
]

#: Which shape an event arrived in; carried into results and log lines.
SourceKind = Literal[
    "request",  # a canonical or provider-native request (or a list of them), as is
    "cloudevent",  # a CloudEvent of type tagstrip.request carrying a request as data
    "pubsub",  # a Pub/Sub push envelope
    "eventarc",  # an Eventarc CloudEvent carrying Pub/Sub MessagePublishedData
    "mns-topic",  # an MNS topic-trigger notification (JSON format)
    "mns-stream",  # an MNS topic-trigger notification (STREAM format with attributes)
    "mns-queue",  # an MNS queue CloudEvent (mns:Queue:SendMessage)
    "lifecycle",  # a resource-lifecycle CloudEvent matched against the rules file
    "cts",  # a Huawei CTS trigger event matched against the rules file
    "webhook",  # a ticketing/generic webhook payload matched against the mapping file
    "unknown",  # a delivery whose shape could not be recognized
]

Status = Literal["ok", "partial", "failed", "dry_run", "ignored", "rejected", "duplicate"]


@dataclass(frozen=True)
class Payload:
    """A request or a list of requests, unvalidated, and where it sits in its envelope."""

    data: object
    loc: Location = ()


@dataclass(frozen=True)
class Event:
    """An event a source unwrapped; `matched` names the rules or mappings that rendered it."""

    source: SourceKind
    event_id: str | None
    payloads: tuple[Payload, ...]
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Accepted:
    """An event whose payloads are valid requests, ready to be carried out."""

    source: SourceKind
    event_id: str | None
    requests: tuple[TagRemovalRequest, ...]
    matched: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": "accepted",
            "source": self.source,
            "event_id": self.event_id,
            "matched": list(self.matched),
            "requests": [r.model_dump(mode="json", exclude_defaults=True) for r in self.requests],
        }


@dataclass(frozen=True)
class Ignored:
    """A well-formed event that asks for nothing (no rule or mapping condition matched)."""

    source: SourceKind
    event_id: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": "ignored",
            "source": self.source,
            "event_id": self.event_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Rejected:
    """A permanently invalid event: acknowledge it, never retry."""

    source: SourceKind
    event_id: str | None
    error: InvalidRequest

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": "rejected",
            "source": self.source,
            "event_id": self.event_id,
            **self.error.to_dict(),
        }


#: What a source makes of one event.
Adapted = Event | Ignored

_PLAIN: TypeAdapter[Any] = TypeAdapter(Any)


@dataclass(frozen=True)
class Report:
    """The outcome of one event; `results` holds one entry per request it carried.

    `status` folds the per-request statuses into one word, and `transient` tells the entry
    points whether the platform should deliver the event again: whenever anything left
    undone could succeed on a retry, however much else succeeded or failed for good."""

    source: SourceKind
    event_id: str | None
    outcome: Literal["accepted", "ignored", "rejected", "duplicate"]
    results: tuple[RequestResult, ...] = ()
    reason: str | None = None
    errors: tuple[dict[str, Any], ...] = field(default=())

    @property
    def status(self) -> Status:
        if self.outcome != "accepted":
            return self.outcome
        statuses = {result.status for result in self.results}
        if statuses <= {"dry_run"}:
            return "dry_run"
        if statuses <= {"ok", "dry_run"}:
            return "ok"
        if statuses == {"failed"}:
            return "failed"
        return "partial"

    @property
    def transient(self) -> bool:
        """Some call failed for a reason that may pass, or was not sent: the event must be
        delivered again, even when other calls failed for good."""
        return any(result.retryable for result in self.results)

    @property
    def retry_after(self) -> float | None:
        waits = [r.retry_after for r in self.results if r.retry_after is not None]
        return max(waits) if waits else None

    def payload(self) -> dict[str, Any]:
        """The report as an answer's payload: its results stay models, so they are serialised
        once, straight to the answer's bytes (`tagstrip.handlers.http.json_bytes`)."""
        data: dict[str, Any] = {
            "status": self.status,
            "source": self.source,
            "event_id": self.event_id,
        }
        if self.reason is not None:
            data["reason"] = self.reason
        if self.errors:
            data["errors"] = list(self.errors)
        if self.outcome == "accepted":
            data["results"] = list(self.results)
        return data

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON data, for runtimes that serialise what a handler returns."""
        data: dict[str, Any] = _PLAIN.dump_python(self.payload(), mode="json")
        return data
