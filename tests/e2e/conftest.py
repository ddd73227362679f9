"""The real functions-framework app of functions/main.py, one per target, against the fake cloud."""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flask.testing
import functions_framework
import pytest

from tagstrip.sources.webhook_auth import DELIVERIES, sign
from tagstrip_testkit.fakecloud import FakeCloud

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "functions" / "main.py"
EVENTS = ROOT / "events"
SECRET = "whsec-test-0123456789"

Client = flask.testing.FlaskClient


def app_client(target: str, signature_type: str) -> Client:
    app = functions_framework.create_app(target, str(MAIN), signature_type)
    app.config["TESTING"] = False  # errors must go through the app's handlers, as deployed
    return app.test_client()


def load_event(relative: str) -> Any:
    return json.loads((EVENTS / relative).read_text(encoding="utf-8"))


def signed_headers(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Tagstrip-Signature": sign(secret, body, int(time.time())),
    }


@pytest.fixture
def cloud(seeded_cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> FakeCloud:
    """The seeded fake cloud, fast retries, and a webhook secret."""
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("TAGSTRIP_BACKOFF", "0.01")
    monkeypatch.setenv("TAGSTRIP_MAX_BACKOFF", "0.05")
    monkeypatch.setenv("TAGSTRIP_RETRIES", "2")
    monkeypatch.setenv("TAGSTRIP_RULES", str(EVENTS / "rules.yaml"))
    # Each test is a new sender: deliveries seen by earlier tests are not duplicates here.
    DELIVERIES.reset()
    return seeded_cloud


@pytest.fixture
def main(monkeypatch: pytest.MonkeyPatch) -> Any:
    """functions/main.py as a Python runtime imports it (Baidu CFC, FC's Python runtime):
    no functions-framework app around, for handler(event, context). It reads its settings
    then: a test's environment is set up before this fixture."""
    monkeypatch.setattr(
        functions_framework, "errorhandler", functions_framework.DummyErrorHandler()
    )
    spec = importlib.util.spec_from_file_location("tagstrip_main_as_imported", MAIN)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def webhook_client() -> Client:
    return app_client("remove_tags_http", "http")


@pytest.fixture(scope="session")
def queue_client() -> Client:
    return app_client("remove_tags_queue", "http")


@pytest.fixture(scope="session")
def event_client() -> Client:
    return app_client("remove_tags_event", "cloudevent")


@pytest.fixture
def post_signed(webhook_client: Client) -> Callable[..., Any]:
    def post(payload: Any, **headers: str) -> Any:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return webhook_client.post("/", data=body, headers={**signed_headers(body), **headers})

    return post


def tags_of(cloud: FakeCloud, provider: str, resource_id: str) -> dict[str, str]:
    """A resource's current tags, read from the fake cloud's state."""
    state = cloud.state()[provider]
    entries = state.get("resources") or state.get("servers") or []
    [entry] = [e for e in entries if e.get("id", e.get("arn")) == resource_id]
    return dict(entry["tags"])
