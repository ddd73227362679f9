"""The canonical request: structure, provider-agnostic errors, batches."""

from __future__ import annotations

import pytest

from tagstrip.domain.errors import InvalidRequest
from tagstrip.runtime.wiring import validation
from tests.unit.helpers import BAIDU, ECS, HUAWEI, REDIS, error_at, errors_of


@pytest.mark.usefixtures("allow_account_scope")
@pytest.mark.parametrize("payload", [ECS, REDIS, HUAWEI, BAIDU])
def test_one_valid_example_per_provider(payload: dict[str, object]) -> None:
    request = validation().request(payload)
    assert request.provider == payload["provider"]
    assert request.dry_run is False


def test_unknown_provider_lists_the_valid_ones() -> None:
    error = error_at(ECS, "provider", provider="aws-ec2")
    assert "aliyun-ecs" in error.message
    assert "baidu-tag" in error.message
    assert error.type == "literal_error"


def test_unknown_field_is_refused_not_ignored() -> None:
    assert error_at(ECS, "tagz", tagz=[]).type == "extra_forbidden"


def test_types_are_strict() -> None:
    assert error_at(ECS, "dry_run", dry_run="yes").type == "bool_type"
    assert error_at(ECS, "resource_ids.0", resource_ids=[42]).type == "string_type"
    assert error_at(ECS, "tags.0.value", tags=[{"key": "a", "value": 1}]).type == "string_type"


def test_request_must_be_an_object() -> None:
    for body, kind in (([1], "number"), ("x", "string"), (None, "null")):
        with pytest.raises(InvalidRequest) as caught:
            validation().batch(body)
        assert kind in str(caught.value)


def test_all_violations_are_reported_together() -> None:
    errors = errors_of(
        ECS,
        region=None,
        resource_type="Snapshot",
        resource_ids=[],
        tags=[{"key": ""}, {"key": "acs:owner"}],
        project_id="p",
    )
    paths = {e.path for e in errors}
    assert paths == {
        "project_id",
        "region",
        "resource_type",
        "resource_ids",
        "tags.0.key",
        "tags.1.key",
    }


def test_error_serialisation_has_path_message_and_vendor_code() -> None:
    error = error_at(ECS, "resource_type", resource_type="Snapshot")
    assert error.to_dict() == {
        "loc": ["resource_type"],
        "path": "resource_type",
        "message": error.message,
        "type": "invalid_resource_type",
        "provider_code": "InvalidResourceType.NotFound",
    }


def test_id_is_echoed_and_bounded() -> None:
    assert validation().request({**ECS, "id": "OPS-1"}).id == "OPS-1"
    assert error_at(ECS, "id", id="x" * 129).type == "string_too_long"


def test_batch_locates_errors_by_index() -> None:
    with pytest.raises(InvalidRequest) as caught:
        validation().batch([ECS, {**REDIS, "region": None}, {**BAIDU, "tags": []}])
    assert [e.path for e in caught.value.errors] == ["1.region", "2.tags"]


def test_batch_of_valid_requests() -> None:
    assert [r.provider for r in validation().batch([ECS, HUAWEI])] == ["aliyun-ecs", "huawei-ecs"]


def test_empty_batch_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="empty"):
        validation().batch([])


def test_unknown_api_profile_lists_the_profiles() -> None:
    error = error_at(ECS, "api_profile", api_profile="2099")
    assert "remove-tags-2018" in error.message


def test_fields_of_other_providers_are_refused() -> None:
    assert error_at(REDIS, "project_id", project_id="p").type == "not_applicable"
    assert error_at(ECS, "remove_all", remove_all=True).type == "not_applicable"
    assert error_at(HUAWEI, "remove_all", remove_all=True).type == "not_applicable"


@pytest.mark.parametrize("region", ["CN-SHENZHEN", "cn shenzhen", "", "cn-"])
def test_malformed_region_is_refused(region: str) -> None:
    assert error_at(ECS, "region", region=region).type == "invalid_region"


@pytest.mark.parametrize("rid", ["", "../etc", "i-abc/def", "i abc", "x" * 129])
def test_resource_ids_must_be_path_safe(rid: str) -> None:
    assert error_at(HUAWEI, "resource_ids.0", resource_ids=[rid]).type == "invalid_resource_id"


def test_repeated_resource_id_is_refused() -> None:
    error = error_at(ECS, "resource_ids.1", resource_ids=["s-1", "s-1"])
    assert error.type == "duplicate_resource_id"
