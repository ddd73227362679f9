"""What an event turned into: requests to carry out, nothing to do, or a refusal.

Adapters of one event return `Accepted` or `Ignored` and raise `InvalidRequest`; adapters
of a batch (an array of CloudEvents) return one of the three per element, so a bad element
is reported without losing the good ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from tagstrip.domain.errors import InvalidRequest
from tagstrip.domain.models import TagRemovalRequest

__all__ = ["Accepted", "Ignored", "Outcome", "Rejected", "SourceKind"]

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


@dataclass(frozen=True)
class Accepted:
    """The event asks for these removals; `matched` names the rules or mappings that fired."""

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
    """One element of a batch that is permanently invalid; acknowledge it, never retry."""

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


Outcome = Accepted | Ignored
