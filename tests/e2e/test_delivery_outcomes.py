"""What each target answers when calls fail, end to end: redelivery follows the worst failure.

One request reaches three resources of the fake cloud: one always throttled, one that is
fine, one whose vendor refuses tags for good. Any call that failed in a way a retry may fix
(or was not sent before the deadline) makes every target ask for the delivery again, however
much else succeeded or failed for good; only permanent failures are acknowledged. A resend of
a signed webhook delivery while the first is still running is told to come back (409), and
is carried out once the first has released its claim.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from tagstrip.handlers.flows import DeliverAgain
from tagstrip.runtime.settings import reset_settings
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import Client, load_event, signed_headers
from tests.e2e.test_faults import binary_event, pubsub_push, wait_for_stalled_requests

THROTTLED, FINE, REFUSING = "i-bp1abc", "i-bp1def", "i-bp1ro"
#: Each situation: the resources of the request, and what each target answers.
SITUATIONS: dict[str, tuple[list[str], dict[str, str]]] = {
    "retryable, permanent and done": (
        [THROTTLED, FINE, REFUSING],
        {"http": "503", "queue": "503", "event": "redelivered", "handler": "redelivered"},
    ),
    "permanent and done": (
        [FINE, REFUSING],
        {"http": "207", "queue": "200", "event": "acknowledged", "handler": "acknowledged"},
    ),
    "all permanent": (
        [REFUSING],
        {"http": "502", "queue": "200", "event": "acknowledged", "handler": "acknowledged"},
    ),
}

Send = Callable[[dict[str, Any]], str]


def request_for(resource_ids: list[str], **fields: Any) -> dict[str, Any]:
    """RemoveTags (the 2018 profile): one call per resource, so each fails on its own."""
    return {
        "provider": "aliyun-ecs",
        "api_profile": "remove-tags-2018",
        "region": "cn-hangzhou",
        "resource_type": "instance",
        "resource_ids": resource_ids,
        "tags": [{"key": "env"}],
        **fields,
    }


@pytest.fixture
def refusing(cloud: FakeCloud) -> FakeCloud:
    """The seeded cloud plus an instance the vendor refuses to untag (a permanent error)."""
    resource = {"region": "cn-hangzhou", "id": REFUSING, "type": "instance", "taggable": False}
    # One page per read (the seed's five would make the selector's read stall once a page).
    ecs = {"list_page_size": 50, "resources": [{**resource, "tags": {"env": "prod"}}]}
    cloud.seed({"aliyun-ecs": ecs})
    return cloud


@pytest.fixture
def senders(
    post_signed: Any, queue_client: Client, event_client: Client, main: Any
) -> dict[str, Send]:
    """Deliver a request through each target; say what its platform would make of the answer."""

    def answered(response: Any) -> str:
        if response.status_code == 503:
            assert int(response.headers["Retry-After"]) >= 1
        return str(response.status_code)

    def event(request: dict[str, Any]) -> str:
        response = event_client.post("/", data=json.dumps(request), headers=binary_event("e-1"))
        if response.status_code == 500:
            assert response.json["error"] == "deliver_again", response.json
            return "redelivered"
        assert response.status_code == 200, response.json
        return "acknowledged"

    def handler(request: dict[str, Any]) -> str:
        try:
            main.handler(pubsub_push(request, "m-handler"), None)
        except DeliverAgain:
            return "redelivered"
        return "acknowledged"

    return {
        "http": lambda request: answered(post_signed(request)),
        "queue": lambda request: answered(
            queue_client.post("/", json=pubsub_push(request, "m-queue"))
        ),
        "event": event,
        "handler": handler,
    }


def _results(payload: dict[str, Any]) -> list[dict[str, Any]]:
    events = payload.get("events", [payload])
    return [result for event in events for result in event["results"]]


@pytest.mark.parametrize("target", ["http", "queue", "event", "handler"])
def test_the_worst_failure_decides_redelivery(
    refusing: FakeCloud, senders: dict[str, Send], target: str
) -> None:
    refusing.faults.throttle("aliyun-ecs", resource_id=THROTTLED)
    answers = {
        situation: senders[target](request_for(resource_ids))
        for situation, (resource_ids, _) in SITUATIONS.items()
    }
    assert answers == {
        situation: expected[target] for situation, (_, expected) in SITUATIONS.items()
    }


def test_every_call_is_listed_whatever_the_answer(refusing: FakeCloud, post_signed: Any) -> None:
    refusing.faults.throttle("aliyun-ecs", resource_id=THROTTLED)
    response = post_signed(request_for([THROTTLED, FINE, REFUSING]))
    assert response.status_code == 503, response.json
    [result] = response.json["results"]
    outcomes = {
        call["resource_ids"][0]: (call["outcome"], call["retryable"]) for call in result["calls"]
    }
    assert outcomes == {
        THROTTLED: ("failed", True),
        FINE: ("removed", False),
        REFUSING: ("failed", False),
    }
    assert (result["status"], result["retryable"]) == ("partial", True)


@pytest.fixture
def short_deadline(refusing: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> FakeCloud:
    """Two seconds for all calls of a request, sent one at a time."""
    monkeypatch.setenv("TAGSTRIP_DEADLINE", "2")
    monkeypatch.setenv("TAGSTRIP_CONCURRENCY", "1")
    reset_settings()
    return refusing


def assert_not_sent_is_retryable(result: dict[str, Any]) -> None:
    by_resource = {
        call["resource_ids"][0]: call
        for call in result["calls"]
        if call["operation"] == "RemoveTags"
    }
    assert (by_resource[REFUSING]["outcome"], by_resource[REFUSING]["retryable"]) == (
        "failed",
        False,
    )
    assert (by_resource[THROTTLED]["outcome"], by_resource[THROTTLED]["retryable"]) == (
        "failed",
        True,
    )
    unsent = by_resource[FINE]
    assert (unsent["outcome"], unsent["retryable"], unsent["attempts"]) == ("failed", True, 0)
    assert "not sent" in unsent["error_message"]


def test_calls_not_sent_before_the_deadline_are_redelivered(
    short_deadline: FakeCloud, post_signed: Any
) -> None:
    """Refused for good, then a stall that eats the deadline, then a call never sent."""
    short_deadline.faults.latency(3.0, "aliyun-ecs", resource_id=THROTTLED, times=1)
    response = post_signed(request_for([REFUSING, THROTTLED, FINE]))
    assert response.status_code == 503, response.json
    assert_not_sent_is_retryable(response.json["results"][0])
    wait_for_stalled_requests(short_deadline, expected=2)


def test_writes_not_sent_after_a_selector_read_are_redelivered(
    short_deadline: FakeCloud, queue_client: Client
) -> None:
    """The read succeeds slowly; the writes then run out of time after a permanent failure."""
    short_deadline.faults.latency(1.2, "aliyun-ecs", resource_id=THROTTLED)
    request = request_for([REFUSING, THROTTLED, FINE], tags=[], selector={"key_glob": "env"})
    response = queue_client.post("/", json=pubsub_push(request, "m-selector"))
    assert response.status_code == 503, response.json
    [result] = _results(response.json)
    assert result["calls"][0]["outcome"] == "read"
    assert_not_sent_is_retryable(result)
    wait_for_stalled_requests(short_deadline, expected=3)


class InFlight:
    """A signed delivery whose first sending stalls on the fake cloud, run in another thread,
    and the same bytes resent from this one."""

    def __init__(self, client: Client, cloud: FakeCloud) -> None:
        self.client, self.cloud = client, cloud
        self.body = json.dumps(load_event("canonical/huawei-ecs.json")).encode()
        self.headers = signed_headers(self.body)

    def send(self) -> Any:
        return self.client.application.test_client().post("/", data=self.body, headers=self.headers)

    def start(self, pool: ThreadPoolExecutor) -> Future[Any]:
        """Send it in `pool` and return once the fake cloud holds it stalled."""
        stall = self.cloud.faults.latency(1.0, "huawei-ecs", times=1)
        first = pool.submit(self.send)
        until = time.monotonic() + 5
        while stall.hits == 0 and time.monotonic() < until:
            time.sleep(0.01)
        assert stall.hits == 1, "the first sending never reached the fake cloud"
        return first


def assert_come_back_later(response: Any) -> None:
    assert (response.status_code, response.json["error"]) == (409, "in_flight"), response.json
    assert int(response.headers["Retry-After"]) >= 1


def test_a_resend_while_the_first_runs_is_409_then_carried_out_once_the_first_failed(
    webhook_client: Client, cloud: FakeCloud
) -> None:
    delivery = InFlight(webhook_client, cloud)
    cloud.faults.throttle("huawei-ecs")
    with ThreadPoolExecutor(1) as pool:
        first = delivery.start(pool)
        assert_come_back_later(delivery.send())
        assert first.result(timeout=10).status_code == 503
    cloud.faults.clear()
    later = delivery.send()
    assert (later.status_code, later.json["status"]) == (200, "ok"), later.json
    again = delivery.send()
    assert (again.status_code, again.json["status"]) == (200, "duplicate")


def test_a_resend_while_the_first_runs_is_409_then_a_duplicate_once_it_is_done(
    webhook_client: Client, cloud: FakeCloud
) -> None:
    delivery = InFlight(webhook_client, cloud)
    with ThreadPoolExecutor(1) as pool:
        first = delivery.start(pool)
        assert_come_back_later(delivery.send())
        done = first.result(timeout=10)
        assert (done.status_code, done.json["status"]) == (200, "ok"), done.json
    later = delivery.send()
    assert (later.status_code, later.json["status"]) == (200, "duplicate")
    assert len(cloud.journal) == 1
