"""`tagstrip invoke` of one real event against the vendor SDK script doing the same call.

Each side is a fresh process started as a user's script would start it, timed from spawn to
exit: ``tagstrip invoke EVENT.json`` (the installed console script) and
``python bench/apps/sdk_ecs.py EVENT.json`` (alibabacloud-ecs20140526), both given the same
canonical aliyun-ecs request and both making one real RemoveTags call to the same fake cloud,
running in its own process, through the endpoint and credential variables tagstrip reads.
The two alternate round by round in one run; the fake cloud's journal checks that every
process made exactly its one call.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from _common import (
    APPS,
    FakeCloudProcess,
    Figure,
    Series,
    alternate,
    ecs_event,
    ecs_seed,
    parser,
    report,
    server_env,
)

RESOURCE = "i-invoke00001"
#: The console script `pip install tagstrip` puts beside this interpreter.
TAGSTRIP = Path(sys.executable).with_name("tagstrip")


def run_once(
    command: Sequence[str], env: Mapping[str, str], check: Callable[[str], None]
) -> Callable[[], float]:
    """One measurement: seconds from spawn to exit of `command`, whose output `check` reads."""

    def measure() -> float:
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} exited {result.returncode}: {result.stderr[-500:]}")
        check(result.stdout)
        return elapsed

    return measure


def _tagstrip_ok(output: str) -> None:
    [event] = json.loads(output)
    if event["status"] != "ok":
        raise RuntimeError(f"tagstrip invoke reported {output[:300]!r}")


def _sdk_ok(output: str) -> None:
    if len(json.loads(output)["request_ids"]) != 1:
        raise RuntimeError(f"the SDK script printed {output[:300]!r}")


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    rounds = 1 if args.smoke else 11
    if not TAGSTRIP.is_file():
        raise SystemExit(f"no {TAGSTRIP}: install tagstrip in this interpreter's environment")
    with FakeCloudProcess() as cloud, tempfile.TemporaryDirectory() as scratch:
        cloud.seed(ecs_seed([RESOURCE]))
        event = Path(scratch) / "event.json"
        event.write_text(json.dumps(ecs_event([RESOURCE])), encoding="utf-8")
        env = server_env(cloud)
        subjects = {
            "tagstrip": run_once([str(TAGSTRIP), "invoke", str(event)], env, _tagstrip_ok),
            "sdk": run_once([sys.executable, str(APPS / "sdk_ecs.py"), str(event)], env, _sdk_ok),
        }
        samples = alternate(subjects, rounds)
        calls = cloud.journal()
    removals = [c for c in calls if c["operation"] == "RemoveTags" and c["outcome"] == "ok"]
    if len(calls) != 2 * rounds or len(removals) != len(calls):
        raise RuntimeError(f"expected {2 * rounds} RemoveTags calls and nothing else, got {calls}")
    figures = [
        Figure(
            "invoke_vs_sdk",
            "`tagstrip invoke` of one real event / the vendor SDK script",
            Series("tagstrip invoke", "s", samples["tagstrip"]),
            Series("alibabacloud-ecs20140526 script", "s", samples["sdk"]),
            "<=",
            0.4,
            {"rounds": rounds, "remove_tags_calls": len(removals)},
        )
    ]
    report("invoke", figures, args.json)


if __name__ == "__main__":
    main()
