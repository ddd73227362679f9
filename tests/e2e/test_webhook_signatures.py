"""Webhook signatures end to end: missing, malformed, wrong, stale, replayed, rotated.

Every refusal is a 401 with a stable reason, says nothing secret, and makes no call.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from tagstrip.runtime.settings import reset_settings
from tagstrip.sources.webhook_auth import sign
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import SECRET, Client, load_event

BODY = json.dumps(load_event("canonical/aliyun-ecs-snapshot.json")).encode()
NEW_SECRET = "whsec-rotated-in-2468"


def hub(secret: str, body: bytes = BODY) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(client: Client, body: bytes = BODY, **headers: str) -> Any:
    return client.post("/", data=body, headers={"Content-Type": "application/json", **headers})


def now() -> int:
    return int(time.time())


#: Headers built when the test runs (the timestamps must be fresh), and the reason expected.
REFUSALS: dict[str, tuple[Callable[[], dict[str, str]], str]] = {
    "missing": (dict, "missing"),
    "malformed tagstrip": (lambda: {"X-Tagstrip-Signature": "v1=abc"}, "malformed"),
    "malformed timestamp": (
        lambda: {"X-Tagstrip-Signature": f"t=soon,v1={'a' * 64}"},
        "malformed",
    ),
    "malformed hub": (lambda: {"X-Hub-Signature-256": "sha1=" + "a" * 40}, "malformed"),
    "wrong secret": (lambda: {"X-Tagstrip-Signature": sign("not-it", BODY, now())}, "bad"),
    "wrong body": (lambda: {"X-Tagstrip-Signature": sign(SECRET, BODY + b" ", now())}, "bad"),
    "wrong hub": (lambda: {"X-Hub-Signature-256": hub("not-the-secret")}, "bad"),
    "wrong jira": (lambda: {"X-Hub-Signature": hub("not-the-secret")}, "bad"),
    "stale": (lambda: {"X-Tagstrip-Signature": sign(SECRET, BODY, now() - 301)}, "stale"),
    "future": (lambda: {"X-Tagstrip-Signature": sign(SECRET, BODY, now() + 301)}, "future"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refused(webhook_client: Client, cloud: FakeCloud, case: str) -> None:
    headers, reason = REFUSALS[case]
    response = post(webhook_client, **headers())
    assert (response.status_code, response.json["reason"]) == (401, reason), response.json
    assert SECRET not in response.get_data(as_text=True)
    assert len(cloud.journal) == 0


@pytest.mark.parametrize(
    "header",
    [
        lambda: {"X-Tagstrip-Signature": sign(SECRET, BODY, now())},
        lambda: {"X-Hub-Signature-256": hub(SECRET)},
        lambda: {"X-Hub-Signature": hub(SECRET)},
    ],
    ids=["tagstrip", "hub-256", "jira"],
)
def test_accepted(webhook_client: Client, cloud: FakeCloud, header: Any) -> None:
    response = post(webhook_client, **header())
    assert (response.status_code, response.json["status"]) == (200, "ok"), response.json


def test_a_replayed_request_is_acted_on_once(webhook_client: Client, cloud: FakeCloud) -> None:
    """Within the window the same signed request is a duplicate; past it, it is stale."""
    headers = {"X-Tagstrip-Signature": sign(SECRET, BODY, now())}
    assert post(webhook_client, **headers).json["status"] == "ok"
    replay = post(webhook_client, **headers)
    assert (replay.status_code, replay.json["status"]) == (200, "duplicate")
    assert len(cloud.journal) == 1


def test_a_redelivered_jira_webhook_is_acted_on_once(
    webhook_client: Client, cloud: FakeCloud
) -> None:
    headers = {"X-Hub-Signature": hub(SECRET), "X-Atlassian-Webhook-Identifier": "jira-7"}
    assert post(webhook_client, **headers).json["status"] == "ok"
    assert post(webhook_client, **headers).json["status"] == "duplicate"
    assert len(cloud.journal) == 1


def test_a_captured_request_replayed_with_a_new_identifier_is_a_duplicate(
    webhook_client: Client, cloud: FakeCloud
) -> None:
    """The identifier header is signed by nothing: changing it must not make a replay new."""
    captured = {"X-Tagstrip-Signature": sign(SECRET, BODY, now())}
    first = post(webhook_client, **captured, **{"X-Atlassian-Webhook-Identifier": "id-1"})
    assert first.json["status"] == "ok"
    replay = post(webhook_client, **captured, **{"X-Atlassian-Webhook-Identifier": "id-2"})
    assert (replay.status_code, replay.json["status"]) == (200, "duplicate")
    assert len(cloud.journal) == 1


@pytest.mark.parametrize("header", ["X-Hub-Signature-256", "X-Hub-Signature"])
def test_a_hub_signed_body_sent_again_is_a_duplicate(
    webhook_client: Client, cloud: FakeCloud, header: str
) -> None:
    """Hub signatures carry no timestamp: the same body within the dedup window is a resend."""
    assert post(webhook_client, **{header: hub(SECRET)}).json["status"] == "ok"
    again = post(webhook_client, **{header: hub(SECRET), "X-Atlassian-Webhook-Identifier": "new"})
    assert (again.status_code, again.json["status"]) == (200, "duplicate")
    assert len(cloud.journal) == 1


def test_rotation(
    webhook_client: Client, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New secret first, old second: both verify; once the old is removed it is refused."""
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_SECRET", f"{NEW_SECRET},{SECRET}")
    for name, secret in (("new", NEW_SECRET), ("old", SECRET)):
        body = json.dumps({**load_event("canonical/huawei-ecs.json"), "id": name}).encode()
        response = post(webhook_client, body, **{"X-Hub-Signature-256": hub(secret, body)})
        assert response.status_code == 200, response.json
    monkeypatch.setenv("TAGSTRIP_WEBHOOK_SECRET", NEW_SECRET)
    reset_settings()  # a warm function keeps its settings; a new one reads the change
    response = post(webhook_client, **{"X-Tagstrip-Signature": sign(SECRET, BODY, now())})
    assert (response.status_code, response.json["reason"]) == (401, "bad")
    response = post(webhook_client, **{"X-Tagstrip-Signature": sign(NEW_SECRET, BODY, now())})
    assert response.status_code == 200, response.json
