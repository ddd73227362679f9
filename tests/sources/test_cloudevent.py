"""CloudEvents: structured, binary, arrays, and routing by type."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tagstrip.domain.errors import ConfigurationError, InvalidRequest
from tagstrip.domain.outcomes import Accepted, Ignored, Rejected
from tagstrip.sources import cloudevent
from tests.sources.helpers import admitted, validated

from .helpers import CANONICAL_ECS, RULES_ENV, load, paths

ATTRIBUTES = {"specversion": "1.0", "id": "e-1", "source": "test", "type": "tagstrip.request"}


def event(**changes: Any) -> dict[str, Any]:
    return {**ATTRIBUTES, "data": CANONICAL_ECS, **changes}


def test_request_type_carries_a_canonical_request() -> None:
    outcome = admitted(cloudevent.adapt_structured(event()))
    assert isinstance(outcome, Accepted)
    assert (outcome.source, outcome.event_id) == ("cloudevent", "e-1")


def test_data_base64_is_decoded_when_data_is_absent() -> None:
    encoded = base64.b64encode(json.dumps(CANONICAL_ECS).encode()).decode()
    body = {**ATTRIBUTES, "data_base64": encoded}
    assert admitted(cloudevent.adapt_structured(body)).source == "cloudevent"
    with pytest.raises(InvalidRequest) as caught:
        admitted(cloudevent.adapt_structured({**body, "data": CANONICAL_ECS}))
    assert paths(caught.value) == ["data_base64"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"data": {}}, ["specversion", "id", "source", "type"]),
        (event(specversion="0.3"), ["specversion"]),
        (event(id=""), ["id"]),
        (event(data={"provider": "aliyun-ecs"}), ["data.region", "data.resource_type"]),
        ("text", ["(root)"]),
    ],
)
def test_malformed_cloudevents_are_refused_at_the_attribute(
    body: object, expected: list[str]
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        admitted(cloudevent.adapt_structured(body))
    assert paths(caught.value)[: len(expected)] == expected


def test_functions_framework_attributes_and_data() -> None:
    sample = load("pubsub/eventarc-native-ecs.json")
    attributes = {k: v for k, v in sample.items() if k != "data"}
    outcome = admitted(cloudevent.adapt_event(attributes, sample["data"]))
    assert (outcome.source, outcome.event_id) == ("eventarc", "9147365428376531")


def test_data_still_in_bytes_is_read_as_json() -> None:
    outcome = admitted(cloudevent.adapt_event(ATTRIBUTES, json.dumps(CANONICAL_ECS).encode()))
    assert isinstance(outcome, Accepted)
    with pytest.raises(InvalidRequest) as caught:
        admitted(cloudevent.adapt_event(ATTRIBUTES, bytearray(b"\x00")))
    assert paths(caught.value) == ["data"]


def test_binary_mode_reads_ce_headers_in_any_case() -> None:
    sample = load("pubsub/eventarc-native-ecs.json")
    headers = {"Ce-Id": "b-1", "ce-source": sample["source"], "CE-SPECVERSION": "1.0"}
    headers |= {"ce-type": sample["type"], "Content-Type": "application/json"}
    outcome = admitted(cloudevent.adapt_binary(headers, json.dumps(sample["data"]).encode()))
    assert (outcome.source, outcome.event_id) == ("eventarc", "b-1")


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"ce-specversion": "1.0", "ce-source": "s", "ce-type": "tagstrip.request"}, b"{}", "id"),
        ({**{f"ce-{k}": v for k, v in ATTRIBUTES.items()}}, b"{not json", "data"),
        ({**{f"ce-{k}": v for k, v in ATTRIBUTES.items()}}, b"", "data"),
    ],
)
def test_binary_refusals(headers: dict[str, str], body: bytes, expected: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        admitted(cloudevent.adapt_binary(headers, body))
    assert paths(caught.value)[0].startswith(expected)


def test_batch_reports_each_element_and_keeps_the_good_ones() -> None:
    good = load("mns/queue-cloudevents.json")
    bad = {**good[0], "id": "bad-1", "data": {"messageBody": "{"}}
    results = validated(cloudevent.adapt_batch([good[0], bad, 7, good[1]]))
    assert [type(r).__name__ for r in results] == ["Accepted", "Rejected", "Rejected", "Accepted"]
    rejected = results[1]
    assert isinstance(rejected, Rejected)
    assert (rejected.source, rejected.event_id) == ("mns-queue", "bad-1")
    assert paths(rejected.error) == ["1.data.messageBody"]
    assert isinstance(results[2], Rejected)
    assert results[2].source == "unknown"


@pytest.mark.parametrize("body", [[], {}, "[]"])
def test_batch_must_be_a_non_empty_array(body: object) -> None:
    with pytest.raises(InvalidRequest):
        validated(cloudevent.adapt_batch(body))


def test_other_types_are_lifecycle_events() -> None:
    stopped = load("eventbridge/ecs-instance-stopped.json")
    assert isinstance(admitted(cloudevent.adapt_structured(stopped, environ=RULES_ENV)), Accepted)
    running = load("eventbridge/ecs-instance-running.json")
    assert isinstance(admitted(cloudevent.adapt_structured(running, environ=RULES_ENV)), Ignored)


def test_lifecycle_event_without_rules_names_the_variable() -> None:
    with pytest.raises(ConfigurationError) as caught:
        admitted(
            cloudevent.adapt_structured(load("eventbridge/ecs-instance-stopped.json"), environ={})
        )
    assert caught.value.variable == "TAGSTRIP_RULES"
    assert "TAGSTRIP_RULES" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"type": "tagstrip.request"}, "cloudevent"),
        ({"type": "google.cloud.pubsub.topic.v1.messagePublished"}, "eventarc"),
        ({"type": "mns:Queue:SendMessage"}, "mns-queue"),
        ({"type": "ecs:Instance:StateChange"}, "lifecycle"),
        ({"type": 3}, "unknown"),
        ([], "unknown"),
    ],
)
def test_source_of(body: object, expected: str) -> None:
    assert cloudevent.source_of(body) == expected


@pytest.mark.parametrize("mode", ["binary", "structured"])
def test_what_the_cloudevents_sdk_hands_functions_framework(mode: str) -> None:
    from cloudevents.http import from_http

    sample = load("eventbridge/ecs-instance-stopped.json")
    if mode == "structured":
        headers = {"Content-Type": "application/cloudevents+json"}
        body = json.dumps(sample).encode()
    else:
        attributes = {k: v for k, v in sample.items() if k not in ("data", "datacontenttype")}
        headers = {f"ce-{k}": v for k, v in attributes.items()}
        headers["Content-Type"] = sample["datacontenttype"]
        body = json.dumps(sample["data"]).encode()
    received = from_http(headers, body)
    outcome = admitted(
        cloudevent.adapt_event(received.get_attributes(), received.data, environ=RULES_ENV)
    )
    assert isinstance(outcome, Accepted)
    assert outcome.matched == ("ecs-stopped-drop-on-call",)
