"""``make bench``: every benchmark in turn, one table, .bench/results.json.

Each script runs in its own process (``--json``), its logs kept in a scratch directory;
the figures are gathered into one table and one JSON file with the machine they ran on,
written outside the tracked tree (``.bench/`` is ignored): docs/performance.md's table is
copied from a run on purpose, never rewritten by one.
``--smoke`` passes through (a few iterations, structure only); ``--only NAME`` picks scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import BENCH, ROOT, Figure, Series, table, unwind_on_sigterm

SCRIPTS = ("coldstart", "invoke", "per_event", "throughput", "fanout", "minimality", "memory")
RESULTS = ROOT / ".bench" / "results.json"


def figure_from(data: dict[str, Any]) -> Figure:
    def series(side: dict[str, Any]) -> Series:
        return Series(side["label"], side["unit"], side["samples"])

    op, _, target = data["target"].partition(" ")
    return Figure(
        data["name"],
        data["title"],
        series(data["numerator"]),
        series(data["denominator"]),
        "" if op == "report" else op,
        None if op == "report" else float(target),
        data["notes"],
    )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--smoke", action="store_true")
    args.add_argument("--only", action="append", choices=SCRIPTS)
    args.add_argument("--json", type=Path, default=RESULTS)
    options = args.parse_args()
    unwind_on_sigterm()
    load_before = os.getloadavg()
    figures: list[dict[str, Any]] = []
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="tagstrip-bench-") as scratch:
        for script in options.only or SCRIPTS:
            out, log = Path(scratch) / f"{script}.json", Path(scratch) / f"{script}.log"
            command = [sys.executable, str(BENCH / f"{script}.py"), "--json", str(out)]
            command += ["--smoke"] if options.smoke else []
            started = time.perf_counter()
            print(f"== {script}", flush=True)
            with log.open("w") as errors:
                child = subprocess.Popen(command, stderr=errors, stdout=subprocess.DEVNULL)
                try:
                    returncode = child.wait()
                finally:
                    if child.poll() is None:  # interrupted: let the script stop its servers
                        child.terminate()
                        child.wait(30)
            timings[script] = round(time.perf_counter() - started, 1)
            if returncode != 0:
                sys.stderr.write(log.read_text()[-4000:])
                raise SystemExit(f"bench/{script}.py failed ({returncode})")
            figures += json.loads(out.read_text())["figures"]
    print(table([figure_from(f) for f in figures]))
    results = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "smoke": options.smoke,
        "seconds": timings,
        "figures": figures,
    }
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {options.json}")


if __name__ == "__main__":
    main()
