"""``tagstrip replay``: send sample events through the real functions-framework app.

In process, each event goes to the target its kind requires (`harness.events`), through
``functions_framework.create_app`` exactly as a deployment serves it. `Remote` sends the same
bytes over HTTP to deployed functions instead, one URL per target. Each event becomes one
table row: event, source, provider, calls, outcome, HTTP status, milliseconds, and the
reason when the event did not simply succeed; a row says whether the event ended as its
sample expects (refused for a sample under ``invalid/``, done or ignored for any other).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

import httpx

import tagstrip
from tagstrip.cli import UsageError
from tagstrip_testkit.harness.events import Kind, SampleEvent

__all__ = [
    "InProcess",
    "Remote",
    "Row",
    "Sender",
    "default_source",
    "render_table",
    "replay",
    "rows_as_json",
    "target_urls",
]

#: Entry point and signature type serving each kind of event.
TARGETS: dict[Kind, tuple[str, str]] = {
    "webhook": ("remove_tags_http", "http"),
    "queue": ("remove_tags_queue", "http"),
    "event": ("remove_tags_event", "cloudevent"),
}
#: Outcomes of an event that did what it asked, or rightly nothing.
_DONE = frozenset({"ok", "dry_run", "ignored", "duplicate", "acknowledged"})
#: Outcomes of an event refused as invalid.
_REFUSED = frozenset({"rejected", "bad_request"})
#: The widest reason a table row shows (JSON rows hold it whole).
_REASON_WIDTH = 100


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
    as_expected: bool
    reason: str


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
    """Deployed functions, one URL per target; each event goes to its kind's URL."""

    def __init__(self, urls: Mapping[Kind, str], timeout: float = 60.0) -> None:
        self.urls, self._http = dict(urls), httpx.Client(timeout=timeout)

    def send(self, event: SampleEvent) -> Reply:
        url = self.urls[event.kind]
        body, headers = event.http_request()
        try:
            response = self._http.post(url, content=body, headers=headers)
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise UsageError(f"cannot reach {url} ({event.kind} target): {reason}") from None
        try:
            payload = response.json()
        except ValueError:
            payload = None
        return Reply(response.status_code, payload)


def target_urls(
    events: Sequence[SampleEvent], against: str | None, given: Mapping[Kind, str | None]
) -> dict[Kind, str]:
    """The URL of each target the events need: the one `given` for its kind, else in
    `tagstrip serve`'s layout from `against` (webhook at its port, queue at port + 1,
    CloudEvent at port + 2). A bad or missing URL is a UsageError naming its option."""
    urls: dict[Kind, str] = {}
    for event in events:
        kind = event.kind
        if kind in urls:
            continue
        if url := given.get(kind):
            urls[kind] = str(_http_url(url, f"--{kind}"))
        elif against:
            base = _http_url(against, "--against")
            urls[kind] = str(_in_layout(base, list(TARGETS).index(kind)))
        else:
            message = (
                f"{event.name} is a {kind} event and no URL was given for it: "
                f"add --{kind} URL, or --against URL for `tagstrip serve`'s layout"
            )
            raise UsageError(message)
    return urls


def _http_url(url: str, option: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise UsageError(f"{option} {url}: not a URL ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UsageError(f"{option} {url}: give an http(s) URL, such as http://127.0.0.1:8080")
    return parsed


def _in_layout(base: httpx.URL, offset: int) -> httpx.URL:
    if not offset:
        return base
    if base.port is None:
        message = (
            f"--against {base}: name the port, so that the queue (port + 1) and CloudEvent "
            "(port + 2) targets follow from it, or give --queue and --event URLs"
        )
        raise UsageError(message)
    return base.copy_with(port=base.port + offset)


def replay(
    events: Sequence[SampleEvent],
    sender: Sender,
    *,
    count_calls: Callable[[], int] | None = None,
    progress: TextIO | None = sys.stderr,
) -> list[Row]:
    """Send every event, one after the other; `count_calls` reads a provider-call counter
    (the fake cloud's journal) so the row shows the calls each event really caused.
    Progress rewrites one line on a terminal; elsewhere it is a plain line per event sent."""
    rows = []
    live = progress is not None and progress.isatty()
    for index, event in enumerate(events, start=1):
        step = f"[{index}/{len(events)}] {event.name}"
        if live and progress is not None:
            progress.write(f"\r{step[:79]:<79}")
            progress.flush()
        before = count_calls() if count_calls else 0
        started = time.perf_counter()
        reply = sender.send(event)
        elapsed = int((time.perf_counter() - started) * 1000)
        calls = count_calls() - before if count_calls else None
        rows.append(_row(event, reply, calls, elapsed))
        if progress is not None and not live:
            progress.write(f"{step}: {rows[-1].outcome}\n")
    if live and progress is not None:
        progress.write("\r" + " " * 79 + "\r")
    return rows


def _row(event: SampleEvent, reply: Reply, calls: int | None, ms: int) -> Row:
    reports = _reports(reply.payload)
    results = [result for report in reports for result in report.get("results", [])]
    providers = sorted({str(result.get("provider")) for result in results})
    if calls is None and reports:
        calls = sum(len(result.get("calls", [])) for result in results)
    sources = sorted({str(report.get("source")) for report in reports if report.get("source")})
    outcome = _outcome(event.kind, reply, reports)
    wanted = _REFUSED if event.expects_refusal else _DONE
    as_expected = set(outcome.split(",")) <= wanted
    return Row(
        event=event.name,
        kind=event.kind,
        source=",".join(sources) or event.kind,
        provider=",".join(providers) or "-",
        calls=calls,
        outcome=outcome,
        http_status=reply.status,
        ms=ms,
        as_expected=as_expected,
        reason=_reason(reply, reports, as_expected, refusal=event.expects_refusal),
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


def _reason(
    reply: Reply, reports: list[dict[str, Any]], as_expected: bool, *, refusal: bool
) -> str:
    """Why the event ended as it did, in the answer's own words; for an event that did not
    end as its sample expects, prefixed with what was expected."""
    said = [_said(report) for report in reports]
    if isinstance(reply.payload, dict) and reply.payload.get("message"):
        said.append(str(reply.payload["message"]))
    reason = "; ".join(dict.fromkeys(text for text in said if text))
    if as_expected:
        return reason
    wanted = "expected a refusal" if refusal else "expected success"
    return f"{wanted}: {reason or f'HTTP {reply.status}, see the log on stderr'}"


def _said(report: dict[str, Any]) -> str:
    if report.get("errors"):
        error = report["errors"][0]
        return f"{error.get('path')}: {error.get('message')}"
    if report.get("reason"):
        return str(report["reason"])
    failed = [
        call
        for result in report.get("results", [])
        for call in result.get("calls", [])
        if call.get("outcome") == "failed"
    ]
    if failed:
        call = failed[0]
        return f"{call.get('provider')} {call.get('error_code')}: {call.get('error_message')}"
    return ""


def render_table(rows: Sequence[Row]) -> str:
    header = ("event", "source", "provider", "calls", "outcome", "http", "ms", "reason")
    lines = [
        (
            r.event,
            r.source,
            r.provider,
            _count(r.calls),
            r.outcome,
            str(r.http_status),
            str(r.ms),
            _shortened(r.reason),
        )
        for r in rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    rule = "  ".join("-" * w for w in widths)
    table = [fmt.format(*header), rule, *(fmt.format(*line) for line in lines)]
    return "\n".join(line.rstrip() for line in table)


def _shortened(reason: str) -> str:
    return reason if len(reason) <= _REASON_WIDTH else reason[: _REASON_WIDTH - 3] + "..."


def _count(calls: int | None) -> str:
    return "-" if calls is None else str(calls)


def rows_as_json(rows: Sequence[Row]) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]
