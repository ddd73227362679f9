"""Pub/Sub push envelopes and Eventarc MessagePublishedData."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tagstrip.domain.errors import InvalidRequest
from tagstrip.sources import pubsub
from tests.sources.helpers import admitted

from .helpers import CANONICAL_ECS, paths


def encode(payload: Any) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def envelope(data: object, **message: object) -> dict[str, Any]:
    return {"message": {"data": data, **message}, "subscription": "projects/p/subscriptions/s"}


def test_push_takes_the_message_id_in_either_casing() -> None:
    for key in ("messageId", "message_id"):
        outcome = admitted(pubsub.adapt_push(envelope(encode(CANONICAL_ECS), **{key: "42"})))
        assert outcome.source == "pubsub"
        assert outcome.event_id == "42"
        assert outcome.requests[0].resource_ids == ["i-bp1abc"]


def test_push_carries_a_list_or_a_native_request() -> None:
    batch = admitted(pubsub.adapt_push(envelope(encode([CANONICAL_ECS, CANONICAL_ECS]))))
    assert len(batch.requests) == 2
    native = {"Action": "RemoveTags", "RegionId": "cn-hangzhou", "ResourceId": "i-bp1abc"}
    native |= {"ResourceType": "instance", "Tag.1.Key": "owner"}
    assert (
        admitted(pubsub.adapt_push(envelope(encode(native)))).requests[0].provider == "aliyun-ecs"
    )


def test_eventarc_takes_the_cloudevent_id_and_locates_errors_under_data() -> None:
    outcome = admitted(pubsub.adapt_eventarc(envelope(encode(CANONICAL_ECS)), event_id="ce-1"))
    assert (outcome.source, outcome.event_id) == ("eventarc", "ce-1")
    with pytest.raises(InvalidRequest) as caught:
        admitted(pubsub.adapt_eventarc(envelope("%%%"), event_id="ce-2"))
    assert paths(caught.value) == ["data.message.data"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (envelope("not base64!"), [("message.data", "base64_invalid")]),
        (envelope(base64.b64encode(b"\xff\xfe").decode()), [("message.data", "json_invalid")]),
        (envelope(base64.b64encode(b"{oops").decode()), [("message.data", "json_invalid")]),
        (envelope(""), [("message.data", "json_invalid")]),
        (envelope(12), [("message.data", "string_type")]),
        ({"message": {}, "subscription": "s"}, [("message.data", "missing")]),
        ({"message": {"data": encode(CANONICAL_ECS)}}, [("subscription", "missing")]),
        (
            envelope(encode(CANONICAL_ECS), attributes={"a": 1}),
            [("message.attributes.a", "string_type")],
        ),
        ([], [("(root)", "model_type")]),
    ],
)
def test_malformed_envelopes_are_refused_at_the_field(
    body: object, expected: list[tuple[str, str]]
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        admitted(pubsub.adapt_push(body))
    assert [(e.path, e.type) for e in caught.value.errors] == expected


def test_errors_of_the_request_inside_are_located_in_the_envelope() -> None:
    bad = {**CANONICAL_ECS, "tags": [{"key": ""}]}
    with pytest.raises(InvalidRequest) as caught:
        admitted(pubsub.adapt_push(envelope(encode([CANONICAL_ECS, bad]))))
    assert paths(caught.value) == ["message.data.1.tags.0.key"]


def test_base64_error_messages_say_what_is_wrong() -> None:
    with pytest.raises(InvalidRequest) as caught:
        admitted(pubsub.adapt_push(envelope(base64.b64encode(b"{oops").decode())))
    assert caught.value.errors[0].message.startswith("decoded base64 is not valid JSON")
