"""Cold start: process spawn to the first answered event, served the production way.

Each subject is started by functions/bootstrap (gunicorn, gthread, one worker: the path every
HTTP platform and the container take) and sent, from the moment of spawn, the same POST
until it answers. "First answered event" means: a signed webhook delivery of a canonical
aliyun-ecs request (not a dry run) answered 200 after the tag was really removed in the fake
cloud (the journal shows the RemoveTags call), so import, configuration, validation, the HTTP
client and signing are all inside the figure. Subjects:

- tagstrip: functions/main.py ``remove_tags_http``;
- hello: a hello-world functions-framework function (the framework's floor);
- vendor SDK: the same removal written with alibabacloud-ecs20140526 (bench/apps/sdk_ecs.py).

Also reported: the import time of functions/main.py alone versus the hello-world module
(``python -X importtime``, cumulative microseconds of the top-level import), with the modules
that cost most; and what importing the stack's own libraries (pydantic with its models'
machinery, httpx with httpcore) adds after functions-framework, against hello-world's cold
start: the floor of any request path built on them, which the 1.3 target must fit within
0.3 of hello-world.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
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
    FakeCloudProcess,
    Figure,
    Series,
    alternate,
    ecs_event,
    ecs_seed,
    parser,
    report,
    server_env,
    signed_headers,
    spawn_function,
    stop,
    wait_until_answered,
)
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

RESOURCE = "i-coldstart01"


def cold_start(
    source: Path,
    target: str,
    env: dict[str, str],
    check: Callable[[bytes], None],
    bootstrap: Path = BOOTSTRAP,
) -> Callable[[], float]:
    """One measurement: seconds from spawn to the first answered event."""
    body = json.dumps(ecs_event([RESOURCE])).encode()

    def measure() -> float:
        from _common import free_port

        port = free_port()
        started = time.perf_counter()
        process = spawn_function(source, target, port, env, bootstrap)
        try:
            status, answer = wait_until_answered(port, body, lambda: signed_headers(body))
            elapsed = time.perf_counter() - started
        finally:
            stop(process)
        if status != 200:
            raise RuntimeError(f"{source.name}:{target} answered {status}: {answer[:300]!r}")
        check(answer)
        return elapsed

    return measure


def _removed(answer: bytes) -> None:
    report = json.loads(answer)
    if report.get("status") != "ok":
        raise RuntimeError(f"tagstrip did not remove the tag: {report}")


def _sdk_ok(answer: bytes) -> None:
    if json.loads(answer).get("status") != "ok":
        raise RuntimeError(f"the SDK function failed: {answer[:300]!r}")


def _hello(answer: bytes) -> None:
    if b"Hello" not in answer:
        raise RuntimeError(f"hello answered {answer[:100]!r}")


_LIBRARIES = """
import time
import functions_framework
started = time.perf_counter()
import pydantic
pydantic.BaseModel
import httpx
import httpcore
print(time.perf_counter() - started)
"""


def library_import() -> float:
    """Seconds a fresh interpreter takes to import pydantic (BaseModel) and httpx once
    functions-framework is loaded: the stack's floor, before any tagstrip module."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", _LIBRARIES], env=env, capture_output=True, text=True, check=True
    )
    return float(result.stdout)


def import_time(module: str, path: Path) -> float:
    """Seconds ``import <module>`` takes in a fresh interpreter, per ``-X importtime``."""
    env = {**os.environ, "PYTHONPATH": str(path), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return _cumulative(result.stderr)[module] / 1e6


def _cumulative(stderr: str) -> dict[str, int]:
    """``import time: self [us] | cumulative | imported package`` lines, by module name."""
    found: dict[str, int] = {}
    for line in stderr.splitlines():
        if line.startswith("import time:") and "cumulative" not in line:
            _, cumulative, name = line.split(":", 1)[1].split("|")
            found[name.strip()] = int(cumulative)
    return found


def heaviest(module: str, path: Path, count: int = 12) -> list[tuple[str, float]]:
    """The top-level packages that cost most to import with `module` (ms, cumulative)."""
    env = {**os.environ, "PYTHONPATH": str(path), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    roots: dict[str, int] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split(":", 1)[1].split("|")
        name = name.rstrip()
        if name.startswith("   ") and not name.startswith("    "):  # imported by `module`
            roots[name.strip()] = int(cumulative)
    ranked = sorted(roots.items(), key=lambda item: item[1], reverse=True)[:count]
    return [(name, us / 1000) for name, us in ranked]


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
        subjects = {
            "source": cold_start(
                copies / "functions" / "main.py", "remove_tags_http", source, _removed, packaged
            ),
            "bytecode": cold_start(MAIN, "remove_tags_http", server_env(cloud), _removed),
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


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    rounds = 1 if args.smoke else 9
    with FakeCloudProcess() as cloud:
        cloud.seed(ecs_seed([RESOURCE]))
        env = server_env(cloud)
        subjects = {
            "tagstrip": cold_start(MAIN, "remove_tags_http", env, _removed),
            "hello": cold_start(APPS / "hello.py", "hello", env, _hello),
            "sdk": cold_start(APPS / "sdk_ecs.py", "remove_tags", env, _sdk_ok),
        }
        before = len(cloud.journal())
        samples = alternate(subjects, rounds)
        calls = [e for e in cloud.journal()[before:] if e["operation"] == "RemoveTags"]
    if len(calls) != 2 * rounds or any(call["outcome"] != "ok" for call in calls):
        raise RuntimeError(f"expected {2 * rounds} RemoveTags calls answered ok, got {calls}")
    imports = alternate(
        {
            "main": lambda: import_time("main", FUNCTIONS),
            "hello": lambda: import_time("hello", APPS),
        },
        rounds,
    )
    libraries = [library_import() for _ in range(rounds)]
    packaged = _without_bytecode(1 if args.smoke else 3)
    tagstrip = Series("tagstrip remove_tags_http", "s", samples["tagstrip"])
    figures = [
        Figure(
            "cold_start_vs_hello",
            "cold start, tagstrip / hello-world",
            tagstrip,
            Series("hello-world", "s", samples["hello"]),
            "<=",
            1.3,
        ),
        Figure(
            "cold_start_vs_sdk",
            "cold start, tagstrip / vendor SDK",
            tagstrip,
            Series("alibabacloud-ecs20140526", "s", samples["sdk"]),
            "<=",
            0.33,
        ),
        Figure(
            "import_main_vs_hello",
            "import time, functions/main.py / hello",
            Series("import main", "s", imports["main"]),
            Series("import hello", "s", imports["hello"]),
            "",
            None,
            {"heaviest_imports_of_main_ms": heaviest("main", FUNCTIONS)},
        ),
        Figure(
            "cold_start_library_floor",
            "pydantic + httpx imports / hello-world cold start",
            Series("import pydantic, httpx after functions-framework", "s", libraries),
            Series("hello-world cold start", "s", samples["hello"]),
            "",
            None,
            {"allowance_of_the_1.3_target": 0.3},
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
