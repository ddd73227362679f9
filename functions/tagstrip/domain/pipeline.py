"""One delivery, top-down: validate -> budget -> plan -> execute -> report.

The sources have unwrapped the delivery into events (`tagstrip.domain.outcomes`); `run`
does the rest and answers one `Report` per event, in order:

1. validate: each event's payloads become requests (`Validation`), or the event is
   rejected with every error located in its envelope;
2. budget: the events of a delivery share ``TAGSTRIP_MAX_CALLS``, counted before any call;
3. plan and execute: each request's calls, through the runtime the caller hands in (this
   layer knows no vendor, no settings and no network);
4. report: one log line per event, and the report the entry point answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from tagstrip.domain.errors import InvalidRequest
from tagstrip.domain.models import Plan, RequestResult, TagRemovalRequest
from tagstrip.domain.outcomes import (
    Accepted,
    Adapted,
    Event,
    Ignored,
    Rejected,
    Report,
    SourceKind,
)
from tagstrip.domain.validation import CALL_BUDGET, CallCounts, DeliveryBudget, Validation

__all__ = ["Admitted", "Runtime", "carry_out", "run", "validate"]

log = logging.getLogger("tagstrip")

#: An event after validation.
Admitted = Accepted | Ignored | Rejected


class Runtime(Protocol):
    """What the pipeline runs on, handed in by the runtime layer
    (`tagstrip.runtime.wiring.Wiring`): the registry's rules under the deployment's limits,
    the executor, and the log context of one event."""

    @property
    def validation(self) -> Validation: ...

    def execute(self, plan: Plan, allowance: int) -> RequestResult:
        """Carry out `plan`, making at most `allowance` calls."""
        ...

    def event_scope(self, source: SourceKind, event_id: str | None) -> AbstractContextManager[None]:
        """Tie every line logged while the event is carried out to it."""
        ...


def run(delivery: Sequence[Adapted | Rejected], runtime: Runtime) -> list[Report]:
    """One report per event of a delivery (a single event, or the elements of an array)."""
    counts = runtime.validation.counts()
    return carry_out(validate(delivery, runtime.validation, counts), runtime, counts)


def validate(
    delivery: Sequence[Adapted | Rejected],
    validation: Validation,
    counts: CallCounts | None = None,
) -> list[Admitted]:
    """Every event's payloads validated, the events within one call budget together; each
    request's calls counted once, in `counts` (which `carry_out` reuses).

    Once the events validated so far plan more calls than the budget, no further event is
    validated: those, and every event that asked for calls, are rejected (so the platform
    does not deliver them again); an event rejected for its own reason keeps it."""
    counts = counts or validation.counts()
    admitted: list[Admitted] = []
    planned = 0
    for index, event in enumerate(delivery):
        outcome = admit(event, validation, counts)
        admitted.append(outcome)
        if isinstance(outcome, Accepted):
            planned += counts.total(outcome.requests)
        if over := CALL_BUDGET.exceeded(planned, validation.limits, ()):
            refusal = InvalidRequest([over])
            refused: list[Admitted] = [
                Rejected(done.source, done.event_id, refusal)
                if isinstance(done, Accepted)
                else done
                for done in admitted
            ]
            rest = delivery[index + 1 :]
            return refused + [Rejected(event.source, event.event_id, refusal) for event in rest]
    return admitted


def admit(
    event: Adapted | Rejected, validation: Validation, counts: CallCounts | None = None
) -> Admitted:
    """The requests of an event's payloads, each payload's errors located where it sits in
    the envelope; all of them within the call budget."""
    if not isinstance(event, Event):
        return event
    counts = counts or validation.counts()
    requests: list[TagRemovalRequest] = []
    errors = []
    for payload in event.payloads:
        try:
            requests += validation.batch(payload.data, counts)
        except InvalidRequest as exc:
            errors += [error.within(*payload.loc) for error in exc.errors]
    try:
        if errors:
            raise InvalidRequest(errors)
        validation.check_call_budget(requests, counts)
    except InvalidRequest as exc:
        return Rejected(event.source, event.event_id, exc)
    return Accepted(event.source, event.event_id, tuple(requests), event.matched)


def carry_out(
    admitted: Sequence[Admitted], runtime: Runtime, counts: CallCounts | None = None
) -> list[Report]:
    """Plan and execute every request of the accepted events, sharing the delivery's call
    budget (counted with `counts`, those `validate` kept); report the others as they are."""
    accepted = [event for event in admitted if isinstance(event, Accepted)]
    budget = runtime.validation.budget(
        (request for event in accepted for request in event.requests), counts
    )
    return [_report(event, runtime, budget) for event in admitted]


def _report(event: Admitted, runtime: Runtime, budget: DeliveryBudget) -> Report:
    if isinstance(event, Rejected):
        errors = tuple(error.to_dict() for error in event.error.errors)
        report = Report(event.source, event.event_id, "rejected", errors=errors)
        return _logged(report, str(event.error))
    if isinstance(event, Ignored):
        return _logged(Report(event.source, event.event_id, "ignored", reason=event.reason))
    started = time.monotonic()
    with runtime.event_scope(event.source, event.event_id):
        results = tuple(_execute(request, event, runtime, budget) for request in event.requests)
    return _logged(Report(event.source, event.event_id, "accepted", results), started=started)


def _execute(
    request: TagRemovalRequest, event: Accepted, runtime: Runtime, budget: DeliveryBudget
) -> RequestResult:
    """Requests without an id of their own carry the event's, so logs tie back to it. The
    budget is asked about the request as admitted, the one whose calls it counted."""
    identified = request
    if request.id is None and event.event_id is not None:
        identified = request.model_copy(update={"id": event.event_id})
    plan = runtime.validation.plan(identified)
    result = runtime.execute(plan, budget.allowance(request))
    budget.spend(request, result)
    return result


_LEVELS = {"rejected": logging.WARNING, "partial": logging.WARNING, "failed": logging.ERROR}


def _logged(report: Report, reason: str | None = None, *, started: float | None = None) -> Report:
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
    return report
