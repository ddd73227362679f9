"""The ``tagstrip`` command: plan sample events on a laptop.

``tagstrip plan EVENT.json ...`` prints the plan of each event as JSON (exit 2 if any is
invalid). ``tagstrip demo [DIR]`` walks a directory of sample events and prints, for each,
the dry-run plan or the errors it must produce. ``tagstrip fake-cloud [--port N] [--seed
FILE]`` serves the embedded fake cloud (`tagstrip.fakecloud`) until interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from tagstrip.core.errors import InvalidRequest
from tagstrip.core.models import Plan
from tagstrip.core.pipeline import plan_request, validate_batch

__all__ = ["main"]

EXIT_OK, EXIT_INVALID = 0, 2
_FIXTURES = "fixtures"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tagstrip", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="print the plan of each event file as JSON")
    plan.add_argument("events", nargs="+", type=Path)
    demo = commands.add_parser("demo", help="print dry-run plans of the sample events")
    demo.add_argument("directory", nargs="?", type=Path, default=Path("events"))
    fake = commands.add_parser("fake-cloud", help="serve the fake cloud (needs the fake extra)")
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    fake.add_argument("--seed", type=Path, help="JSON or YAML seed state")
    args = parser.parse_args(argv)
    if args.command == "plan":
        return _plan(args.events, sys.stdout, sys.stderr)
    if args.command == "fake-cloud":
        from tagstrip.fakecloud.standalone import serve  # only with the fake extra installed

        return serve(args.host, args.port, args.seed, sys.stdout)
    return _demo(args.directory, sys.stdout)


def plans_for(event: Any) -> list[Plan]:
    """Dry-run plans for one event body (a request or a list of them)."""
    return [plan_request(request) for request in validate_batch(event)]


def _plan(paths: Sequence[Path], out: TextIO, err: TextIO) -> int:
    status = EXIT_OK
    for path in paths:
        try:
            plans = plans_for(_load(path))
        except InvalidRequest as exc:
            status = EXIT_INVALID
            err.write(f"{path}: invalid request\n")
            err.writelines(f"  {e.path}: {e.message}\n" for e in exc.errors)
            continue
        out.write(json.dumps([p.model_dump(mode="json") for p in plans], indent=2) + "\n")
    return status


def _demo(directory: Path, out: TextIO) -> int:
    paths = sorted(
        path
        for path in directory.rglob("*.json")
        if _FIXTURES not in path.relative_to(directory).parts  # fake-cloud seeds, not events
    )
    if not paths:
        out.write(f"no sample events under {directory}\n")
        return EXIT_INVALID
    for path in paths:
        out.write(f"\n== {path.relative_to(directory)}\n")
        try:
            plans = plans_for(_load(path))
        except InvalidRequest as exc:
            out.writelines(f"   refused: {e.path}: {e.message}\n" for e in exc.errors)
            continue
        for plan in plans:
            out.write(f"   {plan.provider}: {plan.summary} ({len(plan.calls)} call(s))\n")
            for call in plan.calls:
                wire = call.body if call.body is not None else call.params
                out.write(f"     {call.method} {call.path} {call.operation} {json.dumps(wire)}\n")
            out.writelines(f"   note: {note}\n" for note in plan.notes)
            out.writelines(f"   skipped {s.tag}: {s.reason}\n" for s in plan.skipped)
    return EXIT_OK


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    raise SystemExit(main())
