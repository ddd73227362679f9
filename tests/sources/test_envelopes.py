"""`adapt_delivery`: any body the queue entry point or `handler` receives."""

from __future__ import annotations

import json

import pytest

from tagstrip.domain.outcomes import Accepted, Rejected
from tagstrip.sources.envelopes import adapt_delivery, shape_of
from tests.sources.helpers import validated

from .helpers import CANONICAL_ECS, RULES_ENV, load, paths, raw


@pytest.mark.parametrize(
    ("sample", "shape"),
    [
        ("pubsub/push-canonical.json", "pubsub"),
        ("pubsub/eventarc-native-ecs.json", "eventarc"),
        ("mns/topic-json.json", "mns-topic"),
        ("mns/topic-stream-attrs.json", "mns-stream"),
        ("eventbridge/ecs-instance-stopped.json", "lifecycle"),
        ("cts/create-server-ci.json", "cts"),
        ("canonical/aliyun-redis.json", "request"),
        ("native/huawei-ecs-tags-action.json", "request"),
        ("canonical/batch.json", "request"),
    ],
)
def test_shape_of(sample: str, shape: str) -> None:
    assert shape_of(load(sample)) == shape


def test_a_list_of_requests_is_one_event() -> None:
    [result] = validated(adapt_delivery(raw("canonical/batch.json")))
    assert isinstance(result, Accepted)
    assert (result.source, len(result.requests)) == ("request", 2)


def test_binary_cloudevent_by_headers() -> None:
    headers = {"ce-id": "b-7", "ce-source": "s", "ce-specversion": "1.0"}
    headers["ce-type"] = "tagstrip.request"
    for body in (json.dumps(CANONICAL_ECS), json.dumps(CANONICAL_ECS).encode()):
        [result] = validated(adapt_delivery(body, headers))
        assert isinstance(result, Accepted)
        assert result.event_id == "b-7"


def test_bad_binary_cloudevent_is_rejected_with_its_id() -> None:
    headers = {"ce-id": "b-8", "ce-source": "s", "ce-specversion": "1.0"}
    headers["ce-type"] = "mns:Queue:SendMessage"
    [result] = validated(adapt_delivery(b'{"messageBody": "{"}', headers))
    assert isinstance(result, Rejected)
    assert (result.source, result.event_id) == ("mns-queue", "b-8")
    assert paths(result.error) == ["data.messageBody"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe", "not UTF-8 text"),
        (b"{", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        ("\ud800", "not UTF-8 text"),
    ],
)
def test_unreadable_bodies_are_rejected_not_raised(body: bytes | str, message: str) -> None:
    [result] = validated(adapt_delivery(body))
    assert isinstance(result, Rejected)
    assert result.source == "unknown"
    assert message in result.error.errors[0].message


def test_array_with_cloudevents_is_handled_per_element() -> None:
    stopped = load("eventbridge/ecs-instance-stopped.json")
    results = validated(adapt_delivery(json.dumps([stopped, {"no": "event"}]), environ=RULES_ENV))
    assert [type(r).__name__ for r in results] == ["Accepted", "Rejected"]


def test_rejected_single_events_keep_their_id() -> None:
    body = load("cts/create-server-ci.json")
    body["cts"]["request"] = "{broken"
    [result] = validated(adapt_delivery(body, environ=RULES_ENV))
    assert isinstance(result, Rejected)
    assert (result.source, result.event_id) == ("cts", "cbdd4480-2e03-11ef-82de-cf140e2a70fb")
    assert paths(result.error) == ["cts.request"]
