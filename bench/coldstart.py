"""Cold start: process spawn to the first answered event, served the production way.

Each subject is started by functions/bootstrap (gunicorn, gthread, one worker: the path every
HTTP platform and the container take) and sent, from the moment of spawn, the same signed
webhook delivery (X-Hub-Signature-256) of a canonical aliyun-ecs request until it answers.
Two first events: a real one, answered 200 after the tag was really removed in the fake
cloud (the journal shows one RemoveTags per start), so import, configuration, validation,
the HTTP client, signing and the call are all inside the figure; and a dry run, answered
with the plan, which no provider call reaches. Subjects, all alternated round by round in
one run so that the machine's drift hits each alike:

- tagstrip: functions/main.py ``remove_tags_http``, with each first event;
- stack floor: bench/apps/floor.py, the least a signed webhook on the same stack does (HMAC,
  json, pydantic validation of the request and of the provider's answer, one httpx call
  unless it is a dry run), with each first event: what the stack costs before tagstrip;
- hello: a hello-world functions-framework function (the framework's floor).

(`tagstrip invoke` against the vendor SDK's script is bench/invoke.py.)

Also reported: tagstrip's cold start as packaged, without bytecode, against with it.

The package carries tagstrip's TLS roots as a hashed directory (tagstrip/runtime/cacerts, made
by scripts/package.py) where a checkout has none: the tagstrip subjects get the same
directory, made the same way from certifi, through ``SSL_CERT_DIR``, so that they load their
roots as deployed. The other subjects load certifi's bundle, as they would deployed.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path

from _common import (
    APPS,
    BOOTSTRAP,
    FUNCTIONS,
    MAIN,
    ROOT,
    FakeCloudProcess,
    Figure,
    Series,
    alternate,
    ecs_event,
    ecs_seed,
    free_port,
    hub_headers,
    parser,
    report,
    server_env,
    spawn_function,
    stop,
    wait_until_answered,
)
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

sys.path.insert(0, str(ROOT))
from scripts.package import CA_DIRECTORY, write_ca_directory

RESOURCE = "i-coldstart01"
REAL = json.dumps(ecs_event([RESOURCE])).encode()
DRY_RUN = json.dumps(ecs_event([RESOURCE], dry_run=True)).encode()


def cold_start(
    source: Path,
    target: str,
    env: dict[str, str],
    body: bytes,
    check: Callable[[bytes], None],
    bootstrap: Path = BOOTSTRAP,
) -> Callable[[], float]:
    """One measurement: seconds from spawn to the first answered event."""
    headers = hub_headers(body)

    def measure() -> float:
        port = free_port()
        started = time.perf_counter()
        process = spawn_function(source, target, port, env, bootstrap)
        try:
            status, answer = wait_until_answered(port, body, lambda: headers)
            elapsed = time.perf_counter() - started
        finally:
            stop(process)
        if status != 200:
            raise RuntimeError(f"{source.name}:{target} answered {status}: {answer[:300]!r}")
        check(answer)
        return elapsed

    return measure


def answered(status: str) -> Callable[[bytes], None]:
    """A check that the JSON answer reports `status` (``ok``: the tag was removed)."""

    def check(answer: bytes) -> None:
        if json.loads(answer).get("status") != status:
            raise RuntimeError(f"expected status {status!r}, got {answer[:300]!r}")

    return check


def _hello(answer: bytes) -> None:
    if b"Hello" not in answer:
        raise RuntimeError(f"hello answered {answer[:100]!r}")


def _without_bytecode(rounds: int) -> dict[str, list[float]]:
    """tagstrip's cold start as packaged: functions/ and its dependencies without any .pyc
    (the zip and the image ship none and write none, so every start compiles them), against
    the same start with bytecode. The copies sit first on PYTHONPATH; the standard library
    keeps its bytecode, as on the platforms."""
    with tempfile.TemporaryDirectory() as scratch, FakeCloudProcess() as cloud:
        cloud.seed(ecs_seed([RESOURCE]))
        copies = Path(scratch)
        shutil.copytree(FUNCTIONS, copies / "functions", ignore=_NO_BYTECODE)
        site = copies / "site"
        for path, relative in _runtime_files():
            destination = (site / relative).resolve()
            if not destination.is_relative_to(site.resolve()):
                raise RuntimeError(f"refusing to copy {relative} outside {site}")
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
        source = server_env(cloud, PYTHONPATH=str(site))
        packaged = copies / "functions" / "bootstrap"
        ok = answered("ok")
        subjects = {
            "source": cold_start(
                copies / "functions" / "main.py", "remove_tags_http", source, REAL, ok, packaged
            ),
            "bytecode": cold_start(MAIN, "remove_tags_http", server_env(cloud), REAL, ok),
        }
        return alternate(subjects, rounds)


_NO_BYTECODE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def _runtime_files() -> Iterator[tuple[Path, Path]]:
    """(file, path under site-packages) of every distribution tagstrip needs at run time:
    its [project] dependencies and theirs, as `make package` vendors them, without bytecode."""
    seen: set[str] = set()
    pending = [Requirement(text) for text in metadata.requires("tagstrip") or []]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in seen or (requirement.marker and not requirement.marker.evaluate()):
            continue
        seen.add(name)
        distribution = metadata.distribution(name)
        pending += [Requirement(text) for text in distribution.requires or []]
        for file in distribution.files or []:
            # Console scripts are recorded as ../../../bin/...: outside site-packages, not copied.
            if ".." in file.parts or "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            yield Path(str(distribution.locate_file(file))), Path(str(file))


def packaged_roots(scratch: Path) -> dict[str, str]:
    """The environment that gives tagstrip its roots as the package ships them."""
    import certifi

    directory = scratch / CA_DIRECTORY
    write_ca_directory(Path(certifi.where()), directory)
    return {"SSL_CERT_DIR": str(directory)}


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    rounds = 1 if args.smoke else 11
    real, dry_run = answered("ok"), answered("dry_run")
    floor = APPS / "floor.py"
    with FakeCloudProcess() as cloud, tempfile.TemporaryDirectory() as scratch:
        cloud.seed(ecs_seed([RESOURCE]))
        env = server_env(cloud)
        packaged = {**env, **packaged_roots(Path(scratch))}
        subjects = {
            "tagstrip": cold_start(MAIN, "remove_tags_http", packaged, REAL, real),
            "floor": cold_start(floor, "floor", env, REAL, real),
            "hello": cold_start(APPS / "hello.py", "hello", env, REAL, _hello),
            "tagstrip_dry": cold_start(MAIN, "remove_tags_http", packaged, DRY_RUN, dry_run),
            "floor_dry": cold_start(floor, "floor", env, DRY_RUN, dry_run),
        }
        before = len(cloud.journal())
        samples = alternate(subjects, rounds)
        calls = cloud.journal()[before:]
    removals = [call for call in calls if call["operation"] == "RemoveTags"]
    # One RemoveTags per real start (tagstrip, floor), none for a dry run.
    if len(calls) != 2 * rounds or len(removals) != len(calls):
        raise RuntimeError(f"expected {2 * rounds} RemoveTags calls and nothing else, got {calls}")
    if any(call["outcome"] != "ok" for call in removals):
        raise RuntimeError(f"a RemoveTags call failed: {removals}")
    packaged = _without_bytecode(1 if args.smoke else 3)
    journal = {"rounds": rounds, "remove_tags_calls": len(removals)}
    tagstrip = Series("tagstrip, real first event", "s", samples["tagstrip"])
    floor_real = Series("stack floor, real first event", "s", samples["floor"])
    hello = Series("hello-world", "s", samples["hello"])
    tagstrip_dry = Series("tagstrip, dry-run first event", "s", samples["tagstrip_dry"])
    floor_dry = Series("stack floor, dry-run first event", "s", samples["floor_dry"])
    figures = [
        Figure(
            "cold_start_real_vs_floor",
            "cold start, real first event: tagstrip / stack floor",
            tagstrip,
            floor_real,
            "<=",
            1.0,
            journal,
        ),
        Figure(
            "cold_start_real_vs_hello",
            "cold start, real first event: tagstrip / hello-world",
            tagstrip,
            hello,
            "",
            None,
        ),
        Figure(
            "cold_start_real_floor_vs_hello",
            "cold start, real first event: stack floor / hello-world",
            floor_real,
            hello,
            "",
            None,
        ),
        Figure(
            "cold_start_dry_vs_hello",
            "cold start, dry-run first event: tagstrip / hello-world",
            tagstrip_dry,
            hello,
            "<=",
            1.35,
        ),
        Figure(
            "cold_start_dry_floor_vs_hello",
            "cold start, dry-run first event: stack floor / hello-world",
            floor_dry,
            hello,
            "",
            None,
        ),
        Figure(
            "cold_start_dry_vs_floor",
            "cold start, dry-run first event: tagstrip / stack floor",
            tagstrip_dry,
            floor_dry,
            "",
            None,
        ),
        Figure(
            "cold_start_without_bytecode",
            "cold start, no bytecode (as packaged) / with",
            Series("no .pyc in functions/ and deps", "s", packaged["source"]),
            Series("bytecode compiled", "s", packaged["bytecode"]),
            "",
            None,
        ),
    ]
    report("coldstart", figures, args.json)


if __name__ == "__main__":
    main()
