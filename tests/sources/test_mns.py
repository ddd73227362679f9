"""Alibaba MNS topic notifications (JSON and STREAM) and queue message data."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tagstrip.domain.errors import InvalidRequest
from tagstrip.sources import mns
from tests.sources.helpers import admitted

from .helpers import CANONICAL_ECS, load, paths


def topic(message: object, **extra: object) -> dict[str, Any]:
    return {"TopicName": "tag-events", "MessageId": "M1", "Message": message, **extra}


def test_topic_ignores_attributes_given_as_extra_keys() -> None:
    outcome = admitted(
        mns.adapt_topic(topic(json.dumps(CANONICAL_ECS), owner="cmdb", PublishTime=1))
    )
    assert (outcome.source, outcome.event_id) == ("mns-topic", "M1")
    assert outcome.requests[0].tags[0].key == "owner"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (topic("{"), ["Message"]),
        (topic(CANONICAL_ECS), ["Message"]),
        ({"MessageId": "M1", "Message": "{}"}, ["TopicName"]),
        (topic(json.dumps({**CANONICAL_ECS, "region": "CN"})), ["Message.region"]),
        (topic(json.dumps(CANONICAL_ECS), PublishTime="yesterday"), ["PublishTime"]),
    ],
)
def test_topic_refusals_are_located(body: object, expected: list[str]) -> None:
    with pytest.raises(InvalidRequest) as caught:
        admitted(mns.adapt_topic(body))
    assert paths(caught.value) == expected


def test_stream_accepts_the_raw_body_as_text_or_bytes() -> None:
    text = json.dumps(CANONICAL_ECS)
    for body in (text, text.encode()):
        outcome = admitted(mns.adapt_stream(body))
        assert (outcome.source, outcome.event_id) == ("mns-stream", None)
        assert outcome.requests[0].provider == "aliyun-ecs"


def test_stream_with_attributes() -> None:
    outcome = admitted(mns.adapt_stream(load("mns/topic-stream-attrs.json")))
    assert outcome.requests[0].provider == "aliyun-redis"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"body": "nope", "attrs": {}}, ["body"]),
        ({"body": json.dumps(CANONICAL_ECS), "extra": 1}, ["extra"]),
        ("[", ["(root)"]),
    ],
)
def test_stream_refusals_are_located(body: object, expected: list[str]) -> None:
    with pytest.raises(InvalidRequest) as caught:
        admitted(mns.adapt_stream(body))
    assert paths(caught.value) == expected


def test_queue_data() -> None:
    data = {"requestId": "R", "messageId": "M", "messageBody": json.dumps(CANONICAL_ECS)}
    outcome = admitted(mns.adapt_queue_data(data, event_id="ce-9"))
    assert (outcome.source, outcome.event_id) == ("mns-queue", "ce-9")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"messageId": "M"}, ["data.messageBody"]),
        ({"messageBody": "not json"}, ["data.messageBody"]),
        ({"messageBody": json.dumps([CANONICAL_ECS, {}])}, ["data.messageBody.1.provider"]),
        ("text", ["data"]),
    ],
)
def test_queue_refusals_are_located(data: object, expected: list[str]) -> None:
    with pytest.raises(InvalidRequest) as caught:
        admitted(mns.adapt_queue_data(data, event_id=None))
    assert paths(caught.value) == expected
