"""Alibaba ECS RemoveTags and Redis UntagResources rules, each accepted and refused."""

from __future__ import annotations

import pytest

from tests.unit.helpers import ECS, REDIS, error_at, errors_of, plan_of

# --- ECS -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource_type", ["disk", "instance", "image", "securitygroup", "snapshot"]
)
def test_ecs_accepts_each_documented_resource_type(resource_type: str) -> None:
    plan = plan_of(ECS, resource_type=resource_type)
    assert plan.calls[0].params["ResourceType"] == resource_type


@pytest.mark.parametrize("resource_type", ["Snapshot", "INSTANCE", "SecurityGroup"])
def test_ecs_resource_type_is_lowercase_only_and_never_lowered(resource_type: str) -> None:
    error = error_at(ECS, "resource_type", resource_type=resource_type)
    assert error.provider_code == "InvalidResourceType.NotFound"
    assert "must be lowercase" in error.message
    assert "disk, instance, image, securitygroup, snapshot" in error.message


def test_ecs_unknown_resource_type_lists_valid_values() -> None:
    error = error_at(ECS, "resource_type", resource_type="volume")
    assert "lowercase" not in error.message
    assert "snapshot" in error.message


def test_ecs_needs_resource_type_region_and_resources() -> None:
    errors = errors_of(ECS, resource_type=None, region=None, resource_ids=[])
    assert {e.path: e.type for e in errors} == {
        "resource_type": "missing",
        "region": "missing",
        "resource_ids": "missing",
    }


def test_ecs_needs_at_least_one_tag() -> None:
    assert error_at(ECS, "tags", tags=[]).type == "missing"


def test_ecs_value_is_optional() -> None:
    plan = plan_of(ECS, tags=[{"key": "Finance"}])
    assert plan.calls[0].params == {
        "RegionId": "cn-shenzhen",
        "ResourceId": "s-946ntx4wr",
        "ResourceType": "snapshot",
        "Tag.1.Key": "Finance",
    }
    assert any("whatever their value" in note for note in plan.notes)


@pytest.mark.parametrize(
    ("key", "kind"),
    [("", "empty"), ("k" * 129, "too_long"), ("see https://x", "invalid_character")],
)
def test_alibaba_malformed_keys(key: str, kind: str) -> None:
    for payload in (ECS, REDIS):
        error = error_at(payload, "tags.0.key", tags=[{"key": key}])
        assert (error.type, error.provider_code) == (kind, "InvalidTagKey.Malformed")


def test_alibaba_key_and_value_limits_are_inclusive() -> None:
    plan_of(ECS, tags=[{"key": "k" * 128, "value": "v" * 128}])
    plan_of(ECS, tags=[{"key": "k", "value": ""}])
    error = error_at(ECS, "tags.0.value", tags=[{"key": "k", "value": "v" * 129}])
    assert error.provider_code == "InvalidTagValue.Malformed"


@pytest.mark.parametrize("key", ["acs:rm:rgId", "aliyun-created", "aliyunXYZ"])
def test_alibaba_reserved_keys_are_never_removed(key: str) -> None:
    for payload in (ECS, REDIS):
        assert error_at(payload, "tags.0.key", tags=[{"key": key}]).type == "reserved_key"


def test_ecs_same_key_with_two_values_is_refused() -> None:
    tags = [{"key": "env", "value": "a"}, {"key": "env", "value": "b"}]
    assert error_at(ECS, "tags.1.key", tags=tags).type == "duplicate_key"
    tags = [{"key": "env"}, {"key": "env", "value": "b"}]
    assert error_at(ECS, "tags.1.key", tags=tags).type == "duplicate_key"


def test_ecs_exact_duplicates_are_merged() -> None:
    plan = plan_of(ECS, tags=[{"key": "a", "value": "1"}] * 3)
    assert plan.calls[0].params["Tag.1.Key"] == "a"
    assert "Tag.2.Key" not in plan.calls[0].params
    assert any("3 times" in note for note in plan.notes)


def test_ecs_current_profile_takes_20_tags_a_call() -> None:
    tags = [{"key": f"k{i}"} for i in range(25)]
    plan = plan_of(ECS, tags=tags)
    assert [len(call.tags) for call in plan.calls] == [20, 5]
    assert plan.calls[0].params["Tag.20.Key"] == "k19"
    assert plan.calls[1].params["Tag.1.Key"] == "k20"


def test_ecs_2018_profile_takes_5_tags_a_call() -> None:
    tags = [{"key": f"k{i}"} for i in range(11)]
    plan = plan_of(ECS, tags=tags, api_profile="remove-tags-2018")
    assert plan.api_profile == "remove-tags-2018"
    assert [len(call.tags) for call in plan.calls] == [5, 5, 1]


def test_ecs_one_call_per_resource() -> None:
    plan = plan_of(ECS, resource_ids=["s-1", "s-2", "s-3"])
    assert [call.params["ResourceId"] for call in plan.calls] == ["s-1", "s-2", "s-3"]
    assert all(call.operation == "RemoveTags" for call in plan.calls)
    assert all(call.api_version == "2014-05-26" for call in plan.calls)


# --- Redis -----------------------------------------------------------------------------


def test_redis_resource_type_defaults_to_instance() -> None:
    plan = plan_of(REDIS)
    assert plan.calls[0].params == {
        "RegionId": "cn-hangzhou",
        "ResourceType": "INSTANCE",
        "ResourceId.1": "r-bp1zxszhcgatnx",
        "TagKey.1": "project",
    }
    assert plan.calls[0].api_version == "2015-01-01"


@pytest.mark.parametrize("resource_type", ["instance", "DBInstance", "snapshot"])
def test_redis_only_instance(resource_type: str) -> None:
    error = error_at(REDIS, "resource_type", resource_type=resource_type)
    assert error.provider_code == "InvalidParameter.ResourceType"


def test_redis_takes_keys_only() -> None:
    error = error_at(REDIS, "tags.0.value", tags=[{"key": "env", "value": "prod"}])
    assert error.type == "value_not_supported"


def test_redis_needs_tags_or_remove_all() -> None:
    error = error_at(REDIS, "tags", tags=[])
    assert error.provider_code == "MissParameter.TagOrResourceId"
    assert plan_of(REDIS, tags=[], remove_all=True).calls[0].params["All"] == "true"


def test_redis_needs_resources() -> None:
    error = error_at(REDIS, "resource_ids", resource_ids=[])
    assert error.provider_code == "MissParameter.TagOrResourceId"


def test_redis_remove_all_with_keys_is_reported_not_hidden() -> None:
    plan = plan_of(REDIS, remove_all=True)
    assert "All" not in plan.calls[0].params
    assert any("has no effect" in note for note in plan.notes)


def test_redis_bad_resource_id_carries_vendor_code() -> None:
    error = error_at(REDIS, "resource_ids.0", resource_ids=["r bad"])
    assert error.provider_code == "InvalidParameter.ResourceId"


def test_redis_packs_50_resources_and_20_keys_a_call() -> None:
    resources = [f"r-{i}" for i in range(51)]
    keys = [{"key": f"k{i}"} for i in range(21)]
    plan = plan_of(REDIS, resource_ids=resources, tags=keys)
    # Each instance needs 2 calls of at most 20 keys, and 3 calls hold the 102 slots: 3 calls,
    # where chunks of 50 instances times chunks of 20 keys took 4.
    assert [(len(c.resource_ids), len(c.tags)) for c in plan.calls] == [(34, 14)] * 3
    pairs = {(rid, tag.key) for c in plan.calls for rid in c.resource_ids for tag in c.tags}
    assert pairs == {(rid, key["key"]) for rid in resources for key in keys}
    for call in plan.calls:
        numbered = {f"ResourceId.{n}": rid for n, rid in enumerate(call.resource_ids, start=1)}
        numbered |= {f"TagKey.{n}": tag.key for n, tag in enumerate(call.tags, start=1)}
        assert call.params == {"RegionId": "cn-hangzhou", "ResourceType": "INSTANCE", **numbered}


def test_redis_duplicate_keys_are_merged_in_canonical_form() -> None:
    plan = plan_of(REDIS, tags=[{"key": "a"}, {"key": "a"}])
    assert "TagKey.2" not in plan.calls[0].params
