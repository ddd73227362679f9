"""Carry out what an event asked for, and say how it went in one JSON-ready report.

A `Report` is what every entry point answers or logs: the event, what it turned into
(accepted, ignored, rejected, duplicate) and the result of each request. Its `status`
folds the per-request statuses into one word, and `transient` tells the entry points
whether the platform should deliver the event again: whenever anything left undone could
succeed on a retry, however much else succeeded or failed for good.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tagstrip.domain.errors import InvalidRequest
from tagstrip.domain.models import RequestResult, TagRemovalRequest
from tagstrip.domain.validation import DeliveryBudget
from tagstrip.handlers.http import jsonable
from tagstrip.runtime.executor import execute
from tagstrip.runtime.logging import log_context
from tagstrip.runtime.planning import delivery_budget, plan_request
from tagstrip.runtime.settings import Settings
from tagstrip.sources.outcome import Accepted, Ignored, Outcome, Rejected, SourceKind

__all__ = ["Report", "Status", "carry_out", "http_status", "rejected", "retry_after_header"]

log = logging.getLogger("tagstrip")

Status = Literal["ok", "partial", "failed", "dry_run", "ignored", "rejected", "duplicate"]


@dataclass(frozen=True)
class Report:
    """The outcome of one event; `results` holds one entry per request it carried."""

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
        data: dict[str, Any] = jsonable(self.payload())
        return data


def carry_out(
    outcome: Outcome | Rejected,
    settings: Settings | None = None,
    budget: DeliveryBudget | None = None,
) -> Report:
    """Plan and execute every request of an accepted event; report the others as they are.

    `settings` replaces the process's settings for this event (credentials the platform
    passed with the request). `budget` is the call budget of the delivery the event came
    in, when it carried others (by default the event is the delivery)."""
    if isinstance(outcome, Rejected):
        return rejected(outcome.source, outcome.event_id, outcome.error)
    if isinstance(outcome, Ignored):
        report = Report(outcome.source, outcome.event_id, "ignored", reason=outcome.reason)
        _log(report)
        return report
    started = time.monotonic()
    budget = budget or delivery_budget(outcome.requests, settings)
    with log_context(event_id=outcome.event_id, source=outcome.source):
        results = tuple(
            _execute(request, outcome, settings, budget) for request in outcome.requests
        )
    report = Report(outcome.source, outcome.event_id, "accepted", results)
    _log(report, started=started)
    return report


def rejected(source: SourceKind, event_id: str | None, error: InvalidRequest) -> Report:
    """A permanently invalid event: logged with its id and reason, never retried."""
    report = Report(source, event_id, "rejected", errors=tuple(e.to_dict() for e in error.errors))
    _log(report, reason=str(error))
    return report


def http_status(reports: Sequence[Report]) -> int:
    """503 when anything left undone may succeed on a retry; otherwise 502 when nothing was
    done, 207 when some of it was (the rest failed for good), 200 done or nothing to do."""
    if any(report.transient for report in reports):
        return 503
    statuses = {report.status for report in reports}
    if statuses <= {"failed", "rejected"} and "failed" in statuses:
        return 502
    if "partial" in statuses or ("failed" in statuses and len(statuses) > 1):
        return 207
    return 200


def retry_after_header(wait: float | None) -> dict[str, str]:
    """``Retry-After`` in whole seconds, at least one: a sender told to retry is told when."""
    return {"Retry-After": str(max(1, math.ceil(wait or 0.0)))}


def _execute(
    request: TagRemovalRequest,
    outcome: Accepted,
    settings: Settings | None,
    budget: DeliveryBudget,
) -> RequestResult:
    """Requests without an id of their own carry the event's, so logs tie back to it."""
    if request.id is None and outcome.event_id is not None:
        request = request.model_copy(update={"id": outcome.event_id})
    result = execute(plan_request(request), settings, allowance=budget.allowance(request))
    budget.spend(request, result)
    return result


_LEVELS = {"rejected": logging.WARNING, "partial": logging.WARNING, "failed": logging.ERROR}


def _log(report: Report, *, reason: str | None = None, started: float | None = None) -> None:
    """One line per event: where it came from, what became of it (and of each request it
    carried: `statuses` follows `request_ids`), how long it took."""
    calls = [call for result in report.results for call in result.calls]
    log.log(
        _LEVELS.get(report.status, logging.INFO),
        "event %s %s",
        report.source,
        report.status,
        extra={
            "event_id": report.event_id,
            "source": report.source,
            "outcome": report.outcome,
            "status": report.status,
            "requests": len(report.results),
            "request_ids": [result.request_id for result in report.results] or None,
            "statuses": [result.status for result in report.results] or None,
            "providers": sorted({result.provider for result in report.results}) or None,
            "calls": len(calls),
            "failed": sum(call.outcome == "failed" for call in calls),
            "attempts": sum(call.attempts for call in calls),
            "transient": report.transient,
            "reason": reason or report.reason,
            "errors": [error["path"] for error in report.errors] or None,
            "duration_ms": None if started is None else round((time.monotonic() - started) * 1000),
        },
    )
