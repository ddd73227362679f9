"""The ``tagstrip`` command: run tagstrip's events on a laptop.

tagstrip plan EVENT.json ...       print each request's plan as JSON (exit 2 if invalid)
tagstrip invoke EVENT.json         run one event in process (exit 0 ok, 1 failed, 2 invalid)
tagstrip replay [PATH ...]         replay events through the functions-framework app
tagstrip demo [DIR]                replay the samples against the seeded fake cloud
tagstrip serve                     the functions on local ports, next to the fake cloud
tagstrip fake-cloud                the fake cloud alone

Every command but `plan` runs on the test kit (tagstrip_testkit: the local harness and the
fake cloud), which the deployable leaves out; it is imported only when such a command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from tagstrip.core.errors import ConfigurationError, InvalidRequest
from tagstrip.core.pipeline import plan_request, validate_batch
from tagstrip.sources._wire import document

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
#: Top-level modules a local-run command needs beyond tagstrip: the test kit and the fake
#: extra's server. Any other missing module is a broken install, and shows as one.
_TESTKIT_MODULES = frozenset({"tagstrip_testkit", "pytest_httpserver"})


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args, sys.stdout, sys.stderr)
    except ConfigurationError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        return EXIT_FAILED
    except InvalidRequest as exc:  # an event file that is not JSON at all
        sys.stderr.write("invalid event\n")
        sys.stderr.writelines(f"  {error}\n" for error in exc.errors)
        return EXIT_INVALID
    except OSError as exc:
        sys.stderr.write(f"cannot read {exc.filename}: {exc.strerror}\n")
        return EXIT_INVALID


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "plan":
        return _plan(args.events, out, err)
    try:
        return _run_local(args, out, err)
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in _TESTKIT_MODULES:
            raise
        err.write(f"tagstrip {args.command} needs the test kit: pip install 'tagstrip[fake]'\n")
        return EXIT_INVALID


def _run_local(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The commands that run on the test kit (each imports it here, never at module level)."""
    if args.command == "invoke":
        from tagstrip_testkit.harness.local import invoke

        return invoke(_load(args.event), dry_run=args.dry_run, out=out, err=err)
    if args.command == "replay":
        return _replay(args, out)
    if args.command == "demo":
        from tagstrip_testkit.harness.local import demo

        return demo(args.directory, out)
    if args.command == "serve":
        from tagstrip_testkit.harness.serve import serve

        return serve(args.host, args.port, seed=args.seed, fake_cloud=not args.real_clouds, out=out)
    from tagstrip_testkit.fakecloud.standalone import serve as serve_fake

    return serve_fake(args.host, args.port, args.seed, out)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tagstrip", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="print the plan of each event file as JSON")
    plan.add_argument("events", nargs="+", type=Path)
    invoke = commands.add_parser("invoke", help="run one event in process")
    invoke.add_argument("event", type=Path)
    invoke.add_argument("--dry-run", action="store_true", help="plan only, make no call")
    replay = commands.add_parser("replay", help="replay events through the functions")
    replay.add_argument("paths", nargs="*", type=Path, default=[Path("events")])
    replay.add_argument("--against", metavar="URL", help="a deployed function instead")
    replay.add_argument("--json", action="store_true", help="print rows as JSON")
    demo = commands.add_parser("demo", help="replay the samples against the fake cloud")
    demo.add_argument("directory", nargs="?", type=Path, default=Path("events"))
    serve = commands.add_parser("serve", help="run the functions locally")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080, help="webhook; queue +1, event +2")
    serve.add_argument("--seed", type=Path, help="fake cloud seed state (JSON or YAML)")
    serve.add_argument("--real-clouds", action="store_true", help="no fake cloud")
    fake = commands.add_parser("fake-cloud", help="serve the fake cloud (needs the fake extra)")
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    fake.add_argument("--seed", type=Path, help="JSON or YAML seed state")
    return parser


def _plan(paths: Sequence[Path], out: TextIO, err: TextIO) -> int:
    status = EXIT_OK
    for path in paths:
        try:
            plans = [plan_request(request) for request in validate_batch(_load(path))]
        except InvalidRequest as exc:
            status = EXIT_INVALID
            err.write(f"{path}: invalid request\n")
            err.writelines(f"  {error}\n" for error in exc.errors)
            continue
        out.write(json.dumps([p.model_dump(mode="json") for p in plans], indent=2) + "\n")
    return status


def _replay(args: argparse.Namespace, out: TextIO) -> int:
    from tagstrip_testkit.harness.events import find_events
    from tagstrip_testkit.harness.replay import (
        InProcess,
        Remote,
        default_source,
        render_table,
        replay,
        rows_as_json,
    )

    sender = Remote(args.against) if args.against else InProcess(default_source())
    rows = replay(find_events(args.paths), sender)
    out.write(json.dumps(rows_as_json(rows), indent=2) if args.json else render_table(rows))
    out.write("\n")
    return EXIT_OK


def _load(path: Path) -> Any:
    return document(path.read_bytes())  # bad UTF-8, bad JSON, too deep: InvalidRequest


if __name__ == "__main__":
    raise SystemExit(main())
