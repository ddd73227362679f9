"""Sample event files: which entry point each one is for, and how it is sent there.

The kind follows the event's shape, as the platforms would deliver it: requests and
ticketing payloads go to the webhook (signed), single CloudEvents to the CloudEvent target,
everything else (Pub/Sub push, MNS, CTS, arrays of CloudEvents) to the queue target. A
sample in a folder named ``invalid`` expects to be refused; any other, to succeed.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tagstrip.cli import UsageError, is_webhook_body, load_json
from tagstrip.sources.webhook_auth import SECRET_VARIABLE, sign

__all__ = [
    "INVALID_DIRECTORY",
    "SEED_DIRECTORY",
    "Kind",
    "SampleEvent",
    "find_events",
    "kind_of",
    "load_event",
]

Kind = Literal["webhook", "event", "queue"]
#: Sample directories that hold no events (the fake cloud's seed state).
SEED_DIRECTORY = "fixtures"
#: Samples in a folder of this name are meant to be refused.
INVALID_DIRECTORY = "invalid"


@dataclass(frozen=True)
class SampleEvent:
    """One event file, parsed, with the entry point it is meant for."""

    path: Path
    name: str
    body: Any
    kind: Kind

    @property
    def expects_refusal(self) -> bool:
        return self.path.parent.name == INVALID_DIRECTORY

    def http_request(
        self, environ: Mapping[str, str] | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers a platform would send: signed JSON for the webhook (when a
        secret is configured), a structured CloudEvent, or the queue delivery as is."""
        env = os.environ if environ is None else environ
        data = json.dumps(self.body).encode()
        if self.kind == "event":
            return data, {"Content-Type": "application/cloudevents+json"}
        headers = {"Content-Type": "application/json"}
        secret = env.get(SECRET_VARIABLE, "").split(",")[0].strip()
        if self.kind == "webhook" and secret:
            headers["X-Tagstrip-Signature"] = sign(secret, data, int(time.time()))
        return data, headers


def kind_of(body: Any) -> Kind:
    if is_webhook_body(body):
        return "webhook"
    return "event" if isinstance(body, dict) and "specversion" in body else "queue"


def load_event(path: Path, root: Path | None = None) -> SampleEvent:
    """The event in `path`; a file that cannot be read or is not JSON is a UsageError."""
    try:
        body = load_json(path)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    name = str(path.relative_to(root)) if root is not None else path.name
    return SampleEvent(path, name, body, kind_of(body))


def find_events(paths: Iterable[Path]) -> list[SampleEvent]:
    """Every ``*.json`` event under the given files and directories, in a stable order;
    a path that holds none is a UsageError."""
    events = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*.json") if not _is_seed(p, path))
            if not files:
                raise UsageError(f"{path}: no *.json event files in this folder")
            events += [load_event(file, path) for file in files]
        else:
            events.append(load_event(path))
    return events


def _is_seed(path: Path, root: Path) -> bool:
    return SEED_DIRECTORY in path.relative_to(root).parts
