"""Per-event overhead in process: a canonical event end to end versus the bare HTTP call.

tagstrip side: ``handler(event)`` of functions/main.py with a canonical aliyun-ecs request for
one instance and one tag: adapt, validate, plan, sign, send through the pooled client, read
the answer, report. Bare side: the same RemoveTags call, signed beforehand by tagstrip's
own signer (each with its own nonce, outside the timing), sent with a plain ``httpx.Client``
to the same fake cloud (another process). Both are timed per event, one of each in turn.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

from _common import (
    FUNCTIONS,
    FakeCloudProcess,
    Figure,
    Series,
    alternate,
    ecs_event,
    ecs_seed,
    parser,
    report,
)

RESOURCE = "i-perevent001"


def tagstrip_events(batch: int) -> Callable[[], float]:
    sys.path.insert(0, str(FUNCTIONS))
    import main as functions_main

    event = ecs_event([RESOURCE])

    def run() -> float:
        started = time.perf_counter()
        for _ in range(batch):
            answer = functions_main.handler(event)
            if answer["events"][0]["status"] != "ok":
                raise RuntimeError(f"tagstrip failed: {answer}")
        return (time.perf_counter() - started) / batch

    return run


def bare_calls(batch: int) -> Callable[[], float]:
    import httpx

    from tagstrip.providers import make_client
    from tagstrip.runtime.settings import get_settings
    from tagstrip.runtime.wiring import validation

    settings = get_settings()
    client: Any = make_client("aliyun-ecs", settings)
    [call] = validation().plan(validation().request(ecs_event([RESOURCE]))).calls
    http = httpx.Client()

    def sign() -> httpx.Request:
        request = client.request(call)
        signed: httpx.Request = next(client.auth.sync_auth_flow(request))
        return signed

    def run() -> float:
        requests = [sign() for _ in range(batch)]  # signing is not part of the bare figure
        started = time.perf_counter()
        for request in requests:
            response = http.send(request)
            if response.status_code != 200:
                raise RuntimeError(f"bare call answered {response.status_code}: {response.text}")
        return (time.perf_counter() - started) / batch

    return run


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    # One event a turn, alternating: load that comes and goes hits both sides alike.
    rounds, batch = (4, 1) if args.smoke else (500, 1)
    with FakeCloudProcess() as cloud:
        cloud.seed(ecs_seed([RESOURCE]))
        os.environ.update(cloud.env)
        subjects = {"tagstrip": tagstrip_events(batch), "bare": bare_calls(batch)}
        for run in subjects.values():  # warm: imports, pooled connections
            run()
        samples = alternate(subjects, rounds)
        calls = len(cloud.journal())
    figures = [
        Figure(
            "per_event_vs_bare_httpx",
            "per event, tagstrip handler / bare httpx call",
            Series("tagstrip handler(event)", "s", samples["tagstrip"]),
            Series("pre-signed httpx send", "s", samples["bare"]),
            "<=",
            1.5,
            {"batch": batch, "rounds": rounds, "calls_journaled": calls},
        )
    ]
    report("per_event", figures, args.json)


if __name__ == "__main__":
    main()
