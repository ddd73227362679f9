"""aliyun-tag: ARNs and their regions, keys only, the covering bound with 10 keys a call,
the native form, and the endpoint per region."""

from __future__ import annotations

from typing import Any

import pytest

from tagstrip.domain.covering import cover_size
from tagstrip.providers import spec_for
from tagstrip.providers.aliyun import default_endpoint
from tagstrip.runtime.wiring import validation
from tests.unit.helpers import error_at, plan_of

ACCOUNT = "1234567890123456"


def arn(resource: str, region: str = "cn-hangzhou", product: str = "ecs") -> str:
    return f"arn:acs:{product}:{region}:{ACCOUNT}:{resource}"


TAG: dict[str, Any] = {
    "provider": "aliyun-tag",
    "resource_ids": [arn("disk/d-1"), arn("vpc/vpc-1", product="vpc")],
    "tags": [{"key": "tmp-owner"}],
}


def test_region_comes_from_the_arns() -> None:
    [call] = plan_of(TAG).calls
    assert call.region == "cn-hangzhou"
    assert call.params == {
        "RegionId": "cn-hangzhou",
        "ResourceARN.1": arn("disk/d-1"),
        "ResourceARN.2": arn("vpc/vpc-1", product="vpc"),
        "TagKey.1": "tmp-owner",
    }


def test_arns_of_several_regions_are_sent_to_each_region() -> None:
    plan = plan_of(TAG, resource_ids=[arn("disk/d-1"), arn("disk/d-2", "cn-shanghai")])
    assert [(c.region, c.params["RegionId"], c.resource_ids) for c in plan.calls] == [
        ("cn-hangzhou", "cn-hangzhou", [arn("disk/d-1")]),
        ("cn-shanghai", "cn-shanghai", [arn("disk/d-2", "cn-shanghai")]),
    ]


def test_a_star_region_takes_the_requests() -> None:
    star = "arn:acs:ecs:*:*:disk/d-1"
    [call] = plan_of(TAG, region="cn-beijing", resource_ids=[star]).calls
    assert (call.region, call.resource_ids) == ("cn-beijing", [star])


@pytest.mark.parametrize(
    ("changes", "path", "code"),
    [
        ({"resource_ids": ["d-1"]}, "resource_ids.0", "InvalidResourceARN.FormatError"),
        ({"resource_ids": ["arn:acs:ecs:cn-hangzhou:12:disk/"]}, "resource_ids.0",
         "InvalidResourceARN.FormatError"),
        ({"resource_ids": ["arn:acs:ecs:*:*:disk/d-1"]}, "resource_ids.0",
         "InvalidResourceARN.Region"),
        ({"region": "cn-shanghai"}, "resource_ids.0", "InvalidResourceARN.Region"),
        ({"resource_ids": []}, "resource_ids", "MissingParameter.ResourceIds"),
        ({"tags": []}, "tags", "MissingParameter.TagKey"),
        ({"tags": [{"key": "acs:rm:rgId"}]}, "tags.0.key", "NoPermission.SystemTag"),
        ({"tags": [{"key": "k" * 129}]}, "tags.0.key", "InvalidParameter.TagKey"),
    ],
)  # fmt: skip
def test_rules_with_the_vendors_codes(changes: dict[str, Any], path: str, code: str) -> None:
    assert error_at(TAG, path, **changes).provider_code == code


@pytest.mark.parametrize(
    ("changes", "path", "kind"),
    [
        ({"tags": [{"key": "k", "value": "v"}]}, "tags.0.value", "value_not_supported"),
        ({"remove_all": True}, "remove_all", "not_applicable"),
        ({"resource_type": "disk"}, "resource_type", "not_applicable"),
        ({"resource_ids": [arn("disk/d-1"), arn("disk/d-1")]}, "resource_ids.1", "duplicate_arn"),
    ],
)
def test_what_the_tag_api_cannot_express(changes: dict[str, Any], path: str, kind: str) -> None:
    assert error_at(TAG, path, **changes).type == kind


@pytest.mark.parametrize(("resources", "keys"), [(1, 10), (1, 11), (50, 10), (60, 15), (51, 21)])
def test_fewest_calls_within_fifty_arns_and_ten_keys(resources: int, keys: int) -> None:
    request = validation().request(
        {
            **TAG,
            "resource_ids": [arn(f"disk/d-{n}") for n in range(resources)],
            "tags": [{"key": f"k{n}"} for n in range(keys)],
        }
    )
    plan = validation().plan(request)
    assert len(plan.calls) == cover_size(resources, keys, (50, 10))
    assert spec_for("aliyun-tag").count_calls(request) == len(plan.calls)
    assert all(len(c.resource_ids) <= 50 and len(c.tags) <= 10 for c in plan.calls)
    pairs = {(r, t.key) for c in plan.calls for r in c.resource_ids for t in c.tags}
    assert len(pairs) == resources * keys


def test_native_numbered_and_list_forms() -> None:
    numbered = {
        "Action": "UntagResources",
        "Version": "2018-08-28",
        "RegionId": "cn-hangzhou",
        "ResourceARN.1": arn("disk/d-1"),
        "TagKey.1": "env",
    }
    listed = {"RegionId": "cn-hangzhou", "ResourceARN": [arn("disk/d-1")], "TagKey": ["env"]}
    for body in (numbered, listed):
        request = validation().request(body)
        assert (request.provider, request.region, request.resource_ids, request.tags[0].key) == (
            "aliyun-tag",
            "cn-hangzhou",
            [arn("disk/d-1")],
            "env",
        )


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        ({"ResourceARN.51": arn("disk/d-1"), "TagKey.1": "k"}, "ResourceARN.51",
         "NumberExceed.ResourceIds"),
        ({"ResourceARN.1": arn("disk/d-1"), "TagKey.11": "k"}, "TagKey.11", "NumberExceed.Tags"),
        ({"ResourceARN": [arn(f"disk/d-{n}") for n in range(51)], "TagKey": ["k"]},
         "ResourceARN", "NumberExceed.ResourceIds"),
        ({"ResourceARN": "not a list", "TagKey": ["k"]}, "ResourceARN", None),
        ({"ResourceARN.1": arn("disk/d-1"), "TagKey.1": "k", "All": "true"}, "All", None),
    ],
)  # fmt: skip
def test_native_errors(body: dict[str, Any], path: str, code: str | None) -> None:
    assert error_at(body, path).provider_code == code


def test_endpoint_per_region() -> None:
    assert default_endpoint("aliyun-tag", "cn-shanghai") == "https://tag.cn-shanghai.aliyuncs.com"
    assert default_endpoint("aliyun-tag", "us-west-1") == "https://tag.us-east-1.aliyuncs.com"
    assert default_endpoint("aliyun-tag", "cn-wuhan") == "https://tag.aliyuncs.com"


def test_a_redis_native_body_is_still_redis() -> None:
    body = {"Action": "UntagResources", "RegionId": "cn-hangzhou", "ResourceId.1": "r-1"}
    assert validation().request({**body, "TagKey.1": "k"}).provider == "aliyun-redis"
