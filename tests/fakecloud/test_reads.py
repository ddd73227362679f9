"""The read APIs selectors use, driven by the vendors' own signers: shapes, paging, errors."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import httpx
import pytest

from tagstrip_testkit.fakecloud import FakeCloud

from . import vendors

HANGZHOU = {"RegionId": "cn-hangzhou", "ResourceType": "instance"}
TWO = {**HANGZHOU, "ResourceId.1": "i-bp1abc", "ResourceId.2": "i-bp1def"}
REDIS = {"RegionId": "cn-hangzhou", "ResourceType": "INSTANCE", "ResourceId.1": "r-bp1zxszhcgatnx"}
PROJECT, SERVER = "0605767ea3000fd42f0cc00a2fa4d5d8", "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8"


def entries(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    found: list[dict[str, str]] = response.json()["TagResources"]["TagResource"]
    return found


def all_pages(send: Any, params: dict[str, str]) -> tuple[list[dict[str, str]], int]:
    """Every entry, following NextToken; and how many pages it took."""
    found, pages, token = [], 0, ""
    while True:
        response = send({**params, "NextToken": token} if token else params)
        found += entries(response)
        pages += 1
        token = response.json()["NextToken"]
        if not token:
            return found, pages


def test_ecs_list_tag_resources_answers_the_documented_shape(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.backends.aliyun_ecs.list_page_size = 50
    response = vendors.ecs(seeded_cloud, "ListTagResources", **TWO)
    body = response.json()
    assert set(body) == {"RequestId", "NextToken", "TagResources"}
    assert body["NextToken"] == ""
    assert {"ResourceId": "i-bp1def", "ResourceType": "instance", "TagKey": "keep",
            "TagValue": "yes"} in entries(response)  # fmt: skip
    assert {e["ResourceId"] for e in entries(response)} == {"i-bp1abc", "i-bp1def"}


def test_ecs_pages_follow_next_token(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.backends.aliyun_ecs.list_page_size = 3
    found, pages = all_pages(lambda p: vendors.ecs(seeded_cloud, "ListTagResources", **p), TWO)
    expected = {
        (rid, key, value)
        for rid in ("i-bp1abc", "i-bp1def")
        for key, value in seeded_cloud.backends.aliyun_ecs.tags_of("cn-hangzhou", rid).items()
    }
    assert pages == -(-len(expected) // 3) > 1
    assert {(e["ResourceId"], e["TagKey"], e["TagValue"]) for e in found} == expected
    assert len(found) == len(expected)


def test_ecs_list_is_signed_by_the_v3_sdk_too(seeded_cloud: FakeCloud) -> None:
    query = {**HANGZHOU, "ResourceId.1": "i-bp1def"}
    response = vendors.aliyun_acs3(seeded_cloud, "ListTagResources", vendors.ECS_VERSION, query)
    assert len(entries(response)) == 4


def test_xml_answers_nest_and_repeat(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.backends.aliyun_ecs.list_page_size = 50
    params = {"Action": "ListTagResources", "Version": vendors.ECS_VERSION, **TWO}
    response = vendors.aliyun_v1(seeded_cloud, params, fmt="XML")
    root = ElementTree.fromstring(response.text)
    assert root.tag == "ListTagResourcesResponse"
    assert len(root.findall("TagResources/TagResource")) == 12
    assert root.find("TagResources/TagResource/TagKey") is not None


def test_unknown_ids_have_no_entries(seeded_cloud: FakeCloud) -> None:
    response = vendors.ecs(seeded_cloud, "ListTagResources", **HANGZHOU, **{"ResourceId.1": "i-x"})
    assert entries(response) == []


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({**TWO, "NextToken": "not-ours"}, 400, "InvalidParameter.NextToken"),
        (HANGZHOU, 400, "MissParameter.TagOrResourceId"),
        ({**HANGZHOU, **{f"ResourceId.{n}": f"i-{n}" for n in range(1, 52)}}, 400,
         "NumberExceed.ResourceIds"),
        ({**TWO, "ResourceType": "Instance"}, 400, "InvalidResourceType.NotFound"),
        ({**TWO, "RegionId": "cn-nowhere"}, 404, "InvalidRegionId.NotFound"),
    ],
)  # fmt: skip
def test_ecs_list_errors(
    seeded_cloud: FakeCloud, params: dict[str, str], status: int, code: str
) -> None:
    response = vendors.ecs(seeded_cloud, "ListTagResources", **params)
    assert (response.status_code, response.json()["Code"]) == (status, code)


def test_redis_list_tag_resources_pages_too(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.backends.aliyun_redis.list_page_size = 2
    found, pages = all_pages(lambda p: vendors.redis(seeded_cloud, "ListTagResources", **p), REDIS)
    assert pages == 2
    assert {e["TagKey"]: e["TagValue"] for e in found} == {
        "project": "crm",
        "owner": "team-a",
        "demokey": "demovalue",
    }
    assert {e["ResourceType"] for e in found} == {"INSTANCE"}


def test_redis_list_takes_instance_only(seeded_cloud: FakeCloud) -> None:
    response = vendors.redis(seeded_cloud, "ListTagResources", **{**REDIS, "ResourceType": "x"})
    assert response.json()["Code"] == "InvalidParameter.ResourceType"


def test_page_size_is_seeded(fake_cloud: FakeCloud) -> None:
    fake_cloud.seed({"aliyun-ecs": {"list_page_size": 2}, "aliyun-redis": {"list_page_size": 4}})
    state = fake_cloud.state()
    assert (state["aliyun-ecs"]["list_page_size"], state["aliyun-redis"]["list_page_size"]) == (
        2,
        4,
    )


def test_huawei_show_server_tags(seeded_cloud: FakeCloud) -> None:
    path = f"/v1/{PROJECT}/cloudservers/{SERVER}/tags"
    response = vendors.huawei(seeded_cloud, "GET", path)
    assert response.status_code == 200
    assert {"key": "key1", "value": "value1"} in response.json()["tags"]
    assert response.headers["X-Request-Id"]


def test_baidu_account_tag_list(seeded_cloud: FakeCloud) -> None:
    response = vendors.baidu(seeded_cloud, "/v1/tag", "", None, method="GET")
    assert response.status_code == 200, response.text
    tags = response.json()["tags"]
    assert {"tagKey": "Default tag", "tagValue": ""} in tags
    assert {"tagKey": "project", "tagValue": "legacy-crm"} in tags
    one = vendors.baidu(seeded_cloud, "/v1/tag", "tagKey=unused", None, method="GET")
    assert one.json()["tags"] == [{"tagKey": "unused", "tagValue": "tag"}]
    none = vendors.baidu(seeded_cloud, "/v1/tag", "tagKey=unused&tagValue=", None, method="GET")
    assert none.json()["tags"] == []


def test_baidu_bcc_instance_details_carry_its_tags(seeded_cloud: FakeCloud) -> None:
    response = vendors.baidu(seeded_cloud, "/v2/instance/i-8Kp2xQ1z", "", None, method="GET")
    assert response.status_code == 200, response.text
    assert response.json()["instance"]["tags"] == [
        {"tagKey": "project", "tagValue": "legacy-crm"},
        {"tagKey": "key2", "tagValue": "value2"},
    ]
    disk = vendors.baidu(seeded_cloud, "/v2/instance/v-Nq3jxkSm", "", None, method="GET")
    assert (disk.status_code, disk.json()["code"]) == (404, "NoSuchObject")


def test_reads_are_journaled_and_change_nothing(seeded_cloud: FakeCloud) -> None:
    before = seeded_cloud.state()
    vendors.ecs(seeded_cloud, "ListTagResources", **TWO)
    vendors.baidu(seeded_cloud, "/v1/tag", "", None, method="GET")
    assert seeded_cloud.state() == before
    operations = [entry.operation for entry in seeded_cloud.journal.entries()]
    assert operations == ["ListTagResources", "ListTags"]
