"""aliyun-tag from the entry points: ARNs of several products and regions untagged through the
Tag API of the fake cloud, per-resource answers reported per resource, selectors read first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import Client, load_event, tags_of
from tests.e2e.test_deliveries import post_json, pubsub_push

Post = Callable[..., Any]
ACCOUNT = "1234567890123456"
DISK = f"arn:acs:ecs:cn-hangzhou:{ACCOUNT}:disk/d-bp1tagdisk"
VPC = f"arn:acs:vpc:cn-hangzhou:{ACCOUNT}:vpc/vpc-bp1tagvpc"
BUCKET = f"arn:acs:oss:cn-hangzhou:{ACCOUNT}:bucket/tagstrip-demo-logs"
DB = f"arn:acs:rds:cn-shanghai:{ACCOUNT}:dbinstance/rm-uf6tagdb"


def tags(cloud: FakeCloud, arn: str) -> dict[str, str]:
    return tags_of(cloud, "aliyun-tag", arn)


def test_canonical_request_untags_each_region_with_its_own_call(
    post_signed: Post, cloud: FakeCloud
) -> None:
    response = post_signed(load_event("canonical/aliyun-tag.json"))
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    assert [(c["resource_ids"], c["outcome"]) for c in result["calls"]] == [
        ([DISK, VPC], "removed"),
        ([DB], "removed"),
    ]
    sent = sorted((e.params["RegionId"], e.signature) for e in cloud.journal.entries())
    assert sent == [("cn-hangzhou", "acs3"), ("cn-shanghai", "acs3")]  # concurrent calls
    assert tags(cloud, DISK) == {"backup": "weekly"}
    assert tags(cloud, VPC) == {"acs:rm:rgId": "rg-acfm2pzmx5nt"}
    assert tags(cloud, DB) == {}


def test_native_body_through_the_webhook(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed(load_event("native/aliyun-tag-untagresources.json"))
    assert response.status_code == 200, response.json
    assert "tmp-ticket" not in tags(cloud, BUCKET)


def test_resources_answered_apart_are_reported_apart(post_signed: Post, cloud: FakeCloud) -> None:
    """A resource gone is skipped as for ECS; one the service refuses fails alone (207)."""
    denied = f"arn:acs:ecs:cn-hangzhou:{ACCOUNT}:instance/i-denied"
    gone = f"arn:acs:ecs:cn-hangzhou:{ACCOUNT}:instance/i-gone"
    refused = {"arn": denied, "tags": {"env": "x"}, "failure": "NoPermission"}
    cloud.seed({"aliyun-tag": {"resources": [refused]}})
    request = {
        "provider": "aliyun-tag",
        "resource_ids": [DISK, gone, denied],
        "tags": [{"key": "env"}],
    }
    response = post_signed(request)
    assert response.status_code == 207, response.json
    [result] = response.json["results"]
    assert result["status"] == "partial"
    assert [(c["resource_ids"], c["outcome"], c["error_code"]) for c in result["calls"]] == [
        ([DISK], "removed", None),
        ([gone], "skipped", "InvalidResourceId.NotFound"),
        ([denied], "failed", "NoPermission"),
    ]
    assert "env" not in tags(cloud, DISK)
    assert tags(cloud, denied) == {"env": "x"}


def test_selector_reads_every_page_then_removes_by_key(post_signed: Post, cloud: FakeCloud) -> None:
    cloud.seed({"aliyun-tag": {"list_page_size": 1}})
    request = {
        "provider": "aliyun-tag",
        "resource_ids": [DISK, VPC, BUCKET],
        "selector": {"key_glob": "tmp-*", "keep": ["tmp-ticket"]},
    }
    response = post_signed(request)
    assert response.status_code == 200, response.json
    operations = [
        (e.operation, e.params.get("NextToken") is not None) for e in cloud.journal.entries()
    ]
    assert operations == [
        ("ListTagResources", False),
        ("ListTagResources", True),
        ("ListTagResources", True),
        ("UntagResources", False),
    ]
    assert tags(cloud, BUCKET) == {"tmp-ticket": "OPS-7", "retention": "90d"}
    assert "tmp-owner" not in tags(cloud, DISK) | tags(cloud, VPC)
    [result] = response.json["results"]
    [vpc] = [view for view in result["resources"] if view["resource_id"] == VPC]
    assert [tag["key"] for tag in vpc["protected"]] == ["acs:rm:rgId"]


def test_queue_delivery(queue_client: Client, cloud: FakeCloud) -> None:
    response = post_json(queue_client, pubsub_push(load_event("canonical/aliyun-tag.json")))
    assert response.status_code == 200, response.json
    assert response.json["events"][0]["status"] == "ok"
    assert "tmp-owner" not in tags(cloud, DB)


def test_a_throttled_call_is_delivered_again(queue_client: Client, cloud: FakeCloud) -> None:
    cloud.faults.throttle("aliyun-tag")
    body = pubsub_push(load_event("canonical/aliyun-tag.json"))
    first = post_json(queue_client, body)
    assert first.status_code == 503, first.json
    assert tags(cloud, DISK)["tmp-owner"] == "alice"
    cloud.faults.clear()
    assert post_json(queue_client, body).status_code == 200
    assert "tmp-owner" not in tags(cloud, DISK)
