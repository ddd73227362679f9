"""baidu-tag-resource rules, plans and native form: one tag a call, resources in slices."""

from __future__ import annotations

from typing import Any

import pytest

from tagstrip.domain.errors import InvalidRequest
from tagstrip.domain.models import Plan, Tag
from tagstrip.providers.baidu.tag_resource import RESOURCES_PER_CALL, BaiduTagResource
from tagstrip.runtime.wiring import validation
from tests.unit.helpers import error_at, errors_of, plan_of

DISKS: dict[str, Any] = {
    "provider": "baidu-tag-resource",
    "resource_type": "CDS",
    "region": "bj",
    "resource_ids": ["v-Nq3jxkSm", "v-7Hd2kLq0"],
    "tags": [{"key": "project", "value": "legacy-crm"}],
}


def many(count: int) -> list[str]:
    return [f"v-{n:04d}" for n in range(count)]


def test_one_call_unbinds_one_tag_from_the_listed_resources_only() -> None:
    plan = plan_of(DISKS)
    assert plan.scope == "resources"
    assert "only" in plan.summary
    [call] = plan.calls
    assert (call.method, call.path, call.params) == ("PUT", "/v1/resource", {})
    assert call.body == {
        "tagKey": "project",
        "tagValue": "legacy-crm",
        "serviceType": "CDS",
        "resources": [
            {"resourceId": "v-Nq3jxkSm", "serviceType": "CDS", "region": "bj"},
            {"resourceId": "v-7Hd2kLq0", "serviceType": "CDS", "region": "bj"},
        ],
    }
    assert (call.resource_ids, [str(t) for t in call.tags]) == (
        DISKS["resource_ids"],
        ["project=legacy-crm"],
    )


@pytest.mark.parametrize(
    ("tags", "resources", "calls"),
    [(1, 1, 1), (1, RESOURCES_PER_CALL, 1), (1, RESOURCES_PER_CALL + 1, 2), (3, 45, 9)],
)
def test_fewest_calls_one_per_tag_and_slice_and_counted_alike(
    tags: int, resources: int, calls: int
) -> None:
    request = validation().request(
        {
            **DISKS,
            "resource_ids": many(resources),
            "tags": [{"key": f"k{n}", "value": "v"} for n in range(tags)],
        }
    )
    plan: Plan = validation().plan(request)
    assert len(plan.calls) == calls == validation().count_calls(request)
    assert all(len(call.resource_ids) <= RESOURCES_PER_CALL for call in plan.calls)
    assert {len(call.tags) for call in plan.calls} == {1}
    pairs = {(str(call.tags[0]), rid) for call in plan.calls for rid in call.resource_ids}
    assert len(pairs) == tags * resources


def test_repeated_tags_cost_one_call() -> None:
    request = validation().request({**DISKS, "tags": DISKS["tags"] * 3})
    assert len(validation().plan(request).calls) == 1 == validation().count_calls(request)


def test_call_budget_counts_every_tag_and_slice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "2")
    body = {**DISKS, "resource_ids": many(RESOURCES_PER_CALL + 1)}
    validation().batch(body)
    with pytest.raises(InvalidRequest) as caught:
        validation().batch([body, DISKS])
    [error] = caught.value.errors
    assert (error.type, "3 provider calls" in error.message) == ("limit_exceeded", True)


@pytest.mark.parametrize("service_type", ["BCC", "CDS", "EIP", "SECURITY_GROUP", "DCC_BCC"])
def test_documented_service_types(service_type: str) -> None:
    assert plan_of(DISKS, resource_type=service_type).calls[0].body["serviceType"] == service_type


@pytest.mark.parametrize("service_type", ["bcc", "Cds", "EIP!", "", "B" * 65])
def test_service_type_is_spelled_as_the_tag_service_does(service_type: str) -> None:
    error = error_at(DISKS, "resource_type", resource_type=service_type)
    assert error.type == "invalid_resource_type"
    assert "BCC" in error.message


@pytest.mark.parametrize("region", ["bj", "gz", "su", "fsh", "hkg", "hk02", "global"])
def test_region_codes(region: str) -> None:
    assert plan_of(DISKS, region=region).calls[0].body["resources"][0]["region"] == region


@pytest.mark.parametrize("region", ["BJ", "b", "bj/..", "cn north"])
def test_region_must_be_a_region_code(region: str) -> None:
    assert error_at(DISKS, "region", region=region).type == "invalid_region"


def test_needs_type_region_resources_and_tags() -> None:
    errors = errors_of(DISKS, resource_type=None, region=None, resource_ids=[], tags=[])
    assert {e.path: e.type for e in errors} == {
        "resource_type": "missing",
        "region": "missing",
        "resource_ids": "missing",
        "tags": "missing",
    }
    assert [e.provider_code for e in errors if e.path == "tags"] == ["TagExceptions.TagEmpty"]


def test_tag_rules_are_the_tag_service_s() -> None:
    error = error_at(DISKS, "tags.0.key", tags=[{"key": "a=b", "value": "v"}])
    assert error.provider_code == "TagExceptions.TagKeyInvalid"
    error = error_at(DISKS, "tags.0.value", tags=[{"key": "k", "value": "v" * 66}])
    assert error.provider_code == "TagExceptions.TagValueInvalid"
    error = error_at(DISKS, "tags.0.value", tags=[{"key": "k"}])
    assert (error.type, "baidu-tag-resource" in error.message) == ("missing", True)
    plan_of(DISKS, tags=[{"key": "k", "value": ""}])


def test_resource_ids_are_checked_and_listed_once() -> None:
    assert error_at(DISKS, "resource_ids.0", resource_ids=["a/b"]).type == "invalid_resource_id"
    error = error_at(DISKS, "resource_ids.1", resource_ids=["v-1", "v-1"])
    assert error.type == "duplicate_resource_id"


def test_other_fields_do_not_apply() -> None:
    assert error_at(DISKS, "project_id", project_id="p").type == "not_applicable"


def test_not_account_scope_so_no_consent_is_needed() -> None:
    """Unlike baidu-tag, a real run needs no TAGSTRIP_ALLOW_ACCOUNT_SCOPE."""
    assert validation().request(DISKS).dry_run is False


NATIVE: dict[str, Any] = {
    "tagKey": "tmp-owner",
    "tagValue": "alice",
    "serviceType": "EIP",
    "resources": [
        {"resourceId": "eip-gz01abcd", "serviceType": "EIP", "region": "gz"},
        {"resourceId": "eip-gz02abcd", "serviceType": "EIP", "region": "gz"},
    ],
}


def test_native_body_is_read_as_its_canonical_request() -> None:
    request = validation().request({**NATIVE, "dry_run": True, "id": "T-1"})
    assert request.model_dump(exclude_defaults=True) == {
        "provider": "baidu-tag-resource",
        "resource_type": "EIP",
        "region": "gz",
        "resource_ids": ["eip-gz01abcd", "eip-gz02abcd"],
        "tags": [{"key": "tmp-owner", "value": "alice"}],
        "dry_run": True,
        "id": "T-1",
    }
    assert validation().plan(request).calls[0].body == NATIVE


def test_native_body_mistakes_are_located() -> None:
    resources = [
        {"resourceId": "eip-1", "serviceType": "BLB", "region": "gz"},
        {"resourceId": "eip-2", "serviceType": "EIP", "region": "bj", "extra": 1},
        "eip-3",
    ]
    errors = errors_of({**NATIVE, "resources": resources, "tagz": 1})
    assert {(e.path, e.type) for e in errors} == {
        ("tagz", "extra_forbidden"),
        ("resources.0.serviceType", "service_type_mismatch"),
        ("resources.1.extra", "extra_forbidden"),
        ("resources.1.region", "region_mismatch"),
        ("resources.2", "model_type"),
    }
    assert error_at({**NATIVE, "resources": []}, "resources").type == "list_type"


SWEEP: dict[str, Any] = {
    "provider": "baidu-tag-resource",
    "region": "bj",
    "where": {"tag": {"key": "tmp-campaign"}, "resource_types": ["CDS"]},
}


def test_a_sweep_is_one_index_query_by_key_in_the_region() -> None:
    [call] = validation().plan(validation().request(SWEEP)).calls
    assert (call.kind, call.path, call.resource_ids) == ("read", "/v1/tag/tagResources", [])
    assert call.params == {"tagKey": "tmp-campaign", "region": "bj", "resourceType": "CDS"}


def test_a_sweeps_writes_group_the_found_resources_by_service_type_and_region() -> None:
    found = ["BCC:bj:i-1", "CDS:bj:v-1", "BCC:bj:i-2"]
    request = (
        validation()
        .request(SWEEP)
        .model_copy(update={"tags": [Tag(key="tmp-campaign", value="x")], "resource_ids": found})
    )
    calls = BaiduTagResource().plan(request).calls
    assert [(c.body or {})["serviceType"] for c in calls] == ["BCC", "CDS"]
    assert [c.resource_ids for c in calls] == [["BCC:bj:i-1", "BCC:bj:i-2"], ["CDS:bj:v-1"]]
    assert (calls[1].body or {})["resources"] == [
        {"resourceId": "v-1", "serviceType": "CDS", "region": "bj"}
    ]
