"""remove_tags_queue, remove_tags_event and handler() under hostile input.

Deliveries come from the platform, so a bad one is acknowledged (2xx) with the rejection
recorded, never answered 5xx (which would make the platform deliver it again forever).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tagstrip.handlers import plain
from tagstrip_testkit.fakecloud import FakeCloud
from tests.hostile.conftest import (
    FC_HEADERS,
    HOSTILE,
    MAX_BODY,
    Client,
    Journal,
    answer_json,
    any_body,
    assert_safe_text,
    edge_text,
    encode,
    json_values,
    request_like,
)

broken_base64 = (
    edge_text
    | st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode()[:-1])
    | st.sampled_from(["===", "a", "ab=c", "!!!!", "eyJ", "e30", "e30=\n", "\u0661\u0662"])
    | any_body.map(lambda v: base64.b64encode(encode(v, False)).decode())
)
pubsub = st.fixed_dictionaries(
    {
        "message": st.fixed_dictionaries({"data": broken_base64 | json_values}),
        "subscription": edge_text,
    },
    optional={"deliveryAttempt": json_values},
)
mns_topic = st.fixed_dictionaries(
    {"TopicName": json_values, "MessageId": json_values, "Message": broken_base64 | json_values}
)
mns_stream = st.fixed_dictionaries(
    {"body": broken_base64 | json_values}, optional={"attrs": json_values}
)
ATTRIBUTES = ("specversion", "id", "source", "type")
cloudevent = st.fixed_dictionaries(
    {},
    optional={
        "specversion": st.sampled_from(["1.0", "0.3", ""]) | json_values,
        "id": edge_text | json_values,
        "source": edge_text,
        "type": st.sampled_from(
            [
                "tagstrip.request",
                "mns:Queue:SendMessage",
                "google.cloud.pubsub.topic.v1.messagePublished",
                "ecs:Instance:StateChange",
            ]
        )
        | edge_text,
        "data": any_body | pubsub | st.fixed_dictionaries({"messageBody": broken_base64}),
        "data_base64": broken_base64,
        "datacontenttype": edge_text,
    },
)
deliveries = (
    any_body
    | pubsub
    | mns_topic
    | mns_stream
    | cloudevent
    | st.lists(cloudevent | request_like, min_size=1, max_size=4)
    | st.fixed_dictionaries({"cts": json_values})
)


def assert_acknowledged(response: Any, journal: Journal) -> Any:
    """2xx (or a refusal of the HTTP request itself), every event reported, no call if refused."""
    body = answer_json(response)
    assert response.status_code in (200, 405, 413), body
    if response.status_code == 200:
        statuses = {event["status"] for event in body["events"]}
        if statuses <= {"rejected", "ignored"}:
            assert not journal.grew, body
        for event in body["events"]:
            if event["status"] == "rejected":
                assert event["errors"], event
    return body


@HOSTILE
@given(
    value=deliveries,
    ascii_only=st.booleans(),
    content_type=st.sampled_from(
        [
            "application/json",
            "application/octet-stream",
            "text/plain",
            "application/cloudevents+json",
        ]
    ),
)
def test_queue_acknowledges_whatever_arrives(
    queue: Client, hostile_env: FakeCloud, value: Any, ascii_only: bool, content_type: str
) -> None:
    journal = Journal(hostile_env)
    journal.mark()
    headers = {**FC_HEADERS, "Content-Type": content_type}
    response = queue.post("/", data=encode(value, ascii_only), headers=headers)
    assert_acknowledged(response, journal)


@HOSTILE
@given(body=st.binary(max_size=300))
def test_queue_takes_arbitrary_bytes(queue: Client, hostile_env: FakeCloud, body: bytes) -> None:
    journal = Journal(hostile_env)
    journal.mark()
    response = queue.post("/", data=body, headers={"Content-Type": "application/octet-stream"})
    body_json = assert_acknowledged(response, journal)
    assert not journal.grew, body_json


header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)


@HOSTILE
@given(
    attributes=st.dictionaries(st.sampled_from(ATTRIBUTES), header_text),
    data=any_body.map(lambda v: encode(v, True)) | st.binary(max_size=100),
    content_type=st.sampled_from(["application/json", "text/plain", "application/octet-stream"]),
)
def test_queue_binary_cloudevents_missing_attributes(
    queue: Client,
    hostile_env: FakeCloud,
    attributes: dict[str, str],
    data: bytes,
    content_type: str,
) -> None:
    journal = Journal(hostile_env)
    journal.mark()
    headers = {f"ce-{name}": value for name, value in attributes.items()}
    headers |= {"ce-specversion": attributes.get("specversion", "1.0")}
    response = queue.post("/", data=data, headers={**headers, "Content-Type": content_type})
    assert_acknowledged(response, journal)


def assert_event_answer(response: Any, journal: Journal) -> None:
    """The CloudEvent target: 200 (acknowledged, rejections logged) or a 400 refusal."""
    text = response.get_data().decode("utf-8")
    assert_safe_text(text)
    assert response.status_code in (200, 400, 405, 413, 415), (response.status_code, text)
    if response.status_code >= 400:
        assert not journal.grew
        answer_json(response)


@HOSTILE
@given(
    attributes=st.dictionaries(st.sampled_from(ATTRIBUTES), header_text),
    data=any_body.map(lambda v: encode(v, True)) | st.binary(max_size=100),
    content_type=st.sampled_from(["application/json", "text/plain", "application/octet-stream"]),
)
def test_event_target_binary_cloudevents(
    events: Client,
    hostile_env: FakeCloud,
    attributes: dict[str, str],
    data: bytes,
    content_type: str,
) -> None:
    journal = Journal(hostile_env)
    journal.mark()
    headers = {f"ce-{name}": value for name, value in attributes.items()}
    response = events.post(
        "/", data=data, headers={**FC_HEADERS, **headers, "Content-Type": content_type}
    )
    assert_event_answer(response, journal)


@HOSTILE
@given(
    value=deliveries,
    content_type=st.sampled_from(
        [
            "application/cloudevents+json",
            "application/json",
            "text/plain",
            "application/octet-stream",
        ]
    ),
)
def test_event_target_structured_and_non_cloudevent_bodies(
    events: Client, hostile_env: FakeCloud, value: Any, content_type: str
) -> None:
    """Includes the FC trap: a non-CloudEvent body with FC's credential headers."""
    journal = Journal(hostile_env)
    journal.mark()
    headers = {**FC_HEADERS, "Content-Type": content_type}
    response = events.post("/", data=encode(value, True), headers=headers)
    assert_event_answer(response, journal)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_event_target_other_methods(events: Client, hostile_env: FakeCloud, method: str) -> None:
    response = events.open("/", method=method, headers=FC_HEADERS)
    assert_event_answer(response, Journal(hostile_env))


def test_oversize_deliveries_are_refused_unread(queue: Client, hostile_env: FakeCloud) -> None:
    journal = Journal(hostile_env)
    journal.mark()
    body = json.dumps([{"pad": "x" * MAX_BODY}] * 4).encode()
    response = queue.post("/", data=body, headers={"Content-Type": "application/json"})
    assert (response.status_code, answer_json(response)["error"]) == (413, "payload_too_large")
    assert not journal.grew


def test_deeply_nested_deliveries_are_rejected_not_crashed(
    queue: Client, hostile_env: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_BODY_BYTES", str(1 << 20))
    for body in (
        b"[" * 200_000,
        b'{"message": ' * 50_000,
        json.dumps({"data": [[[[[[[[[[[]]]]]]]]]]]}).encode(),
    ):
        response = queue.post("/", data=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 200, response.data[:300]
        assert answer_json(response)["events"][0]["status"] == "rejected"


http_trigger = st.fixed_dictionaries(
    {"httpMethod": json_values | st.sampled_from(["POST", "GET", "post"]), "headers": json_values},
    optional={
        "path": json_values | st.sampled_from(["/", "/healthz"]),
        "body": json_values | edge_text,
        "isBase64Encoded": json_values | st.booleans(),
        "queryParameters": json_values,
    },
)


@HOSTILE
@given(event=deliveries | http_trigger | st.binary(max_size=100) | edge_text)
def test_plain_handler_answers_or_acknowledges(hostile_env: FakeCloud, event: Any) -> None:
    """handler(event, context) never raises for bad input: the runtime would retry it."""
    journal = Journal(hostile_env)
    journal.mark()
    answer = plain.handle(event, None)
    text = json.dumps(answer)
    assert_safe_text(text)
    if "statusCode" in answer:
        assert answer["statusCode"] < 500, answer
        json.loads(answer["body"])
        if answer["statusCode"] >= 400:
            assert not journal.grew
    elif {e["status"] for e in answer["events"]} <= {"rejected", "ignored"}:
        assert not journal.grew
