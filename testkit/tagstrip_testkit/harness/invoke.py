"""``tagstrip invoke``: one event in this process, through the functions' own path.

The event goes through the same adapters, core and executor as the functions (the webhook's
signature check aside: a local file needs none), to the endpoints the environment names.
This module imports only what one event needs: the replay harness (httpx's client, the
functions-framework app), YAML and the fake cloud stay unloaded, so a command a script runs
once per event starts in little more than tagstrip's own import.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from tagstrip.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK, adapt_event
from tagstrip.domain import pipeline
from tagstrip.domain.errors import printable
from tagstrip.domain.outcomes import Accepted, Report
from tagstrip.runtime.wiring import wiring

__all__ = ["invoke"]


def invoke(event: Any, *, dry_run: bool, out: TextIO, err: TextIO) -> int:
    """Exit 0 when every call succeeded or was skipped, 1 when any failed, 2 when invalid."""
    outcomes = adapt_event(event, dry_run=dry_run)
    reports = pipeline.carry_out([_dry(o) if dry_run else o for o in outcomes], wiring())
    out.write(json.dumps([report.to_dict() for report in reports], indent=2) + "\n")
    rejected = [r for r in reports if r.outcome == "rejected"]
    for report in rejected:
        err.write(f"event {report.event_id or '(no id)'} is invalid\n")
        err.writelines(f"  {printable(e['path'] + ': ' + e['message'])}\n" for e in report.errors)
    if rejected:
        return EXIT_INVALID
    return EXIT_FAILED if any(_failed(report) for report in reports) else EXIT_OK


def _dry(outcome: pipeline.Admitted) -> pipeline.Admitted:
    if not isinstance(outcome, Accepted):
        return outcome
    requests = tuple(r.model_copy(update={"dry_run": True}) for r in outcome.requests)
    return Accepted(outcome.source, outcome.event_id, requests, outcome.matched)


def _failed(report: Report) -> bool:
    return any(call.outcome == "failed" for result in report.results for call in result.calls)
