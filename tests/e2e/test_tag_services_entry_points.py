"""The tag-service providers from every entry point: the same sample request, sent as a
signed webhook, a queue delivery, a binary CloudEvent and a plain handler() event, removes
its tag from the fake cloud each time."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import Client, load_event, tags_of

#: sample, the fake cloud's state section of its provider, one resource it names, a tag key
#: the sample removes from it.
SAMPLES = [
    (
        "canonical/aliyun-tag.json",
        "aliyun-tag",
        "arn:acs:ecs:cn-hangzhou:1234567890123456:disk/d-bp1tagdisk",
        "tmp-owner",
    ),
    (
        "canonical/huawei-tms-resources.json",
        "huawei-tms",
        "6b3a9f5e-2d1c-4e8a-9b7f-0c1d2e3f4a5b",
        "tmp-owner",
    ),
    ("canonical/baidu-tag-resource-cds.json", "baidu", "v-Nq3jxkSm", "project"),
]

Send = Callable[[dict[str, Any]], None]


@pytest.fixture
def senders(
    cloud: FakeCloud,
    post_signed: Callable[..., Any],
    queue_client: Client,
    event_client: Client,
    main: Any,
) -> dict[str, Send]:
    """One sender per entry point; `main` comes last, once the environment is set."""

    def webhook(request: dict[str, Any]) -> None:
        response = post_signed(request)
        assert response.status_code == 200, response.json

    def queue(request: dict[str, Any]) -> None:
        response = queue_client.post("/", data=json.dumps(request), content_type="application/json")
        assert response.status_code == 200, response.json
        assert [event["status"] for event in response.json["events"]] == ["ok"]

    def cloudevent(request: dict[str, Any]) -> None:
        headers = {
            "ce-id": "evt-tag-service",
            "ce-source": "//tests",
            "ce-specversion": "1.0",
            "ce-type": "tagstrip.request",
            "Content-Type": "application/json",
        }
        response = event_client.post("/", data=json.dumps(request), headers=headers)
        assert response.status_code == 200

    def handler(request: dict[str, Any]) -> None:
        result = main.handler(request, None)
        assert [event["status"] for event in result["events"]] == ["ok"]

    return {"webhook": webhook, "queue": queue, "cloudevent": cloudevent, "handler": handler}


@pytest.mark.parametrize("entry", ["webhook", "queue", "cloudevent", "handler"])
@pytest.mark.parametrize(("sample", "section", "resource", "key"), SAMPLES)
def test_each_entry_point_removes_the_tag(
    entry: str,
    sample: str,
    section: str,
    resource: str,
    key: str,
    senders: dict[str, Send],
    cloud: FakeCloud,
) -> None:
    assert key in tags_of(cloud, section, resource)
    senders[entry](load_event(sample))
    assert key not in tags_of(cloud, section, resource)
