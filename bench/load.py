"""Load check: the real webhook under concurrent signed requests while the fake cloud fails.

``functions/bootstrap`` (gunicorn, gthread) serves ``remove_tags_http`` on 127.0.0.1 next to
``tagstrip fake-cloud`` in its own process. For ``--seconds`` (20), ``--clients`` (16)
threads each send signed webhook requests, every one a distinct event untagging two ECS
instances, while a fault thread keeps injecting throttling, 5xx answers, stalls past the
read timeout and dropped connections. A sender resends what it must, re-signed, honouring
``Retry-After`` (at most ``--attempts`` sends per event): a 5xx (503 whenever some call
failed for a reason that may pass, however much else was done), a 409 (the same delivery
still in flight) and a transport error; a 207 failed for good in part and is final. After
the window, events still being retried get a drain period. Then the fake cloud's state is
read: every tag an event asked to remove must be gone (and the tag nobody asked for kept).

Prints the figures (``--json PATH`` writes them); exit status 1 when a tag that should have
been removed is left, a tag was removed that should not have been, or an event never
finished. All traffic stays on 127.0.0.1 and is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    HOST,
    MAIN,
    FakeCloudProcess,
    free_port,
    server_env,
    signed_headers,
    spawn_function,
    stop,
    wait_until_answered,
)

REGION = "cn-shenzhen"
REMOVE = ("env", "owner")
KEEP = "keep"
#: What the fault thread injects, as control-endpoint fault bodies; one picked at random
#: every --fault-every seconds. Each strikes the next matching request(s) once.
FAULTS: tuple[dict[str, Any], ...] = (
    {"kind": "throttle", "provider": "aliyun-ecs", "times": 2},
    {"kind": "throttle", "provider": "aliyun-ecs", "times": 1, "retry_after": 1},
    {"kind": "server_error", "provider": "aliyun-ecs", "times": 2, "status": 503},
    {"kind": "server_error", "provider": "aliyun-ecs", "times": 1, "status": 500},
    {"kind": "drop", "provider": "aliyun-ecs", "times": 1},
    {"kind": "latency", "provider": "aliyun-ecs", "times": 2, "seconds": 2.5},
    # An outage of a few requests: more failures in a row than the function's retries.
    {"kind": "server_error", "provider": "aliyun-ecs", "times": 12, "status": 503},
    {"kind": "drop", "provider": "aliyun-ecs", "times": 8},
)
#: The function's configuration: quick retries, a read timeout the stalls exceed.
FUNCTION_ENV = {
    "TAGSTRIP_RETRIES": "3",
    "TAGSTRIP_BACKOFF": "0.05",
    "TAGSTRIP_MAX_BACKOFF": "0.5",
    "TAGSTRIP_READ_TIMEOUT": "1",
    "TAGSTRIP_CONNECT_TIMEOUT": "1",
    "TAGSTRIP_DEADLINE": "8",
    "WORKERS": "2",
    "THREADS": "8",
}


@dataclass
class Tally:
    """What the senders saw; shared by every client thread under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    events: int = 0
    events_done: int = 0
    sent: int = 0
    answered: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    event_statuses: Counter[str] = field(default_factory=Counter)
    targeted: set[str] = field(default_factory=set)
    unfinished: list[int] = field(default_factory=list)

    def add(self, **counts: Any) -> None:
        with self.lock:
            for name, value in counts.items():
                current = getattr(self, name)
                if isinstance(current, Counter):
                    current[value] += 1
                elif isinstance(current, set):
                    current.update(value)
                elif isinstance(current, list):
                    current.append(value)
                else:
                    setattr(self, name, current + value)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    pool = [f"i-load{n:05d}" for n in range(args.resources)]
    with FakeCloudProcess() as cloud:
        cloud.seed(_seed(pool))
        port = free_port()
        env = server_env(cloud, **{**FUNCTION_ENV, "TAGSTRIP_RETRIES": str(args.retries)})
        server = spawn_function(MAIN, "remove_tags_http", port, env)
        try:
            wait_until_answered(port, b"{}", lambda: signed_headers(b"{}"))
            tally, took = _run(port, cloud, pool, args)
        finally:
            stop(server)
        state = _control(cloud.url, "state")
        journal = cloud.journal()
    figures = _figures(tally, took, state, journal, args)
    print(_render(figures), flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    ok = not (figures["tags_left"] or figures["tags_wrongly_removed"] or tally.unfinished)
    return 0 if ok else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="sending window")
    parser.add_argument("--clients", type=int, default=16, help="concurrent senders")
    parser.add_argument("--resources", type=int, default=4000, help="ECS instances seeded")
    parser.add_argument("--attempts", type=int, default=8, help="sends per event at most")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to finish retries")
    parser.add_argument("--fault-every", type=float, default=0.2, help="seconds between faults")
    parser.add_argument(
        "--retries",
        type=int,
        default=3,
        help="the function's TAGSTRIP_RETRIES (0: senders redeliver)",
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    return parser


def _seed(pool: list[str]) -> dict[str, Any]:
    tags = {"env": "load", "owner": "team-load", KEEP: "yes"}
    resources = [{"region": REGION, "id": rid, "tags": dict(tags)} for rid in pool]
    return {"aliyun-ecs": {"resources": resources}}


def _run(
    port: int, cloud: FakeCloudProcess, pool: list[str], args: argparse.Namespace
) -> tuple[Tally, float]:
    tally = Tally()
    started = time.monotonic()
    stop_sending = started + args.seconds
    give_up = stop_sending + args.drain
    counter = iter(range(sys.maxsize))
    counter_lock = threading.Lock()
    faults_done = threading.Event()

    def next_event() -> int:
        with counter_lock:
            return next(counter)

    def sender() -> None:
        while time.monotonic() < stop_sending:
            _deliver(port, next_event(), pool, args.attempts, give_up, tally)

    def injector() -> None:
        chooser = random.Random(7)
        while not faults_done.wait(args.fault_every):
            fault = chooser.choice(FAULTS)
            cloud.fault(fault)
            tally.add(faults=f"{fault['kind']} x{fault['times']}")

    fault_thread = threading.Thread(target=injector, daemon=True)
    fault_thread.start()
    threads = [threading.Thread(target=sender) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, stop_sending - time.monotonic()))
    faults_done.set()  # the drain runs against a cloud that recovers, as real ones do
    for thread in threads:
        thread.join()
    fault_thread.join()
    return tally, time.monotonic() - started


def _deliver(
    port: int, number: int, pool: list[str], attempts: int, give_up: float, tally: Tally
) -> None:
    """One event, sent until it is done, or attempts or time run out."""
    resources = [pool[(2 * number) % len(pool)], pool[(2 * number + 1) % len(pool)]]
    request = {
        "provider": "aliyun-ecs",
        "region": REGION,
        "resource_type": "instance",
        "resource_ids": resources,
        "tags": [{"key": key} for key in REMOVE],
        "id": f"load-{number}",
    }
    body = json.dumps(request).encode()
    tally.add(events=1, targeted=resources)
    for _ in range(attempts):
        if time.monotonic() > give_up:
            break
        wait = _send(port, body, tally)
        if wait is None:
            tally.add(events_done=1)
            return
        time.sleep(wait)
    tally.add(unfinished=number)


def _send(port: int, body: bytes, tally: Tally) -> float | None:
    """One send; None when the event is done, else how long to wait before resending."""
    tally.add(sent=1)
    connection = http.client.HTTPConnection(HOST, port, timeout=20)
    try:
        connection.request("POST", "/", body=body, headers=signed_headers(body))
        response = connection.getresponse()
        status, answer, retry_after = (
            response.status,
            response.read(),
            response.getheader("Retry-After"),
        )
    except (OSError, http.client.HTTPException) as exc:
        tally.add(errors=type(exc).__name__)
        return 0.2
    finally:
        connection.close()
    tally.add(answered=1, statuses=status)
    report = json.loads(answer) if answer else {}
    tally.add(event_statuses=str(report.get("status")))
    if status < 300:
        return None
    if status < 500 and status != 409:
        tally.add(errors=f"HTTP {status}")
        return None  # a refusal is final: nothing would change on a resend
    return min(float(retry_after), 2.0) if retry_after else 0.2


def _control(url: str, command: str) -> Any:
    with urllib.request.urlopen(f"{url}/_fakecloud/{command}", timeout=30) as response:
        return json.loads(response.read())


def _figures(
    tally: Tally,
    took: float,
    state: dict[str, Any],
    journal: list[dict[str, Any]],
    args: argparse.Namespace,
) -> dict[str, Any]:
    tags = {entry["id"]: entry["tags"] for entry in state["aliyun-ecs"]["resources"]}
    left = sum(key in tags[rid] for rid in tally.targeted for key in REMOVE)
    wrongly = sum(KEEP not in tags[rid] for rid in tags)
    wrongly += sum("env" not in tags[rid] for rid in tags if rid not in tally.targeted)
    outcomes = Counter(entry["outcome"] for entry in journal)
    return {
        "seconds": round(took, 1),
        "sending_window": args.seconds,
        "clients": args.clients,
        "function_retries": args.retries,
        "events": tally.events,
        "events_done": tally.events_done,
        "events_unfinished": len(tally.unfinished),
        "requests_sent": tally.sent,
        "requests_answered": tally.answered,
        "answers_by_status": {str(k): v for k, v in sorted(tally.statuses.items())},
        "answers_by_report_status": dict(sorted(tally.event_statuses.items())),
        "errors_by_class": dict(sorted(tally.errors.items())),
        "faults_injected": dict(sorted(tally.faults.items())),
        "provider_calls": len(journal),
        "provider_calls_by_outcome": dict(sorted(outcomes.items())),
        "resources_targeted": len(tally.targeted),
        "tags_left": left,
        "tags_wrongly_removed": wrongly,
    }


def _render(figures: dict[str, Any]) -> str:
    width = max(len(name) for name in figures)
    lines = [f"{name.ljust(width)}  {value}" for name, value in figures.items()]
    verdict = "PASS" if not (figures["tags_left"] or figures["tags_wrongly_removed"]) else "FAIL"
    return "\n".join([*lines, f"{'verdict'.ljust(width)}  {verdict}"])


if __name__ == "__main__":
    raise SystemExit(main())
