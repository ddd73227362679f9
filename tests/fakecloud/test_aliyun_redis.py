"""R-kvstore UntagResources: keys, ``All``, dropped tags, and every row of the error table."""

from __future__ import annotations

import pytest

from tagstrip_testkit.fakecloud import FakeCloud

from . import vendors

BASE = {"RegionId": "cn-hangzhou", "ResourceType": "INSTANCE", "ResourceId.1": "r-bp1zxszhcgatnx"}
TWO = {**BASE, "ResourceId.2": "r-bp1zxszhcgatny"}


def tags(cloud: FakeCloud, resource_id: str) -> dict[str, str]:
    return cloud.backends.aliyun_redis.tags_of("cn-hangzhou", resource_id)


def test_sample_request_removes_the_key(seeded_cloud: FakeCloud) -> None:
    """The seed document's own example (events/native/aliyun-redis-untagresources.json)."""
    response = vendors.redis(seeded_cloud, **BASE, **{"TagKey.1": "demokey"})
    assert response.status_code == 200, response.text
    assert "demokey" not in tags(seeded_cloud, "r-bp1zxszhcgatnx")


def test_a_tag_no_instance_uses_is_dropped(seeded_cloud: FakeCloud) -> None:
    redis = seeded_cloud.backends.aliyun_redis
    vendors.redis(seeded_cloud, **BASE, **{"TagKey.1": "project"})
    assert redis.tags_in_use("cn-hangzhou")["project"] == {"crm"}  # still on the other one
    vendors.redis(seeded_cloud, **TWO, **{"TagKey.1": "project"})
    assert "project" not in redis.tags_in_use("cn-hangzhou")


def test_all_removes_every_tag(seeded_cloud: FakeCloud) -> None:
    assert vendors.redis(seeded_cloud, **TWO, All="true").status_code == 200
    assert tags(seeded_cloud, "r-bp1zxszhcgatnx") == tags(seeded_cloud, "r-bp1zxszhcgatny") == {}


def test_all_is_ignored_when_keys_are_given(seeded_cloud: FakeCloud) -> None:
    assert (
        vendors.redis(seeded_cloud, **BASE, All="true", **{"TagKey.1": "owner"}).status_code == 200
    )
    assert tags(seeded_cloud, "r-bp1zxszhcgatnx") == {"project": "crm", "demokey": "demovalue"}


def test_keys_may_come_as_tag_n_key(seeded_cloud: FakeCloud) -> None:
    params = {**BASE, "Tag.1.Key": "owner", "Tag.1.Value": "anything"}
    assert vendors.redis(seeded_cloud, **params).status_code == 200
    assert "owner" not in tags(seeded_cloud, "r-bp1zxszhcgatnx")


#: Every row of the seed document's error table, each produced by its documented cause.
ERRORS = [
    ({**BASE, "TagKey.1": ""}, 400, "InvalidTagKey.Malformed"),
    ({**BASE, "TagKey.1": "k" * 129}, 400, "InvalidTagKey.Malformed"),
    ({**BASE, "TagKey.1": "acs:rm:rgId"}, 400, "InvalidTagKey.Malformed"),
    ({**BASE, "TagKey.1": "see https://example.com"}, 400, "InvalidTagKey.Malformed"),
    ({**BASE, "Tag.1.Key": "k", "Tag.1.Value": "v" * 129}, 400, "InvalidTagValue.Malformed"),
    ({**BASE, "Tag.1.Key": "k", "Tag.1.Value": "http://x"}, 400, "InvalidTagValue.Malformed"),
    ({**BASE, "ResourceId.1": "not an id!", "TagKey.1": "k"}, 400, "InvalidParameter.ResourceId"),
    ({"RegionId": "cn-hangzhou", "ResourceType": "INSTANCE", "TagKey.1": "k"}, 400,
     "MissParameter.TagOrResourceId"),
    (BASE, 400, "MissParameter.TagOrResourceId"),
    ({**BASE, "All": "false"}, 400, "MissParameter.TagOrResourceId"),
    ({**BASE, "TagKey.1": "k", "Scope": "everything"}, 400, "InvalidParameter.Scope"),
    ({**BASE, "TagKey.1": "k", **{f"ResourceId.{n}": f"r-x{n}" for n in range(1, 52)}}, 400,
     "NumberExceed.ResourceIds"),
    ({**BASE, **{f"TagKey.{n}": f"k{n}" for n in range(1, 22)}}, 400, "NumberExceed.Tags"),
    ({**BASE, "TagKey.1": "owner", "TagKey.2": "owner"}, 400, "Duplicate.TagKey"),
    ({**BASE, "ResourceType": "instance", "TagKey.1": "k"}, 400, "InvalidParameter.ResourceType"),
    ({**BASE, "ResourceType": "", "TagKey.1": "k"}, 400, "InvalidParameter.ResourceType"),
    ({**BASE, "ResourceId.1": "r-doesnotexist", "TagKey.1": "k"}, 404,
     "InvalidDbInstanceId.NotFound"),
    ({**BASE, "RegionId": "cn-nowhere", "TagKey.1": "k"}, 404, "InvalidRegionId.NotFound"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "status", "code"), ERRORS)
def test_errors(seeded_cloud: FakeCloud, params: dict[str, str], status: int, code: str) -> None:
    response = vendors.redis(seeded_cloud, **params)
    assert (response.status_code, response.json()["Code"]) == (status, code), response.text
    assert tags(seeded_cloud, "r-bp1zxszhcgatnx")["owner"] == "team-a"  # nothing changed


def test_scope_accepts_tag_categories(seeded_cloud: FakeCloud) -> None:
    response = vendors.redis(seeded_cloud, **BASE, Scope="custom", **{"TagKey.1": "owner"})
    assert response.status_code == 200, response.text


def test_twenty_keys_and_fifty_instances_are_accepted(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.seed({"aliyun-redis": {"resources": [
        {"region": "cn-hangzhou", "id": f"r-many{n}"} for n in range(50)
    ]}})  # fmt: skip
    ids = {f"ResourceId.{n + 1}": f"r-many{n}" for n in range(50)}
    keys = {f"TagKey.{n}": f"k{n}" for n in range(1, 21)}
    params = {"RegionId": "cn-hangzhou", "ResourceType": "INSTANCE", **ids, **keys}
    assert vendors.redis(seeded_cloud, **params).status_code == 200
