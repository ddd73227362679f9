"""The ``tagstrip`` command: run tagstrip's events on a laptop.

tagstrip plan EVENT.json ...       print the plans of every event as one JSON list
tagstrip invoke EVENT.json         run one event in process (exit 0 ok, 1 failed, 2 mistake)
tagstrip replay [PATH ...]         replay events through the functions-framework app
tagstrip demo [DIR]                replay the samples against the seeded fake cloud
tagstrip serve                     the functions on local ports, next to the fake cloud
tagstrip fake-cloud                the fake cloud alone

Exit 2 is always a mistake to fix before anything runs (a file, an option, a setting), said
in one line naming it. Every command but `plan` runs on the test kit (tagstrip_testkit: the
local harness and the fake cloud), which the deployable leaves out; it is imported only when
such a command runs.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

# Before pydantic loads: the commands use no pydantic plugin, and looking for one scans the
# metadata of every installed distribution, a cost each `tagstrip invoke` of a script's
# loop pays (set the variable empty to let plugins load), as functions/main.py does.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from tagstrip.domain import pipeline
from tagstrip.domain.errors import ConfigurationError, InvalidRequest, printable
from tagstrip.domain.outcomes import Adapted, Ignored, Rejected
from tagstrip.runtime import collector
from tagstrip.runtime.settings import reset_settings
from tagstrip.runtime.wiring import validation
from tagstrip.sources import webhook
from tagstrip.sources._wire import document
from tagstrip.sources.configuration import check_configuration
from tagstrip.sources.envelopes import adapt_delivery, shape_of

__all__ = [
    "UsageError",
    "adapt_event",
    "check_configuration",
    "environment",
    "load_json",
    "main",
]

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
#: Top-level modules a local-run command needs beyond tagstrip: the test kit and the fake
#: extra's server. Any other missing module is a broken install, and shows as one.
_TESTKIT_MODULES = frozenset({"tagstrip_testkit", "pytest_httpserver"})
#: Consent to account-wide removals (baidu-tag) while nothing is sent: `plan` and
#: `invoke --dry-run` validate such requests as sent, and make no call.
ACCOUNT_SCOPE = {"TAGSTRIP_ALLOW_ACCOUNT_SCOPE": "true"}
#: Commands that do their work and exit: they run without the garbage collector.
_ONE_SHOT = frozenset({"plan", "invoke"})


class UsageError(Exception):
    """A mistake in how a command was called (a file, an option, a setting): the message is
    one line naming it and what to do; the command exits 2 before doing anything."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args, sys.stdout, sys.stderr)
    except UsageError as exc:
        sys.stderr.write(f"{printable(str(exc))}\n")
    except ConfigurationError as exc:
        sys.stderr.write(f"configuration error: {printable(str(exc))}\n")
    except OSError as exc:
        sys.stderr.write(f"{_os_error(exc)}\n")
    return EXIT_INVALID


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command not in _ONE_SHOT:
        collector.resume()  # a pause of `tagstrip.__main__`'s: these commands run for a while
    if args.command != "fake-cloud" and not _remote(args):
        check_configuration()
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
        # httpx's own command line (click, rich where installed) is never used here: an
        # entry of None makes httpx's import of it fail, which httpx expects.
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
        from tagstrip_testkit.harness.invoke import invoke

        return invoke(load_json(args.event), dry_run=args.dry_run, out=out, err=err)
    if args.command == "replay":
        from tagstrip_testkit.harness.local import replay_command

        return replay_command(args, out, err)
    if args.command == "demo":
        from tagstrip_testkit.harness.local import demo

        return demo(args.directory, out, err, seed=args.seed)
    if args.command == "serve":
        from tagstrip_testkit.harness.serve import serve

        _check_ports(args.host, args.port, count=3)

        return serve(args.host, args.port, seed=args.seed, fake_cloud=not args.real_clouds, out=out)
    from tagstrip_testkit.fakecloud.standalone import serve as serve_fake
    from tagstrip_testkit.harness.local import read_seed

    if args.seed is not None:
        read_seed(args.seed)  # a bad seed is one line, before the server starts
    _check_ports(args.host, args.port, count=1)
    return serve_fake(args.host, args.port, args.seed, out)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tagstrip", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="print the plans of the event files as one JSON list")
    plan.add_argument("events", nargs="+", type=Path)
    invoke = commands.add_parser("invoke", help="run one event in process")
    invoke.add_argument("event", type=Path)
    invoke.add_argument("--dry-run", action="store_true", help="plan only, make no call")
    replay = commands.add_parser("replay", help="replay events through the functions")
    replay.add_argument("paths", nargs="*", type=Path, default=[Path("events")])
    replay.add_argument("--json", action="store_true", help="print rows as JSON")
    replay.add_argument("--seed", type=Path, help="fake cloud seed (default: the samples')")
    replay.add_argument("--real-clouds", action="store_true", help="no fake cloud")
    remote = replay.add_argument_group("deployed functions (instead of in process)")
    remote.add_argument(
        "--against",
        metavar="URL",
        help="`tagstrip serve` layout: webhook URL, queue port+1, CloudEvent port+2",
    )
    for kind in ("webhook", "queue", "event"):
        remote.add_argument(f"--{kind}", metavar="URL", help=f"the {kind} function's URL")
    demo = commands.add_parser("demo", help="replay the samples against the fake cloud")
    demo.add_argument("directory", nargs="?", type=Path, default=Path("events"))
    demo.add_argument("--seed", type=Path, help="fake cloud seed (default: DIR/fixtures/seed.json)")
    serve = commands.add_parser("serve", help="run the functions locally")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="webhook; queue +1, event +2")
    serve.add_argument("--seed", type=Path, help="fake cloud seed state (JSON or YAML)")
    serve.add_argument("--real-clouds", action="store_true", help="no fake cloud")
    fake = commands.add_parser("fake-cloud", help="serve the fake cloud (needs the fake extra)")
    fake.add_argument("--host", default="127.0.0.1", help="address to listen on")
    fake.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    fake.add_argument("--seed", type=Path, help="JSON or YAML seed state")
    return parser


def adapt_event(body: Any, *, dry_run: bool) -> list[pipeline.Admitted]:
    """What the functions make of an event file, validated: requests and ticketing payloads
    as the webhook takes them, every other delivery as the queue target does. A dry run
    consents to account scope, since it makes no call."""
    with environment(ACCOUNT_SCOPE if dry_run else {}):
        return pipeline.validate(_adapted(body), validation())


def _adapted(body: Any) -> list[Adapted | Rejected]:
    if not is_webhook_body(body):
        return adapt_delivery(body)
    try:
        return [webhook.adapt(body)]
    except InvalidRequest as exc:
        return [Rejected("request", None, exc)]


def is_webhook_body(body: Any) -> bool:
    """Requests and payloads for mappings go to the webhook; platform envelopes and arrays of
    CloudEvents to the queue or CloudEvent target."""
    if isinstance(body, list):
        return not any(isinstance(item, dict) and "specversion" in item for item in body)
    return shape_of(body) == "request"


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set environment variables for the duration (settings are re-read on both sides)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    reset_settings()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        reset_settings()


def _plan(paths: Sequence[Path], out: TextIO, err: TextIO) -> int:
    """One JSON list of the plans of every file; refusals and ignored events on stderr."""
    status, plans = EXIT_OK, []
    for path in paths:
        for outcome in adapt_event(load_json(path), dry_run=True):
            if isinstance(outcome, Rejected):
                status = EXIT_INVALID
                err.write(f"{path}: invalid request\n")
                err.writelines(f"  {error}\n" for error in outcome.error.errors)
            elif isinstance(outcome, Ignored):
                err.write(f"{path}: ignored: {printable(outcome.reason)}\n")
            else:
                plans += [validation().plan(request) for request in outcome.requests]
    if plans or status == EXIT_OK:
        out.write(json.dumps([p.model_dump(mode="json") for p in plans], indent=2) + "\n")
    return status


def _remote(args: argparse.Namespace) -> bool:
    """A replay into deployed functions: the local configuration plays no part."""
    return args.command == "replay" and any((args.against, args.webhook, args.queue, args.event))


def load_json(path: Path) -> Any:
    """The JSON document in `path`; one that cannot be read is an OSError, one that is not
    JSON a UsageError naming the file."""
    try:
        return document(path.read_bytes())
    except InvalidRequest as exc:  # bad UTF-8, bad JSON, too deep
        raise UsageError(f"{path}: {exc.errors[0].message}; fix the file") from None


def _check_ports(host: str, port: int, *, count: int) -> None:
    """The ports a server will listen on are free (its own failure would exit with a
    message of its own); port 0 lets the system choose."""
    if not 0 <= port <= 65535 - (count - 1):
        raise UsageError(f"--port {port}: a port is 0 to {65535 - (count - 1)}; choose another")
    for offset in range(count if port else 0):
        with socket.socket() as probe:
            try:
                probe.bind((host, port + offset))
            except OSError as exc:
                message = (
                    f"--port {port}: cannot listen on {host}:{port + offset} "
                    f"({exc.strerror or exc}); choose another --port or --host"
                )
                raise UsageError(message) from None


def _os_error(exc: OSError) -> str:
    if exc.filename is not None:
        return f"cannot read {exc.filename}: {exc.strerror}"
    return str(exc)


if __name__ == "__main__":
    raise SystemExit(main())
