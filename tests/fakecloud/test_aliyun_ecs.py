"""ECS RemoveTags (both doc editions) and UntagResources: semantics and every error row."""

from __future__ import annotations

import httpx
import pytest

from tagstrip_testkit.fakecloud import FakeCloud

from . import vendors

SNAPSHOT = {"RegionId": "cn-shenzhen", "ResourceId": "s-946ntx4wr", "ResourceType": "snapshot"}
HANGZHOU = {"RegionId": "cn-hangzhou", "ResourceType": "instance"}


def ok(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"RequestId"}


def tags(cloud: FakeCloud, region: str, resource_id: str) -> dict[str, str]:
    return cloud.backends.aliyun_ecs.tags_of(region, resource_id)


def test_remove_tags_by_key_and_value(seeded_cloud: FakeCloud) -> None:
    """The seed document's sample request."""
    params = {**SNAPSHOT, "Tag.1.Key": "Finance", "Tag.1.Value": "FinanceJoshua"}
    ok(vendors.ecs(seeded_cloud, "RemoveTags", **params))
    assert "Finance" not in tags(seeded_cloud, "cn-shenzhen", "s-946ntx4wr")


def test_remove_tags_without_value_removes_the_key_whatever_its_value(
    seeded_cloud: FakeCloud,
) -> None:
    ok(vendors.ecs(seeded_cloud, "RemoveTags", **SNAPSHOT, **{"Tag.1.Key": "owner"}))
    assert "owner" not in tags(seeded_cloud, "cn-shenzhen", "s-946ntx4wr")


def test_remove_tags_with_another_value_keeps_the_tag(seeded_cloud: FakeCloud) -> None:
    params = {**SNAPSHOT, "Tag.1.Key": "Finance", "Tag.1.Value": "Other"}
    ok(vendors.ecs(seeded_cloud, "RemoveTags", **params))
    assert tags(seeded_cloud, "cn-shenzhen", "s-946ntx4wr")["Finance"] == "FinanceJoshua"


def test_remove_tags_of_absent_tags_is_no_error(seeded_cloud: FakeCloud) -> None:
    ok(vendors.ecs(seeded_cloud, "RemoveTags", **SNAPSHOT, **{"Tag.1.Key": "never-there"}))
    assert seeded_cloud.journal.entries()[-1].result == {}


def test_remove_tags_accepts_the_deprecated_lowercase_names(seeded_cloud: FakeCloud) -> None:
    params = {
        "RegionId": "cn-shenzhen",
        "ResourceId": "i-wz9abc",
        "ResourceType": "instance",
        "Tag.1.key": "Finance",
        "Tag.1.value": "FinanceJoshua",
    }
    ok(vendors.ecs(seeded_cloud, "RemoveTags", **params))
    assert tags(seeded_cloud, "cn-shenzhen", "i-wz9abc") == {"env": "prod"}


def test_remove_tags_takes_twenty_tags(seeded_cloud: FakeCloud) -> None:
    params = {f"Tag.{n}.Key": f"k{n}" for n in range(1, 21)}
    ok(vendors.ecs(seeded_cloud, "RemoveTags", **SNAPSHOT, **params))


#: (request parameters, HTTP status, code) for every row of both RemoveTags error tables.
REMOVE_TAGS_ERRORS = [
    ({**SNAPSHOT, "RegionId": "cn-nowhere"}, 404, "InvalidRegionId.NotFound"),
    ({**SNAPSHOT, "ResourceType": "volume"}, 404, "InvalidResourceType.NotFound"),
    ({**SNAPSHOT, "ResourceType": "Snapshot"}, 400, "InvalidResourceType.NotFound"),
    ({**SNAPSHOT, "Tag.21.Key": "Finance"}, 400, "InvalidTagCount"),
    ({**SNAPSHOT, "Tag.0.Key": "Finance"}, 400, "InvalidTagCount"),
    ({**SNAPSHOT, "ResourceId": "s-unknown"}, 404, "InvalidResourceId.NotFound"),
    ({**SNAPSHOT, "ResourceId": "i-wz9abc"}, 404, "InvalidResourceId.NotFound"),
    (
        {"RegionId": "cn-beijing", "ResourceId": "m-2zeimage", "ResourceType": "image"},
        403,
        "InvalidResourceId.NotSupported",
    ),
    ({"ResourceId": "s-946ntx4wr", "ResourceType": "snapshot"}, 400, "MissingParameter"),
    ({**SNAPSHOT, "Tag.1.Value": "no key"}, 400, "MissingParameter"),
]


@pytest.mark.parametrize(("params", "status", "code"), REMOVE_TAGS_ERRORS)
def test_remove_tags_errors(
    seeded_cloud: FakeCloud, params: dict[str, str], status: int, code: str
) -> None:
    response = vendors.ecs(seeded_cloud, "RemoveTags", **params)
    assert (response.status_code, response.json()["Code"]) == (status, code)
    assert seeded_cloud.journal.entries()[-1].error_code == code


def test_remove_tags_2018_edition_takes_five_tags(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.seed({"aliyun-ecs": {"remove_tags_limit": 5}})
    five = {f"Tag.{n}.Key": f"k{n}" for n in range(1, 6)}
    ok(vendors.ecs(seeded_cloud, "RemoveTags", **SNAPSHOT, **five))
    response = vendors.ecs(seeded_cloud, "RemoveTags", **SNAPSHOT, **{"Tag.6.Key": "k6"})
    assert (response.status_code, response.json()["Code"]) == (400, "InvalidTagCount")


def test_untag_resources_removes_keys_from_many_resources(seeded_cloud: FakeCloud) -> None:
    params = {**HANGZHOU, "ResourceId.1": "i-bp1abc", "ResourceId.2": "i-bp1def"}
    ok(vendors.ecs(seeded_cloud, "UntagResources", **params, **{"TagKey.1": "tmp-1"}))
    assert "tmp-1" not in tags(seeded_cloud, "cn-hangzhou", "i-bp1abc")
    assert "tmp-1" not in tags(seeded_cloud, "cn-hangzhou", "i-bp1def")
    assert "tmp-1" not in seeded_cloud.backends.aliyun_ecs.tags_in_use("cn-hangzhou")


def test_untag_resources_all_only_without_keys(seeded_cloud: FakeCloud) -> None:
    one = {**HANGZHOU, "ResourceId.1": "i-bp1def"}
    ok(vendors.ecs(seeded_cloud, "UntagResources", **one, All="true", **{"TagKey.1": "owner"}))
    assert tags(seeded_cloud, "cn-hangzhou", "i-bp1def") == {
        "env": "staging",
        "tmp-1": "y",
        "keep": "yes",
    }
    ok(vendors.ecs(seeded_cloud, "UntagResources", **one, All="true"))
    assert tags(seeded_cloud, "cn-hangzhou", "i-bp1def") == {}


UNTAG_ERRORS = [
    ({**HANGZHOU, "RegionId": "cn-nowhere", "ResourceId.1": "i-bp1abc", "TagKey.1": "a"}, 404,
     "InvalidRegionId.NotFound"),
    ({**HANGZHOU, "ResourceType": "database", "ResourceId.1": "i-bp1abc", "TagKey.1": "a"}, 404,
     "InvalidResourceType.NotFound"),
    ({**HANGZHOU, "ResourceId.1": "i-missing", "TagKey.1": "a"}, 404, "InvalidResourceId.NotFound"),
    ({**HANGZHOU, "ResourceId.1": "i-bp1abc"}, 400, "MissParameter.TagOrResourceId"),
    ({**HANGZHOU, "ResourceId.1": "i-bp1abc", "TagKey.1": "aliyun-x"}, 400,
     "InvalidTagKey.Malformed"),
    ({**HANGZHOU, "ResourceId.1": "i-bp1abc", "TagKey.1": "a", "TagKey.2": "a"}, 400,
     "Duplicate.TagKey"),
    ({**HANGZHOU, "TagKey.1": "a", **{f"ResourceId.{n}": "i-bp1abc" for n in range(1, 52)}},
     400, "NumberExceed.ResourceIds"),
    ({**HANGZHOU, "ResourceId.1": "i-bp1abc", **{f"TagKey.{n}": f"k{n}" for n in range(1, 22)}},
     400, "NumberExceed.Tags"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "status", "code"), UNTAG_ERRORS)
def test_untag_resources_errors(
    seeded_cloud: FakeCloud, params: dict[str, str], status: int, code: str
) -> None:
    response = vendors.ecs(seeded_cloud, "UntagResources", **params)
    assert (response.status_code, response.json()["Code"]) == (status, code)


def test_unknown_action_and_version(seeded_cloud: FakeCloud) -> None:
    response = vendors.ecs(seeded_cloud, "DescribeInstances", RegionId="cn-hangzhou")
    assert (response.status_code, response.json()["Code"]) == (404, "InvalidAction.NotFound")
    params = {"Action": "RemoveTags", "Version": "2099-01-01", **SNAPSHOT}
    response = vendors.aliyun_v1(seeded_cloud, params)
    assert (response.status_code, response.json()["Code"]) == (400, "InvalidVersion")
    response = vendors.aliyun_v1(seeded_cloud, {"Version": vendors.ECS_VERSION, **SNAPSHOT})
    assert (response.status_code, response.json()["Code"]) == (400, "MissingParameter")
