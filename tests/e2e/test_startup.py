"""What functions/main.py does to the process at import, checked in a fresh interpreter each."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import MAIN

_PROBE = """
import gc, json, os, threading
threads = set()
threading.settrace(lambda *_: threads.add(threading.current_thread().name))
import main
threading.settrace(None)
seen = {"collecting_at_import": gc.isenabled(), "threads_started_at_import": sorted(threads)}
answer = main.handler({"provider": "nowhere"})
seen.update(
    answered=bool(answer),
    collecting_after_call=gc.isenabled(),
    frozen=gc.get_freeze_count(),
    plugins=os.environ.get("PYDANTIC_DISABLE_PLUGINS"),
)
print(json.dumps(seen))
"""


#: The exit status of a refused start (functions/main.py's REFUSED_TO_START).
REFUSED = 4
#: A setting, rules file or mapping that keeps every start from serving, by variable.
BAD_CONFIGURATIONS = {
    "TAGSTRIP_MAX_BODY_BYTES": "100",
    "TAGSTRIP_RULES": "/nonexistent/rules.yaml",
    "TAGSTRIP_WEBHOOK_MAPPING": "preset:nowhere",
}


def assert_refused(output: str, variable: str) -> None:
    """`output` is a refused start's: one JSON line naming `variable`, no traceback of ours."""
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert [(line["severity"], line["variable"]) for line in lines] == [("CRITICAL", variable)]
    assert lines[0]["message"].startswith(f"refusing to start: {variable}")
    assert "Traceback" not in output


def _environment(**env: str) -> dict[str, str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k != "PYDANTIC_DISABLE_PLUGINS" and not k.startswith("TAGSTRIP_")
    }
    return environment | {"PYTHONPATH": str(MAIN.parent), **env}


def _probe(**env: str) -> dict[str, object]:
    environment = _environment(**env)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    seen: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return seen


def test_the_collector_waits_for_the_first_call_then_skips_what_the_imports_made() -> None:
    seen = _probe()
    assert seen["collecting_at_import"] is False
    assert seen["answered"] is True
    assert seen["collecting_after_call"] is True
    frozen = seen["frozen"]
    assert isinstance(frozen, int)
    assert frozen > 20_000  # pydantic, httpx and the core: tens of thousands of objects


def test_pydantic_plugins_are_not_searched_unless_the_deployment_says_so() -> None:
    assert _probe()["plugins"] == "__all__"
    assert _probe(PYDANTIC_DISABLE_PLUGINS="")["plugins"] == ""


def test_the_import_starts_no_thread_a_forked_worker_would_lack() -> None:
    """gunicorn imports main.py in its master and forks the worker from it: a thread started
    at import is not copied, and any lock it held stays held in the worker for good."""
    assert _probe()["threads_started_at_import"] == []


@pytest.mark.parametrize("variable", BAD_CONFIGURATIONS)
def test_a_bad_configuration_refuses_the_import_naming_its_variable(variable: str) -> None:
    """A Python runtime importing main.py (to call handler()) learns of a bad setting at
    start, not from a 500 on every event."""
    result = subprocess.run(
        [sys.executable, "-c", "import main"],
        env=_environment(**{variable: BAD_CONFIGURATIONS[variable]}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == REFUSED
    assert result.stdout == ""
    assert_refused(result.stderr, variable)
