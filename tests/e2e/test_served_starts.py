"""Every way a platform starts tagstrip answers a real provider call, start after start.

Each start is a fresh server process, launched as a platform launches it: the
functions-framework CLI (Cloud Run functions' buildpack; it serves through gunicorn, which
forks its worker after the master imported functions/main.py), gunicorn with ``--preload``
(the same fork, spelled out) and functions/bootstrap (FC custom runtime, FunctionGraph, the
image). Each gets one delivery that makes a RemoveTags call to the fake cloud, served over
HTTPS with a test CA that the servers trust through ``SSL_CERT_FILE``: a health check or a
dry run never needs TLS, so only a real HTTPS call loads the trust store in the worker and
shows one that inherited a lock held at fork. All servers start together, so the module
costs about one start.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tagstrip_testkit.fakecloud import FakeCloud
from tests.conftest import CERTS
from tests.e2e.conftest import MAIN, ROOT, SECRET, signed_headers, tags_of
from tests.e2e.test_startup import REFUSED, assert_refused
from tests.hostile.test_openapi import free_port

BIN = Path(sys.executable).parent
SIGNATURES = {
    "remove_tags_http": "http",
    "remove_tags_queue": "http",
    "remove_tags_event": "cloudevent",
}
#: (launcher, target) of every start; each is its own process with its own resource.
STARTS = [
    (launcher, target)
    for launcher in ("functions-framework", "gunicorn-preload", "bootstrap")
    for target in ("remove_tags_http", "remove_tags_http", "remove_tags_queue", "remove_tags_event")
]
REGION = "cn-hangzhou"
ANSWER_WITHIN = 10.0
READY_WITHIN = 60.0
#: A refused start ends once the module is imported, as fast as the platform can tell.
REFUSED_WITHIN = 20.0


@dataclass
class Start:
    """One server process and the instance whose tag its delivery removes."""

    target: str
    url: str
    instance: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self) -> str:
        """The end of the server's output, for a failure message."""
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


def _command(launcher: str, target: str, port: int) -> list[str]:
    if launcher == "functions-framework":
        return [
            str(BIN / "functions-framework"),
            f"--target={target}",
            f"--source={MAIN}",
            f"--signature-type={SIGNATURES[target]}",
            "--host=127.0.0.1",
            f"--port={port}",
        ]
    if launcher == "gunicorn-preload":
        return [
            str(BIN / "gunicorn"),
            "--preload",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--threads=8",
            "functions_framework:create_app()",
        ]
    return [str(ROOT / "functions" / "bootstrap")]


def _environment(cloud: FakeCloud, target: str, port: int) -> dict[str, str]:
    """The test's environment without its tagstrip settings, pointed at the fake cloud and
    trusting its certificate."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TAGSTRIP_")}
    return (
        env
        | cloud.environment()
        | {
            "TAGSTRIP_WEBHOOK_SECRET": SECRET,
            "TAGSTRIP_RETRIES": "0",
            "SSL_CERT_FILE": str(CERTS / "ca.pem"),
            "FUNCTION_TARGET": target,
            "FUNCTION_SOURCE": str(MAIN),
            "FUNCTION_SIGNATURE_TYPE": SIGNATURES[target],
            "PYTHON": sys.executable,
            "HOST": "127.0.0.1",
            "PORT": str(port),
        }
    )


@pytest.fixture(scope="module")
def starts(
    https_cloud_server: FakeCloud, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[int, Start]]:
    """Every start launched at once, each with a seeded instance of its own."""
    cloud = https_cloud_server
    assert cloud.url.startswith("https://")
    cloud.reset()
    instances = [f"i-bp1start{number:02d}" for number in range(len(STARTS))]
    cloud.seed(
        {
            "aliyun-ecs": {
                "resources": [
                    {"region": REGION, "id": instance, "tags": {"tmp": "x", "keep": "yes"}}
                    for instance in instances
                ]
            }
        }
    )
    logs = tmp_path_factory.mktemp("served-starts")
    launched: dict[int, Start] = {}
    try:
        for number, ((launcher, target), instance) in enumerate(
            zip(STARTS, instances, strict=True)
        ):
            port, log = free_port(), logs / f"{number:02d}-{launcher}-{target}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    _command(launcher, target, port),
                    env=_environment(cloud, target, port),
                    cwd=ROOT,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # one process group: master and workers end together
                )
            url = f"http://127.0.0.1:{port}"
            launched[number] = Start(target, url, instance, process, log)
        yield launched
    finally:
        for start in launched.values():
            _stop(start.process)
        cloud.reset()


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_until_serving(start: Start) -> None:
    """Any answer to a health check: the worker is up (a hung one still answers this)."""
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        assert start.process.poll() is None, f"the server exited:\n{start.log_tail()}"
        try:
            httpx.get(f"{start.url}/healthz", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    pytest.fail(f"no answer on {start.url} within {READY_WITHIN} s:\n{start.log_tail()}")


def _delivery(target: str, instance: str) -> tuple[bytes, dict[str, str]]:
    """The request body and headers that ask `target` to remove ``tmp`` from `instance`."""
    request = {
        "provider": "aliyun-ecs",
        "region": REGION,
        "resource_type": "instance",
        "resource_ids": [instance],
        "tags": [{"key": "tmp"}],
    }
    body = json.dumps(request).encode()
    if target == "remove_tags_http":
        return body, signed_headers(body)
    if target == "remove_tags_queue":
        message = {"data": base64.b64encode(body).decode(), "messageId": f"m-{instance}"}
        return json.dumps({"message": message, "subscription": "projects/p/s/x"}).encode(), {
            "Content-Type": "application/json"
        }
    cloud_event = {
        "ce-id": f"evt-{instance}",
        "ce-source": "//tests",
        "ce-specversion": "1.0",
        "ce-type": "tagstrip.request",
    }
    return body, {"Content-Type": "application/json", **cloud_event}


@pytest.mark.parametrize(
    "number", range(len(STARTS)), ids=[f"{launcher}-{target}" for launcher, target in STARTS]
)
def test_a_fresh_start_answers_a_real_call(
    starts: dict[int, Start], https_cloud_server: FakeCloud, number: int
) -> None:
    start = starts[number]
    _wait_until_serving(start)
    body, headers = _delivery(start.target, start.instance)
    began = time.monotonic()
    try:
        response = httpx.post(start.url, content=body, headers=headers, timeout=ANSWER_WITHIN)
    except httpx.TimeoutException:
        pytest.fail(f"no answer to a real call within {ANSWER_WITHIN} s:\n{start.log_tail()}")
    assert time.monotonic() - began < ANSWER_WITHIN
    assert response.status_code == 200, f"{response.text}\n{start.log_tail()}"
    assert tags_of(https_cloud_server, "aliyun-ecs", start.instance) == {"keep": "yes"}


@pytest.mark.parametrize("launcher", ["functions-framework", "gunicorn-preload", "bootstrap"])
def test_a_bad_setting_stops_the_start_naming_its_variable(
    fake_cloud_server: FakeCloud, tmp_path: Path, launcher: str
) -> None:
    """The server exits at boot, gunicorn's master included (it stops on the worker's exit
    status rather than forking another), instead of answering 500 to every request."""
    target, port, log = "remove_tags_http", free_port(), tmp_path / "start.log"
    environment = _environment(fake_cloud_server, target, port)
    with log.open("wb") as output:
        process = subprocess.Popen(
            _command(launcher, target, port),
            env=environment | {"TAGSTRIP_MAX_BODY_BYTES": "100"},
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        status = process.wait(timeout=REFUSED_WITHIN)
    except subprocess.TimeoutExpired:
        _stop(process)
        pytest.fail(f"still running after {REFUSED_WITHIN} s:\n{log.read_text()[-3000:]}")
    assert status == REFUSED
    assert_refused(log.read_text(encoding="utf-8"), "TAGSTRIP_MAX_BODY_BYTES")
