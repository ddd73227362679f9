"""Provider faults end to end: the fake cloud throttles, fails, stalls and drops connections.

What must hold: a retried call succeeds once; exhausted retries are reported per resource;
a transient failure makes the platform deliver the event again (503 from the queue target,
an exception from the CloudEvent target and handler()) and the redelivery succeeds with no
tag removed twice (read from the fake cloud's journal); a permanent error is not retried;
the function answers within its deadline; a dry run makes no call at all.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import time
from collections import Counter
from typing import Any

import functions_framework
import pytest

from tagstrip.handlers.flows import DeliverAgain
from tagstrip.runtime.settings import reset_settings
from tagstrip_testkit.fakecloud import FakeCloud, JournalEntry
from tests.e2e.conftest import MAIN, Client, load_event, signed_headers, tags_of

SAMPLES = {
    "aliyun-ecs": "canonical/aliyun-ecs-snapshot.json",
    "aliyun-redis": "canonical/aliyun-redis.json",
    "huawei-ecs": "canonical/huawei-ecs.json",
    "baidu-tag": "canonical/baidu-tag.json",
}
FAULTS = ("throttle", "server_error", "drop")


def removals(cloud: FakeCloud) -> Counter[tuple[str, str, str]]:
    """Every (provider, resource, key) the fake cloud actually removed, counted."""
    counted: Counter[tuple[str, str, str]] = Counter()
    for entry in cloud.journal.entries():
        counted.update(_removed(entry))
    return counted


def _removed(entry: JournalEntry) -> list[tuple[str, str, str]]:
    provider, result = entry.provider or "?", entry.result
    if isinstance(result, list):  # baidu-tag: (key, value) pairs deleted account-wide
        return [(provider, "", str(pair[0])) for pair in result]
    if not isinstance(result, dict):
        return []
    if result and all(isinstance(v, dict) for v in result.values()):  # per resource
        return [(provider, rid, key) for rid, tags in result.items() for key in tags]
    return [(provider, entry.resource_ids[0], key) for key in result]


def assert_removed_once(cloud: FakeCloud) -> None:
    twice = {item: n for item, n in removals(cloud).items() if n > 1}
    assert not twice, f"removed more than once: {twice}"


def pubsub_push(request: Any, message_id: str) -> dict[str, Any]:
    data = base64.b64encode(json.dumps(request).encode()).decode()
    return {"message": {"data": data, "messageId": message_id}, "subscription": "projects/p/s/x"}


def inject(cloud: FakeCloud, kind: str, provider: str, **kwargs: Any) -> None:
    getattr(cloud.faults, kind)(provider, **kwargs)


@pytest.mark.usefixtures("allow_account_scope")
@pytest.mark.parametrize("kind", FAULTS)
@pytest.mark.parametrize("provider", sorted(SAMPLES))
def test_a_transient_fault_is_retried_and_the_call_succeeds_once(
    post_signed: Any, cloud: FakeCloud, provider: str, kind: str
) -> None:
    inject(cloud, kind, provider, times=1)
    response = post_signed(load_event(SAMPLES[provider]))
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    assert result["status"] == "ok"
    assert [call["attempts"] for call in result["calls"]] == [2] * len(result["calls"])
    outcomes = Counter(e.outcome for e in cloud.journal.entries(provider=provider))
    assert outcomes == {"ok": len(result["calls"]), "dropped" if kind == "drop" else "fault": 1}
    assert removals(cloud)
    assert_removed_once(cloud)


def test_exhausted_retries_are_reported_per_resource(post_signed: Any, cloud: FakeCloud) -> None:
    """Two resources, two calls each (7 tags, 5 a call); one resource always fails: 503, the
    successes listed too."""
    cloud.faults.server_error("aliyun-ecs", resource_id="i-bp1def", status=503)
    response = post_signed(load_event("canonical/aliyun-ecs-2018-profile.json"))
    assert response.status_code == 503, response.json
    calls = response.json["results"][0]["calls"]
    failed = [c for c in calls if c["resource_ids"] == ["i-bp1def"]]
    done = [c for c in calls if c["resource_ids"] == ["i-bp1abc"]]
    assert [c["outcome"] for c in done] == ["removed", "removed"]
    assert [c["attempts"] for c in done] == [1, 1]
    assert [(c["outcome"], c["attempts"], c["retryable"]) for c in failed] == [
        ("failed", 3, True),  # TAGSTRIP_RETRIES=2: three attempts, then reported
        ("failed", 3, True),
    ]
    assert all(c["http_status"] == 503 and c["retry_after"] > 0 for c in failed)
    assert "env" not in tags_of(cloud, "aliyun-ecs", "i-bp1abc")
    assert "env" in tags_of(cloud, "aliyun-ecs", "i-bp1def")


def test_a_permanent_error_is_not_retried_nor_redelivered(
    queue_client: Client, cloud: FakeCloud
) -> None:
    request = {
        **load_event("canonical/aliyun-ecs-snapshot.json"),
        "region": "cn-beijing",
        "resource_type": "image",
        "resource_ids": ["m-2zeimage"],
    }
    response = queue_client.post("/", json=pubsub_push(request, "m-permanent"))
    assert response.status_code == 200, response.json  # acknowledged: retrying cannot help
    [event] = response.json["events"]
    call = event["results"][0]["calls"][0]
    assert (event["status"], call["attempts"], call["retryable"]) == ("failed", 1, False)
    assert len(cloud.journal) == 1


def test_queue_redelivery_after_a_transient_failure_removes_nothing_twice(
    queue_client: Client, cloud: FakeCloud
) -> None:
    """First delivery: i-bp1def's first call fails three times, the rest succeeds: 503.
    Redelivery: every call is sent again; the fake cloud removes only what is left."""
    cloud.faults.server_error("aliyun-ecs", resource_id="i-bp1def", times=3)
    request = load_event("canonical/aliyun-ecs-2018-profile.json")
    first = queue_client.post("/", json=pubsub_push(request, "m-redeliver"))
    assert first.status_code == 503, first.json
    assert int(first.headers["Retry-After"]) >= 1
    assert first.json["events"][0]["status"] == "partial"
    again = queue_client.post("/", json=pubsub_push(request, "m-redeliver"))
    assert again.status_code == 200, again.json
    assert again.json["events"][0]["status"] == "ok"
    assert tags_of(cloud, "aliyun-ecs", "i-bp1abc") == {"keep": "yes"}
    assert tags_of(cloud, "aliyun-ecs", "i-bp1def") == {"owner": "team-b", "keep": "yes"}
    assert_removed_once(cloud)
    assert len(removals(cloud)) == 7 + 2  # owner=team-a is not the value i-bp1def carries


def binary_event(event_id: str) -> dict[str, str]:
    return {
        "ce-id": event_id,
        "ce-source": "//tests/faults",
        "ce-specversion": "1.0",
        "ce-type": "tagstrip.request",
        "Content-Type": "application/json",
    }


def test_cloudevent_transient_failure_raises_then_redelivery_succeeds_once(
    event_client: Client, cloud: FakeCloud
) -> None:
    cloud.faults.throttle("huawei-ecs", times=3)
    data = json.dumps(load_event("canonical/huawei-ecs.json"))
    first = event_client.post("/", data=data, headers=binary_event("evt-faults-1"))
    assert first.status_code == 500  # what the platform sees: deliver it again
    assert first.json["error"] == "deliver_again"
    assert "evt-faults-1" in first.json["message"]
    again = event_client.post("/", data=data, headers=binary_event("evt-faults-1"))
    assert again.status_code == 200
    assert "key1" not in tags_of(cloud, "huawei-ecs", "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8")
    assert_removed_once(cloud)


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Any:
    """handler(event, context) as a Python runtime imports functions/main.py, which reads its
    settings then: a test's environment is set up before this fixture."""
    monkeypatch.setattr(
        functions_framework, "errorhandler", functions_framework.DummyErrorHandler()
    )
    spec = importlib.util.spec_from_file_location("tagstrip_main_for_faults", MAIN)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def test_plain_handler_raises_for_redelivery_then_succeeds_once(
    cloud: FakeCloud, handler: Any
) -> None:
    cloud.faults.drop("aliyun-redis", times=3)
    event = pubsub_push(load_event("canonical/aliyun-redis.json"), "m-plain")
    with pytest.raises(DeliverAgain):
        handler(event, None)
    assert handler(event, None)["events"][0]["status"] == "ok"
    assert tags_of(cloud, "aliyun-redis", "r-bp1zxszhcgatnx").keys().isdisjoint({"project"})
    assert_removed_once(cloud)


def test_the_function_answers_within_its_deadline(
    post_signed: Any,
    queue_client: Client,
    cloud: FakeCloud,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A provider that never answers in time: 503 (worth retrying) soon after the deadline."""
    monkeypatch.setenv("TAGSTRIP_DEADLINE", "1")
    reset_settings()
    cloud.faults.latency(3.0, "huawei-ecs")
    started = time.monotonic()
    response = post_signed(load_event("canonical/huawei-ecs.json"))
    webhook_took = time.monotonic() - started
    started = time.monotonic()
    queued = queue_client.post("/", json=pubsub_push(load_event("canonical/huawei-ecs.json"), "m"))
    queue_took = time.monotonic() - started
    assert (response.status_code, queued.status_code) == (503, 503), response.json
    call = response.json["results"][0]["calls"][0]
    assert (call["outcome"], call["retryable"]) == ("failed", True)
    assert webhook_took < 2.5  # the deadline (1 s) and some slack, not the stall (3 s)
    assert queue_took < 2.5
    cloud.faults.clear()
    wait_for_stalled_requests(cloud, expected=2)


def wait_for_stalled_requests(cloud: FakeCloud, expected: int) -> None:
    """Stalled requests finish later on the fake cloud; let them, so no later test sees them."""
    until = time.monotonic() + 5
    while len(cloud.journal) < expected and time.monotonic() < until:
        time.sleep(0.05)


def test_a_dry_run_makes_no_call_on_any_entry_point(
    post_signed: Any,
    queue_client: Client,
    event_client: Client,
    cloud: FakeCloud,
    handler: Any,
) -> None:
    names = [
        *SAMPLES.values(),
        "canonical/aliyun-ecs-2018-profile.json",
        "native/baidu-tag-delete.json",
    ]
    requests = [{**load_event(name), "dry_run": True} for name in names]
    assert post_signed(requests).json["status"] == "dry_run"
    queued = queue_client.post("/", json=pubsub_push(requests, "m-dry"))
    assert queued.json["events"][0]["status"] == "dry_run"
    evented = event_client.post("/", data=json.dumps(requests), headers=binary_event("e-dry"))
    assert evented.status_code == 200
    assert handler(requests, None)["events"][0]["status"] == "dry_run"
    assert len(cloud.journal) == 0


def test_a_failed_webhook_delivery_is_not_a_duplicate_when_the_sender_retries(
    webhook_client: Client, cloud: FakeCloud
) -> None:
    cloud.faults.throttle("huawei-ecs")
    body = json.dumps(load_event("canonical/huawei-ecs.json")).encode()
    headers = signed_headers(body)
    assert webhook_client.post("/", data=body, headers=headers).status_code == 503
    cloud.faults.clear()
    retried = webhook_client.post("/", data=body, headers=headers)
    assert (retried.status_code, retried.json["status"]) == (200, "ok")
    duplicate = webhook_client.post("/", data=body, headers=headers)
    assert (duplicate.status_code, duplicate.json["status"]) == (200, "duplicate")
    assert_removed_once(cloud)


def test_a_partly_failed_webhook_delivery_is_not_a_duplicate_when_resent(
    webhook_client: Client, cloud: FakeCloud
) -> None:
    """Partly done, the rest retryable (503): the sender resends the same signed request, and
    it must be carried out, not dropped as a duplicate (found by bench/load.py --retries 0)."""
    cloud.faults.server_error("aliyun-ecs", resource_id="i-bp1def", times=6)
    body = json.dumps(load_event("canonical/aliyun-ecs-2018-profile.json")).encode()
    headers = signed_headers(body)
    first = webhook_client.post("/", data=body, headers=headers)
    assert first.status_code == 503, first.json
    assert first.json["status"] == "partial"
    assert first.json["results"][0]["retryable"] is True
    again = webhook_client.post("/", data=body, headers=headers)
    assert (again.status_code, again.json["status"]) == (200, "ok"), again.json
    assert tags_of(cloud, "aliyun-ecs", "i-bp1def") == {"owner": "team-b", "keep": "yes"}
    assert_removed_once(cloud)
