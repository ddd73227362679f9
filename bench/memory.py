"""Memory: growth of the served function's peak RSS once its bounded caches are full.

tagstrip's ``remove_tags_http`` is served by functions/bootstrap (gunicorn, one worker) and
sent real events (a canonical aliyun-ecs request, executed against the fake cloud in another
process) by bench/loadgen.py, every delivery distinct. The worker keeps some state by design,
bounded: the webhook's replay-protection log (sources/webhook_auth.DeliveryLog) holds the most
recent deliveries up to its capacity, so until that many have arrived its growth is the cache
filling, not a leak. The figure therefore warms the worker with more deliveries than the log
holds, reads its peak resident set (VmHWM), sends as many again and reads it again: what
grows past a full log grows with every event (in the pooled client, the thread pool, caches
of configuration or rules), and would grow without bound.
"""

from __future__ import annotations

import inspect
import json
import tempfile
from pathlib import Path

from _common import (
    MAIN,
    FakeCloudProcess,
    Figure,
    Series,
    ecs_event,
    ecs_seed,
    hub_headers,
    parser,
    peak_rss_mib,
    report,
    served,
    server_env,
    wait_until_answered,
    worker_pids,
)
from throughput import load

from tagstrip.sources.webhook_auth import DeliveryLog

RESOURCE = "i-memory00001"
#: Deliveries the replay-protection log holds before it evicts the oldest.
LOG_CAPACITY: int = inspect.signature(DeliveryLog).parameters["max_entries"].default
#: Events in each half of the run: the warm-up fills the log and evicts from it; then as many
#: again are measured.
HALF = LOG_CAPACITY + 1_000


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    warm, total = (20, 60) if args.smoke else (HALF, 2 * HALF)
    data = json.dumps(ecs_event([RESOURCE], id="memory-first")).encode()
    headers = hub_headers(data)
    readings: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as scratch, FakeCloudProcess() as cloud:
        cloud.seed(ecs_seed([RESOURCE]))
        with served(MAIN, "remove_tags_http", server_env(cloud)) as (port, process):
            status, answer = wait_until_answered(port, data, lambda: headers)
            if status != 200 or json.loads(answer)["status"] != "ok":
                raise RuntimeError(f"tagstrip answered {status}: {answer[:300]!r}")
            [worker] = worker_pids(process.pid)
            sent = 1
            checkpoints = [warm, (warm + total) // 2, total]
            for checkpoint in checkpoints:
                # Distinct deliveries (loadgen numbers each __N__ from 1 per run, so the id
                # names the run too): a repeated one is answered as a duplicate, not executed.
                body = Path(scratch) / f"body-{checkpoint}.json"
                event = ecs_event([RESOURCE], id=f"memory-{checkpoint}-__N__")
                body.write_bytes(json.dumps(event).encode())
                content = {"Content-Type": "application/json"}  # loadgen signs each request
                outcome = load(port, body, content, 600.0, checkpoint - sent)
                sent += outcome["ok"]
                readings[sent] = peak_rss_mib(worker)
        calls = len(cloud.journal())
    if calls != sent:  # one RemoveTags per event: every event was executed, none deduplicated
        raise RuntimeError(f"{sent} events made {calls} calls")
    counts = sorted(readings)
    figures = [
        Figure(
            "memory_growth",
            f"peak RSS after {counts[-1]:,} events / after {counts[0]:,}",
            Series(f"after {counts[-1]:,}", "MiB", [readings[counts[-1]]]),
            Series(f"after {counts[0]:,}", "MiB", [readings[counts[0]]]),
            "<=",
            1.05,
            {
                "peak_rss_mib_by_events": readings,
                "calls_journaled": calls,
                "replay_log_capacity": LOG_CAPACITY,
            },
        )
    ]
    report("memory", figures, args.json)


if __name__ == "__main__":
    main()
