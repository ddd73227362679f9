"""``tagstrip invoke`` and ``tagstrip demo``: run events on a laptop.

`invoke` runs one event in this process through the same adapters, core and executor as the
functions (the webhook's signature check aside: a local file needs none). `demo` starts the
embedded fake cloud seeded from the sample events, replays every sample through the real
functions-framework app, and shows the table and the tags before and after.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from tagstrip.core.errors import InvalidRequest, printable
from tagstrip.core.settings import reset_settings
from tagstrip.handlers.report import Report, carry_out
from tagstrip.sources import ticketing
from tagstrip.sources.delivery import adapt_delivery
from tagstrip.sources.outcome import Accepted, Outcome, Rejected
from tagstrip_testkit.harness.events import SEED_DIRECTORY, find_events, kind_of
from tagstrip_testkit.harness.replay import InProcess, default_source, render_table, replay

__all__ = ["EXIT_FAILED", "EXIT_INVALID", "EXIT_OK", "demo", "environment", "invoke"]

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
_SEED_FILE = Path(SEED_DIRECTORY) / "seed.json"
_MAPPINGS = "preset:jira,preset:servicenow,{events}/mapping-cmdb.yaml"
#: Consent to account-wide removals (baidu-tag): the demo's samples make them against the
#: fake cloud, and `invoke --dry-run` makes none, though its requests are validated as sent.
_ACCOUNT_SCOPE = {"TAGSTRIP_ALLOW_ACCOUNT_SCOPE": "true"}


def invoke(event: Any, *, dry_run: bool, out: TextIO, err: TextIO) -> int:
    """Exit 0 when every call succeeded or was skipped, 1 when any failed, 2 when invalid."""
    try:
        with environment(_ACCOUNT_SCOPE if dry_run else {}):
            outcomes = _adapt(event)
    except InvalidRequest as exc:
        return _refused(exc, err)
    reports = [carry_out(_dry(outcome) if dry_run else outcome) for outcome in outcomes]
    out.write(json.dumps([report.to_dict() for report in reports], indent=2) + "\n")
    rejected = [r for r in reports if r.outcome == "rejected"]
    for report in rejected:
        err.write(f"event {report.event_id or '(no id)'} is invalid\n")
        err.writelines(f"  {printable(e['path'] + ': ' + e['message'])}\n" for e in report.errors)
    if rejected:
        return EXIT_INVALID
    return EXIT_FAILED if any(_failed(report) for report in reports) else EXIT_OK


def demo(events_dir: Path, out: TextIO) -> int:
    """Replay every sample event against the seeded fake cloud; show what changed."""
    from tagstrip_testkit.fakecloud import FakeCloud  # the fake extra: local runs only

    events = find_events([events_dir])
    settings = _demo_settings(events_dir)
    with (
        _quiet(),  # the table is the demo's output; access and JSON logs would bury it
        FakeCloud() as cloud,
        environment(cloud.environment() | settings),
    ):
        cloud.seed(events_dir / _SEED_FILE)
        before = cloud.state()
        rows = replay(events, InProcess(default_source()), count_calls=lambda: len(cloud.journal))
        after = cloud.state()
    out.write(render_table(rows) + "\n\n")
    out.write(f"{len(rows)} events, {sum(r.calls or 0 for r in rows)} provider calls\n\n")
    out.write("tags removed from the fake cloud:\n")
    out.writelines(f"  {line}\n" for line in _removed_tags(before, after))
    return EXIT_OK


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration (settings are re-read on both sides)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    reset_settings()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reset_settings()


@contextmanager
def _quiet() -> Iterator[None]:
    """Only errors are logged for the duration (the app's own set-up may lower
    its loggers' levels again, so this works above them)."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def _demo_settings(events_dir: Path) -> dict[str, str]:
    return {
        "TAGSTRIP_WEBHOOK_SECRET": secrets.token_hex(16),  # the demo signs like a real sender
        "TAGSTRIP_RULES": str(events_dir / "rules.yaml"),
        "TAGSTRIP_WEBHOOK_MAPPING": _MAPPINGS.format(events=events_dir),
        "TAGSTRIP_BACKOFF": "0.05",
        "TAGSTRIP_MAX_BACKOFF": "0.2",
        **_ACCOUNT_SCOPE,
    }


def _adapt(event: Any) -> list[Outcome | Rejected]:
    if kind_of(event) == "webhook":
        return [ticketing.adapt(event)]
    return adapt_delivery(event)


def _dry(outcome: Outcome | Rejected) -> Outcome | Rejected:
    if not isinstance(outcome, Accepted):
        return outcome
    requests = tuple(r.model_copy(update={"dry_run": True}) for r in outcome.requests)
    return Accepted(outcome.source, outcome.event_id, requests, outcome.matched)


def _failed(report: Report) -> bool:
    return any(call.outcome == "failed" for result in report.results for call in result.calls)


def _refused(exc: InvalidRequest, err: TextIO) -> int:
    err.write("invalid event\n")
    err.writelines(f"  {error}\n" for error in exc.errors)
    return EXIT_INVALID


def _removed_tags(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """One line per resource (or account) whose tags the replay removed."""
    lines = []
    for provider, state in before.items():
        old, new = _tags_by_owner(state), _tags_by_owner(after.get(provider, {}))
        for owner, tags in old.items():
            gone = sorted(set(tags) - set(new.get(owner, {})))
            if gone:
                lines.append(f"{provider} {owner}: {', '.join(gone)}")
    return lines or ["(none)"]


def _tags_by_owner(state: dict[str, Any]) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = {}
    for entry in state.get("resources", []) + state.get("servers", []):
        owners[str(entry["id"])] = {f"{k}={v}" for k, v in entry.get("tags", {}).items()}
    if "tags" in state:  # Baidu's account-wide tags
        owners["(account)"] = {f"{t['key']}={t['value']}" for t in state["tags"]}
    return owners
