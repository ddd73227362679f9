"""Webhook throughput through the production server: tagstrip versus hello-world.

Both functions are served by functions/bootstrap (gunicorn, gthread, one worker, the same
THREADS) and loaded by bench/loadgen.py from a separate process over keep-alive connections.
tagstrip receives signed webhook deliveries (X-Hub-Signature-256) of a canonical dry-run
request, each distinct (its own `id`, so none is a duplicate): the signature check, JSON
parsing, validation, planning and the JSON report, which is tagstrip's own work per
request; the provider call is left out (its cost is the fake
cloud's; figure 2 covers the call). hello-world receives the same deliveries.

Beside it, reported without a target: the same figure for bench/apps/floor.py, the barest
webhook the stack allows (signature, JSON, pydantic validation, one log line, a JSON
answer), which bounds what any webhook built on functions-framework and pydantic can reach;
and tagstrip against that floor, which is what tagstrip's own features cost.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import (
    APPS,
    BENCH,
    MAIN,
    SECRET,
    Figure,
    Series,
    alternate,
    ecs_event,
    hub_headers,
    parser,
    post,
    report,
    served,
    server_env,
    wait_until_answered,
)

CONNECTIONS = 8


def load(
    port: int, body: Path, headers: dict[str, str], seconds: float, limit: int
) -> dict[str, Any]:
    command = [sys.executable, str(BENCH / "loadgen.py"), "--port", str(port)]
    command += ["--body", str(body), "--connections", str(CONNECTIONS), "--hub-secret", SECRET]
    command += ["--seconds", str(seconds), "--max-requests", str(limit)]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    outcome: dict[str, Any] = json.loads(result.stdout)
    if outcome["failed"]:
        raise RuntimeError(f"load on port {port} had failures: {outcome}")
    return outcome


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    rounds, seconds, limit = (1, 0.3, 300) if args.smoke else (6, 2.0, 40_000)
    payload = ecs_event(["i-throughput01", "i-throughput02"], dry_run=True)
    template = json.dumps({**payload, "id": "load-__N__"}).encode()

    def delivery(name: str) -> tuple[bytes, dict[str, str]]:
        data = template.replace(b"__N__", name.encode())
        return data, hub_headers(data)

    env = server_env(None)
    with tempfile.TemporaryDirectory() as scratch:
        body = Path(scratch) / "body.json"
        body.write_bytes(template)
        with (
            served(MAIN, "remove_tags_http", env) as (tagstrip_port, _),
            served(APPS / "hello.py", "hello", env) as (hello_port, _),
            served(APPS / "floor.py", "floor", env) as (floor_port, _),
        ):
            for port in (tagstrip_port, hello_port, floor_port):
                data, headers = delivery(f"ready-{port}")
                status, answer = wait_until_answered(port, data, lambda h=headers: h)
                if status != 200:
                    raise RuntimeError(f"port {port} answered {status}: {answer[:300]!r}")
            status, answer = post(tagstrip_port, *delivery("check"))
            if json.loads(answer)["status"] != "dry_run":
                raise RuntimeError(f"tagstrip did not plan the dry run: {answer[:300]!r}")

            def subject(port: int) -> Callable[[], float]:
                content = {"Content-Type": "application/json"}  # loadgen signs each request
                return lambda: float(load(port, body, content, seconds, limit)["rps"])

            subjects = {
                "tagstrip": subject(tagstrip_port),
                "hello": subject(hello_port),
                "floor": subject(floor_port),
            }
            for run in subjects.values():  # warm up each
                run()
            samples = alternate(subjects, rounds)
    settings = {"connections": CONNECTIONS, "seconds_per_run": seconds, "rounds": rounds}
    tagstrip = Series("tagstrip dry-run webhook", "req/s", samples["tagstrip"])
    hello = Series("hello-world", "req/s", samples["hello"])
    floor = Series("barest signed, validated, logged webhook", "req/s", samples["floor"])
    figures = [
        Figure(
            "throughput_vs_hello",
            "webhook throughput, tagstrip / hello-world",
            tagstrip,
            hello,
            ">=",
            0.7,
            settings,
        ),
        Figure(
            "throughput_stack_floor",
            "throughput, barest webhook on the stack / hello-world",
            floor,
            hello,
            "",
            None,
            settings,
        ),
        Figure(
            "throughput_vs_floor",
            "throughput, tagstrip / barest webhook on the stack",
            tagstrip,
            floor,
            "",
            None,
            settings,
        ),
    ]
    report("throughput", figures, args.json)


if __name__ == "__main__":
    main()
