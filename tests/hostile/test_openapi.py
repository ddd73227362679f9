"""The webhook's OpenAPI 3.1 contract: committed, served, and held by the live server.

schemathesis generates requests from the served document and sends them to a real
functions-framework server (a subprocess, as deployed) next to the fake cloud; every answer
must be documented (status, content type, headers, body schema) and none may be a 5xx.
Requests are sent unsigned (TAGSTRIP_ALLOW_UNSIGNED) so bodies reach the core, and as dry
runs, so the check is about input handling, not about what the provider answers (the fault
tests cover that).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.core import NotSet

from tagstrip.handlers import openapi
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import MAIN, ROOT
from tests.hostile.conftest import Client

COMMITTED = ROOT / "openapi.json"
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def test_the_committed_document_is_the_generated_one() -> None:
    generated = json.dumps(openapi.document(), indent=2, ensure_ascii=False) + "\n"
    assert COMMITTED.read_text(encoding="utf-8") == generated, "openapi.json is stale: make openapi"
    assert openapi.document()["openapi"] == "3.1.0"


def test_served_without_signature_or_cloud(webhook: Client, hostile_env: FakeCloud) -> None:
    response = webhook.get("/openapi.json")
    assert response.status_code == 200
    assert response.json == json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert webhook.post("/openapi.json").status_code == 405
    assert len(hostile_env.journal) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_webhook(fake_cloud_server: FakeCloud) -> Iterator[str]:
    """``functions-framework --target remove_tags_http`` on a free port, unsigned, dry runs."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TAGSTRIP_") or key.endswith("_ENDPOINT")
    }
    env |= fake_cloud_server.environment() | {"TAGSTRIP_ALLOW_UNSIGNED": "true"}
    command = [
        str(Path(sys.executable).with_name("functions-framework")),
        "--target=remove_tags_http",
        f"--source={MAIN}",
        "--host=127.0.0.1",
        f"--port={port}",
    ]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            pytest.fail("functions-framework did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def as_dry_run(body: Any) -> Any:
    """Requests that would reach a provider are made dry runs; anything else is left as is."""
    if isinstance(body, dict) and "provider" in body:
        return {**body, "dry_run": True}
    if isinstance(body, list):
        return [as_dry_run(item) for item in body]
    return body


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode))
def test_live_server_holds_its_contract(live_webhook: str, mode: Any) -> None:
    """Positive cases (documented requests) and negative ones (anything the schema refuses)."""
    schema = schemathesis.openapi.from_url(f"{live_webhook}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"POST /", "GET /healthz"} <= {op.label for op in operations}
    strategy = st.one_of([op.as_strategy(generation_mode=mode) for op in operations])

    @given(case=strategy)
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def holds(case: Any) -> None:
        if case.body is not None and not isinstance(case.body, NotSet):
            case.body = as_dry_run(case.body)
        case.call_and_validate(base_url=live_webhook, checks=CHECKS)

    holds()
