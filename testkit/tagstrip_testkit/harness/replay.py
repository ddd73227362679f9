"""``tagstrip replay``: send sample events through the real functions-framework app.

In process, each event goes to the target its kind requires (`harness.events`), through
``functions_framework.create_app`` exactly as a deployment serves it. With ``--against
URL`` the same bytes go over HTTP to a deployed function instead. Each event becomes one
table row: event, source, provider, calls, outcome, HTTP status and milliseconds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

import tagstrip
from tagstrip_testkit.harness.events import Kind, SampleEvent

__all__ = ["InProcess", "Remote", "Row", "Sender", "default_source", "render_table", "replay"]

#: Entry point and signature type serving each kind of event.
TARGETS: dict[Kind, tuple[str, str]] = {
    "webhook": ("remove_tags_http", "http"),
    "queue": ("remove_tags_queue", "http"),
    "event": ("remove_tags_event", "cloudevent"),
}


@dataclass(frozen=True)
class Reply:
    status: int
    payload: Any


class Sender(Protocol):
    def send(self, event: SampleEvent) -> Reply: ...


@dataclass(frozen=True)
class Row:
    event: str
    kind: Kind
    source: str
    provider: str
    calls: int | None
    outcome: str
    http_status: int
    ms: int


def default_source() -> Path:
    """functions/main.py beside the tagstrip package (a checkout or the deployable zip)."""
    return Path(tagstrip.__file__).resolve().parents[1] / "main.py"


class InProcess:
    """The functions-framework apps of functions/main.py, one per target, in this process."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self._clients: dict[Kind, Any] = {}

    def _client(self, kind: Kind) -> Any:
        if kind not in self._clients:
            import functions_framework

            target, signature_type = TARGETS[kind]
            app = functions_framework.create_app(  # type: ignore[no-untyped-call]
                target, str(self.source), signature_type
            )
            self._clients[kind] = app.test_client()
        return self._clients[kind]

    def send(self, event: SampleEvent) -> Reply:
        body, headers = event.http_request()
        response = self._client(event.kind).post("/", data=body, headers=headers)
        return Reply(response.status_code, response.get_json(silent=True))


class Remote:
    """A deployed function at `url`; every event goes there, encoded for its kind."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        import httpx

        self.url, self._http = url, httpx.Client(timeout=timeout)

    def send(self, event: SampleEvent) -> Reply:
        body, headers = event.http_request()
        response = self._http.post(self.url, content=body, headers=headers)
        try:
            payload = response.json()
        except ValueError:
            payload = None
        return Reply(response.status_code, payload)


def replay(
    events: Sequence[SampleEvent],
    sender: Sender,
    *,
    count_calls: Callable[[], int] | None = None,
    progress: TextIO | None = sys.stderr,
) -> list[Row]:
    """Send every event, one after the other; `count_calls` reads a provider-call counter
    (the fake cloud's journal) so the row shows the calls each event really caused."""
    rows = []
    for index, event in enumerate(events, start=1):
        if progress is not None:
            progress.write(f"\r[{index}/{len(events)}] {event.name[:60]:<60}")
            progress.flush()
        before = count_calls() if count_calls else 0
        started = time.perf_counter()
        reply = sender.send(event)
        elapsed = int((time.perf_counter() - started) * 1000)
        calls = count_calls() - before if count_calls else None
        rows.append(_row(event, reply, calls, elapsed))
    if progress is not None:
        progress.write("\r" + " " * 80 + "\r")
    return rows


def _row(event: SampleEvent, reply: Reply, calls: int | None, ms: int) -> Row:
    reports = _reports(reply.payload)
    results = [result for report in reports for result in report.get("results", [])]
    providers = sorted({str(result.get("provider")) for result in results})
    if calls is None and reports:
        calls = sum(len(result.get("calls", [])) for result in results)
    sources = sorted({str(report.get("source")) for report in reports if report.get("source")})
    return Row(
        event=event.name,
        kind=event.kind,
        source=",".join(sources) or event.kind,
        provider=",".join(providers) or "-",
        calls=calls,
        outcome=_outcome(event.kind, reply, reports),
        http_status=reply.status,
        ms=ms,
    )


def _reports(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        return []
    if isinstance(payload.get("events"), list):
        return [r for r in payload["events"] if isinstance(r, dict)]
    return [payload] if "status" in payload else []


def _outcome(kind: Kind, reply: Reply, reports: list[dict[str, Any]]) -> str:
    if reports:
        return ",".join(sorted({str(report["status"]) for report in reports}))
    if isinstance(reply.payload, dict) and "error" in reply.payload:
        return str(reply.payload["error"])
    if kind == "event":
        return "acknowledged" if reply.status < 300 else "redeliver"
    return f"HTTP {reply.status}"


def render_table(rows: Sequence[Row]) -> str:
    header = ("event", "source", "provider", "calls", "outcome", "http", "ms")
    lines = [
        (r.event, r.source, r.provider, _count(r.calls), r.outcome, str(r.http_status), str(r.ms))
        for r in rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt.format(*header), rule, *(fmt.format(*line) for line in lines)])


def _count(calls: int | None) -> str:
    return "-" if calls is None else str(calls)


def rows_as_json(rows: Sequence[Row]) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]
