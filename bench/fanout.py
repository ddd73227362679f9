"""Fan-out: one event for 50 resources, every call slowed by 50 ms in the fake cloud.

aliyun-ecs RemoveTags takes one resource a call, so the event makes 50 calls, run
``TAGSTRIP_CONCURRENCY`` (8) at a time: the floor is ceil(50/8) = 7 waves of one call. The
figure divides the event's wall time by one call's latency times the waves, where one call's
latency is measured in the same run (an event for one resource, alternating with the big
one); the injected latency times the waves is reported beside it.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable

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

LATENCY = 0.05
CONCURRENCY = 8


def event_time(resource_ids: list[str]) -> Callable[[], float]:
    sys.path.insert(0, str(FUNCTIONS))
    import main as functions_main

    event = ecs_event(resource_ids)

    def run() -> float:
        started = time.perf_counter()
        answer = functions_main.handler(event)
        elapsed = time.perf_counter() - started
        [result] = answer["events"][0]["results"]
        if result["status"] != "ok" or len(result["calls"]) != len(resource_ids):
            raise RuntimeError(f"fan-out failed: {result['status']}")
        return elapsed

    return run


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    rounds, resources = (1, 10) if args.smoke else (7, 50)
    ids = [f"i-fanout{n:04d}" for n in range(resources)]
    waves = math.ceil(resources / CONCURRENCY)
    with FakeCloudProcess() as cloud:
        cloud.seed(ecs_seed(ids))
        os.environ.update(cloud.env)
        os.environ["TAGSTRIP_CONCURRENCY"] = str(CONCURRENCY)
        single = event_time(ids[:1])
        single()  # warm: imports, settings, the pooled client
        cloud.fault({"kind": "latency", "provider": "aliyun-ecs", "seconds": LATENCY})
        subjects = {"fanout": event_time(ids), "one_call": single}
        samples = alternate(subjects, rounds)
    floor = [sample * waves for sample in samples["one_call"]]
    fanout = Series(f"{resources} resources", "s", samples["fanout"])
    injected = Series(f"{LATENCY * 1000:g} ms x {waves} waves", "s", [LATENCY * waves])
    figures = [
        Figure(
            "fanout_vs_waves",
            f"fan-out, {resources} calls / one call x {waves} waves",
            fanout,
            Series(f"one call x {waves}", "s", floor),
            "<=",
            1.5,
            {
                "concurrency": CONCURRENCY,
                "latency_s": LATENCY,
                "waves": waves,
                "one_call_s": samples["one_call"],
                "ratio_to_injected_latency": fanout.median / injected.median,
            },
        )
    ]
    report("fanout", figures, args.json)


if __name__ == "__main__":
    main()
