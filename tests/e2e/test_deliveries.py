"""remove_tags_queue, remove_tags_event and handler(): delivery semantics end to end."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tagstrip.handlers.flows import DeliverAgain
from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import Client, load_event, signed_headers, tags_of


def post_json(client: Client, payload: Any, **kwargs: Any) -> Any:
    return client.post(
        "/", data=json.dumps(payload), **{"content_type": "application/json", **kwargs}
    )


def pubsub_push(request: Any, message_id: str = "m-1") -> dict[str, Any]:
    data = base64.b64encode(json.dumps(request).encode()).decode()
    return {"message": {"data": data, "messageId": message_id}, "subscription": "projects/p/s/x"}


# --- remove_tags_queue -----------------------------------------------------------------


def test_pubsub_push_is_carried_out_and_acknowledged(
    queue_client: Client, cloud: FakeCloud
) -> None:
    response = post_json(queue_client, load_event("pubsub/push-batch.json"))
    assert response.status_code == 200, response.json
    [event] = response.json["events"]
    assert event["status"] == "ok"
    assert event["event_id"] == "2070443601311541"
    assert "owner" not in tags_of(cloud, "aliyun-ecs", "i-bp1abc")
    assert "project" not in tags_of(cloud, "aliyun-redis", "r-bp1zxszhcgatnx")


def test_fc_invoke_posts_cloudevents_as_octet_stream(
    queue_client: Client, cloud: FakeCloud
) -> None:
    body = json.dumps(load_event("mns/queue-cloudevents.json"))
    response = queue_client.post("/invoke", data=body, content_type="application/octet-stream")
    assert response.status_code == 200, response.json
    assert len(response.json["events"]) == len(load_event("mns/queue-cloudevents.json"))
    assert all(e["status"] in ("ok", "rejected", "ignored") for e in response.json["events"])
    assert len(cloud.journal) >= 1


def test_lifecycle_event_matched_by_rules(queue_client: Client, cloud: FakeCloud) -> None:
    before = tags_of(cloud, "aliyun-ecs", "i-bp1abc")
    assert before["env"] == "staging"
    response = post_json(queue_client, load_event("eventbridge/ecs-instance-stopped.json"))
    assert response.status_code == 200, response.json
    [event] = response.json["events"]
    assert (event["source"], event["status"]) == ("lifecycle", "ok")
    assert "env" not in tags_of(cloud, "aliyun-ecs", "i-bp1abc")


def test_lifecycle_event_no_rule_matches_is_ignored(queue_client: Client, cloud: FakeCloud) -> None:
    response = post_json(queue_client, load_event("eventbridge/ecs-instance-running.json"))
    assert response.status_code == 200
    assert response.json["events"][0]["status"] == "ignored"
    assert len(cloud.journal) == 0


@pytest.mark.parametrize(
    "sample", ["invalid/pubsub-broken-base64.json", "invalid/mns-topic-bad-inner-json.json"]
)
def test_poison_message_is_acknowledged_with_the_reason(
    queue_client: Client, cloud: FakeCloud, sample: str
) -> None:
    response = post_json(queue_client, load_event(sample))
    assert response.status_code == 200
    [event] = response.json["events"]
    assert event["status"] == "rejected"
    assert event["errors"][0]["path"]
    assert len(cloud.journal) == 0


def test_transient_failure_asks_for_redelivery_then_succeeds_once(
    queue_client: Client, cloud: FakeCloud
) -> None:
    cloud.faults.server_error("aliyun-redis", times=3)
    request = load_event("canonical/aliyun-redis-remove-all.json")
    first = post_json(queue_client, pubsub_push(request))
    assert first.status_code == 503, first.json
    assert tags_of(cloud, "aliyun-redis", "r-uf6abc") != {}
    second = post_json(queue_client, pubsub_push(request))
    assert second.status_code == 200, second.json
    assert tags_of(cloud, "aliyun-redis", "r-uf6abc") == {}
    third = post_json(queue_client, pubsub_push(request))  # a duplicate delivery is harmless
    assert third.status_code == 200
    assert third.json["events"][0]["status"] == "ok"


def test_queue_has_no_hmac_but_refuses_other_methods(
    queue_client: Client, cloud: FakeCloud
) -> None:
    assert queue_client.get("/healthz").status_code == 200
    assert queue_client.get("/").status_code == 405


# --- remove_tags_event -------------------------------------------------------------------


def binary_event(data: Any, event_type: str = "tagstrip.request", **extra: str) -> dict[str, str]:
    return {
        "ce-id": "evt-1",
        "ce-source": "//tests",
        "ce-specversion": "1.0",
        "ce-type": event_type,
        "Content-Type": "application/json",
        **extra,
    }


def test_binary_cloudevent_with_a_canonical_request(event_client: Client, cloud: FakeCloud) -> None:
    data = load_event("canonical/huawei-ecs.json")
    response = event_client.post("/", data=json.dumps(data), headers=binary_event(data))
    assert response.status_code == 200
    assert "key1" not in tags_of(cloud, "huawei-ecs", "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8")


def test_structured_eventarc_cloudevent(event_client: Client, cloud: FakeCloud) -> None:
    event = load_event("pubsub/eventarc-native-ecs.json")
    response = event_client.post(
        "/", data=json.dumps(event), content_type="application/cloudevents+json"
    )
    assert response.status_code == 200
    assert "env" not in tags_of(cloud, "aliyun-ecs", "i-bp1abc")


def test_invalid_cloudevent_data_is_acknowledged_not_retried(
    event_client: Client, cloud: FakeCloud
) -> None:
    data = load_event("invalid/huawei-ecs-bad-key.json")
    response = event_client.post("/", data=json.dumps(data), headers=binary_event(data))
    assert response.status_code == 200
    assert len(cloud.journal) == 0


def test_transient_failure_raises_so_the_platform_redelivers(
    event_client: Client, cloud: FakeCloud
) -> None:
    cloud.faults.throttle("huawei-ecs")
    data = load_event("canonical/huawei-ecs.json")
    response = event_client.post("/", data=json.dumps(data), headers=binary_event(data))
    assert response.status_code == 500
    assert b"Traceback" not in response.data
    cloud.faults.clear()
    response = event_client.post("/", data=json.dumps(data), headers=binary_event(data))
    assert response.status_code == 200


def test_non_cloudevent_body_never_echoes_platform_credentials(
    event_client: Client, cloud: FakeCloud
) -> None:
    secret, token = "fc-secret-value-123", "fc-sts-token-456"
    response = event_client.post(
        "/",
        data=b'{"not": "a cloudevent"}',
        headers={
            "Content-Type": "application/json",
            "x-fc-access-key-id": "LTAIfcid",
            "x-fc-access-key-secret": secret,
            "x-fc-security-token": token,
        },
    )
    assert response.status_code == 400
    assert secret.encode() not in response.data
    assert token.encode() not in response.data
    assert b"x-fc" not in response.data.lower()


# --- handler(event, context) ------------------------------------------------------------


def test_plain_handler_takes_parsed_and_raw_events(cloud: FakeCloud, main: Any) -> None:
    result = main.handler(load_event("mns/topic-json.json"), None)
    assert result["events"][0]["status"] in ("ok", "partial")
    raw = json.dumps(load_event("canonical/aliyun-ecs-snapshot.json")).encode()
    assert main.handler(raw, None)["events"][0]["status"] == "ok"


def test_plain_handler_raises_on_transient_failure(cloud: FakeCloud, main: Any) -> None:
    cloud.faults.throttle("aliyun-ecs")
    with pytest.raises(DeliverAgain):
        main.handler(load_event("canonical/aliyun-ecs-snapshot.json"), None)


def test_plain_handler_http_trigger_is_the_signed_webhook(cloud: FakeCloud, main: Any) -> None:
    body = json.dumps(load_event("canonical/aliyun-ecs-snapshot.json")).encode()
    event = {
        "httpMethod": "POST",
        "path": "/",
        "headers": signed_headers(body),
        "body": body.decode(),
    }
    answer = main.handler(event, None)
    assert answer["statusCode"] == 200, answer
    assert json.loads(answer["body"])["status"] == "ok"
    unsigned = {**event, "headers": {"Content-Type": "application/json"}}
    assert main.handler(unsigned, None)["statusCode"] == 401
    health = main.handler({"httpMethod": "GET", "path": "/healthz", "headers": {}}, None)
    assert health["statusCode"] == 200
