"""Provider-native input: every seed document's own example parses to exactly its parameters."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tagstrip.runtime.wiring import validation
from tests.unit.helpers import error_at

# The current ECS RemoveTags doc's sample request, as printed (with its stray spaces).
ECS_SEED_EXAMPLE = """https://ecs.aliyuncs.com/?Action=RemoveTags
&RegionId=cn-shenzhen
&ResourceId=s-946ntx4wr
&ResourceType=snapshot
&Tag.1.Key=Finance
&Tag.1.Value=FinanceJoshua"""

# The 2018 edition's sample request (its lines are numbered from 2 in the doc).
ECS_2018_SEED_EXAMPLE = """&ResourceId=s-946ntx4wr
&ResourceType=snapshot
&RegionId=cn-shenzhen
&Tag.1.Key=test
&Tag.1.Value=api"""


def query_params(text: str) -> dict[str, str]:
    joined = "".join(line.strip() for line in text.splitlines())
    return dict(parse_qsl(urlsplit(joined).query or joined.lstrip("&"), strict_parsing=True))


def only_call(payload: Any) -> Any:
    calls = validation().plan(validation().request(payload)).calls
    assert len(calls) == 1
    return calls[0]


def test_ecs_current_seed_example() -> None:
    params = query_params(ECS_SEED_EXAMPLE)
    call = only_call(params)
    assert call.operation == params.pop("Action")
    assert call.params == params


def test_ecs_2018_seed_example_with_its_profile() -> None:
    params = query_params(ECS_2018_SEED_EXAMPLE)
    call = only_call({**params, "api_profile": "remove-tags-2018"})
    assert call.operation == "RemoveTags"
    assert call.params == params


def test_ecs_deprecated_lowercase_aliases() -> None:
    call = only_call({**query_params(ECS_SEED_EXAMPLE), "Tag.2.key": "a", "Tag.2.value": "b"})
    assert (call.params["Tag.2.Key"], call.params["Tag.2.Value"]) == ("a", "b")


def test_ecs_alias_conflict_is_refused() -> None:
    params = {**query_params(ECS_SEED_EXAMPLE), "Tag.1.key": "Other"}
    assert error_at(params, "Tag.1.Key").type == "conflicting_alias"


def test_ecs_value_without_key_is_refused() -> None:
    params = {**query_params(ECS_SEED_EXAMPLE), "Tag.2.Value": "x"}
    assert error_at(params, "Tag.2.Key").type == "missing"


@pytest.mark.parametrize("n", [0, 21])
def test_ecs_tag_index_out_of_range_is_invalid_tag_count(n: int) -> None:
    params = {**query_params(ECS_SEED_EXAMPLE), f"Tag.{n}.Key": "x"}
    assert error_at(params, f"Tag.{n}.Key").provider_code == "InvalidTagCount"


def test_ecs_native_numbering_gaps_are_compacted_in_order() -> None:
    params = {**query_params(ECS_SEED_EXAMPLE), "Tag.7.Key": "b", "Tag.3.Key": "a"}
    call = only_call(params)
    assert [call.params[f"Tag.{n}.Key"] for n in (1, 2, 3)] == ["Finance", "a", "b"]


def test_ecs_native_refuses_unknown_or_non_string_parameters() -> None:
    params = query_params(ECS_SEED_EXAMPLE)
    assert error_at({**params, "Signature": "x"}, "Signature").type == "extra_forbidden"
    assert error_at({**params, "RegionId": 5}, "RegionId").type == "string_type"
    assert error_at({**params, "Action": "AddTags"}, "Action").type == "invalid_action"


def test_ecs_native_rules_still_apply() -> None:
    params = {**query_params(ECS_SEED_EXAMPLE), "ResourceType": "Snapshot"}
    assert error_at(params, "resource_type").provider_code == "InvalidResourceType.NotFound"


def test_envelope_fields_ride_along_with_native_bodies() -> None:
    params = query_params(ECS_SEED_EXAMPLE)
    plan = validation().plan(validation().request({**params, "dry_run": True, "id": "T-1"}))
    assert (plan.dry_run, plan.request_id) == (True, "T-1")


REDIS_NATIVE = {
    "Action": "UntagResources",
    "RegionId": "cn-hangzhou",
    "ResourceType": "INSTANCE",
    "ResourceId.1": "r-bp1zxszhcgatnx",
    "ResourceId.2": "r-bp1zxszhcgatny",
    "TagKey.1": "demokey",
    "TagKey.2": "other",
}


def test_redis_native_form() -> None:
    call = only_call(REDIS_NATIVE)
    assert call.operation == "UntagResources"
    assert call.params == {k: v for k, v in REDIS_NATIVE.items() if k != "Action"}


def test_redis_native_all_flag() -> None:
    body = {k: v for k, v in REDIS_NATIVE.items() if not k.startswith("TagKey")}
    assert only_call({**body, "All": "true"}).params["All"] == "true"
    assert error_at({**body, "All": "maybe"}, "All").type == "bool_type"


def test_redis_native_duplicate_key_is_the_vendor_error() -> None:
    error = error_at({**REDIS_NATIVE, "TagKey.2": "demokey"}, "TagKey.2")
    assert error.provider_code == "Duplicate.TagKey"


def test_redis_native_limits_are_the_vendor_errors() -> None:
    assert error_at({**REDIS_NATIVE, "TagKey.21": "x"}, "TagKey.21").provider_code == (
        "NumberExceed.Tags"
    )
    assert error_at({**REDIS_NATIVE, "ResourceId.51": "r-x"}, "ResourceId.51").provider_code == (
        "NumberExceed.ResourceIds"
    )


HUAWEI_NATIVE = {
    "region": "cn-north-4",
    "project_id": "0605767ea3000fd42f0cc00a2fa4d5d8",
    "server_id": "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8",
    "action": "delete",
    "tags": [{"key": "key1", "value": "value1"}, {"key": "key2", "value": "value3"}],
}


def test_huawei_seed_example_body() -> None:
    call = only_call(HUAWEI_NATIVE)
    assert call.body == {"action": "delete", "tags": HUAWEI_NATIVE["tags"]}
    assert call.path == (
        "/v1/0605767ea3000fd42f0cc00a2fa4d5d8/cloudservers/"
        "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8/tags/action"
    )


@pytest.mark.parametrize("action", ["DELETE", "create", "Delete"])
def test_huawei_action_is_lowercase_delete(action: str) -> None:
    assert error_at({**HUAWEI_NATIVE, "action": action}, "action").type == "invalid_action"


BAIDU_NATIVE = {
    "tags": [{"tagKey": "key1", "tagValue": "value1"}, {"tagKey": "key2", "tagValue": "value2"}]
}


@pytest.mark.usefixtures("allow_account_scope")
def test_baidu_seed_example_body() -> None:
    call = only_call(BAIDU_NATIVE)
    assert call.body == BAIDU_NATIVE
    assert (call.method, call.path, call.params) == ("PUT", "/v1/tag", {"delete": ""})


def test_baidu_native_unknown_version() -> None:
    assert error_at({**BAIDU_NATIVE, "version": "2"}, "version").type == "invalid_version"


def test_unrecognised_body_asks_for_provider() -> None:
    error = error_at({"foo": "bar"}, "provider")
    assert "aliyun-ecs" in error.message
