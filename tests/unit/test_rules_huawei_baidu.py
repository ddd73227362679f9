"""Huawei ECS batch delete and Baidu tag service rules, each accepted and refused."""

from __future__ import annotations

import pytest

from tests.unit.helpers import BAIDU, HUAWEI, error_at, errors_of, plan_of

# --- Huawei ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["a", "Key_1-x", "k" * 128, "\u4e00\u9fff", "\u6807\u7b7e-tag", "A1b2"]
)
def test_huawei_accepts_documented_key_charset(key: str) -> None:
    assert plan_of(HUAWEI, tags=[{"key": key}]).calls[0].body == {
        "action": "delete",
        "tags": [{"key": key}],
    }


@pytest.mark.parametrize("char", [*"=*<>\\,|/", ".", " ", ":", "\u00e9", "\u3042"])
def test_huawei_refuses_key_characters(char: str) -> None:
    error = error_at(HUAWEI, "tags.0.key", tags=[{"key": f"a{char}b"}])
    assert error.type == "invalid_character"
    assert f"U+{ord(char):04X}" in error.message


def test_huawei_key_length() -> None:
    assert error_at(HUAWEI, "tags.0.key", tags=[{"key": ""}]).type == "empty"
    assert error_at(HUAWEI, "tags.0.key", tags=[{"key": "k" * 129}]).type == "too_long"


@pytest.mark.parametrize("value", ["", "v1.2", "a-b_c", "v" * 255, "\u4e2d\u6587"])
def test_huawei_accepts_documented_value_charset(value: str) -> None:
    plan_of(HUAWEI, tags=[{"key": "k", "value": value}])


@pytest.mark.parametrize("char", [*":=*<>\\,|", "/", " "])
def test_huawei_refuses_value_characters(char: str) -> None:
    error = error_at(HUAWEI, "tags.0.value", tags=[{"key": "k", "value": f"v{char}"}])
    assert error.type == "invalid_character"


def test_huawei_value_length() -> None:
    error = error_at(HUAWEI, "tags.0.value", tags=[{"key": "k", "value": "v" * 256}])
    assert error.type == "too_long"


def test_huawei_system_tags_are_never_removed() -> None:
    error = error_at(HUAWEI, "tags.0.key", tags=[{"key": "_sys_enterprise_project_id"}])
    assert error.type == "reserved_key"


def test_huawei_server_carries_at_most_20_tags() -> None:
    plan_of(HUAWEI, tags=[{"key": f"k{i}"} for i in range(20)])
    error = error_at(HUAWEI, "tags", tags=[{"key": f"k{i}"} for i in range(21)])
    assert error.type == "too_many"


def test_huawei_chunks_at_10_tags_a_call() -> None:
    plan = plan_of(HUAWEI, tags=[{"key": f"k{i}"} for i in range(20)])
    assert [len(call.body["tags"]) for call in plan.calls if call.body] == [10, 10]


def test_huawei_path_holds_project_and_server() -> None:
    plan = plan_of(HUAWEI, resource_ids=["srv-1", "srv-2"])
    assert [call.path for call in plan.calls] == [
        "/v1/0605767ea3000fd42f0cc00a2fa4d5d8/cloudservers/srv-1/tags/action",
        "/v1/0605767ea3000fd42f0cc00a2fa4d5d8/cloudservers/srv-2/tags/action",
    ]
    assert all(call.method == "POST" for call in plan.calls)


def test_huawei_needs_project_region_servers_and_tags() -> None:
    errors = errors_of(HUAWEI, project_id=None, region=None, resource_ids=[], tags=[])
    assert {e.path for e in errors} == {"project_id", "region", "resource_ids", "tags"}


@pytest.mark.parametrize("project_id", ["", "a/b", "../x", "p q"])
def test_huawei_project_id_must_be_path_safe(project_id: str) -> None:
    error = error_at(HUAWEI, "project_id", project_id=project_id)
    assert error.type == "invalid_project_id"


def test_huawei_is_always_a_server() -> None:
    plan_of(HUAWEI, resource_type="server")
    assert error_at(HUAWEI, "resource_type", resource_type="disk").type == "invalid_resource_type"


def test_huawei_key_unique_per_request() -> None:
    tags = [{"key": "k", "value": "a"}, {"key": "k", "value": "b"}]
    assert error_at(HUAWEI, "tags.1.key", tags=tags).type == "duplicate_key"


# --- Baidu -------------------------------------------------------------------------------


@pytest.mark.usefixtures("allow_account_scope")
def test_baidu_is_account_wide_and_says_so() -> None:
    plan = plan_of(BAIDU)
    assert plan.scope == "account"
    assert "whole account" in plan.summary
    call = plan.calls[0]
    assert (call.method, call.path, call.params) == ("PUT", "/v1/tag", {"delete": ""})
    assert call.body == {"tags": [{"tagKey": "key1", "tagValue": "value1"}]}


def test_baidu_refuses_resource_ids_and_region_with_reason() -> None:
    error = error_at(BAIDU, "resource_ids", resource_ids=["i-1"])
    assert "whole account" in error.message
    assert "global" in error_at(BAIDU, "region", region="bj").message


def test_baidu_empty_tag_list() -> None:
    assert error_at(BAIDU, "tags", tags=[]).provider_code == "TagExceptions.TagEmpty"


def test_baidu_empty_key() -> None:
    error = error_at(BAIDU, "tags.0.key", tags=[{"key": "", "value": "v"}])
    assert error.provider_code == "TagExceptions.TagKeyEmpty"


def test_baidu_invalid_key_and_value() -> None:
    error = error_at(BAIDU, "tags.0.key", tags=[{"key": "a=b", "value": "v"}])
    assert error.provider_code == "TagExceptions.TagKeyInvalid"
    error = error_at(BAIDU, "tags.0.key", tags=[{"key": "k" * 66, "value": "v"}])
    assert error.provider_code == "TagExceptions.TagKeyInvalid"
    error = error_at(BAIDU, "tags.0.value", tags=[{"key": "k", "value": "v*"}])
    assert error.provider_code == "TagExceptions.TagValueInvalid"


@pytest.mark.usefixtures("allow_account_scope")
def test_baidu_needs_a_value_but_accepts_empty() -> None:
    assert error_at(BAIDU, "tags.0.value", tags=[{"key": "k"}]).type == "missing"
    plan_of(BAIDU, tags=[{"key": "k", "value": ""}])


@pytest.mark.usefixtures("allow_account_scope")
def test_baidu_default_tag_is_skipped_not_sent() -> None:
    plan = plan_of(BAIDU, tags=[{"key": "Default tag", "value": ""}, {"key": "a", "value": "b"}])
    assert [str(s.tag) for s in plan.skipped] == ["Default tag="]
    assert plan.calls[0].body == {"tags": [{"tagKey": "a", "tagValue": "b"}]}


@pytest.mark.usefixtures("allow_account_scope")
def test_baidu_only_default_tag_makes_no_call() -> None:
    plan = plan_of(BAIDU, tags=[{"key": "Default tag", "value": ""}])
    assert plan.calls == []
    assert len(plan.skipped) == 1


@pytest.mark.usefixtures("allow_account_scope")
def test_baidu_default_key_with_a_value_is_an_ordinary_tag() -> None:
    plan = plan_of(BAIDU, tags=[{"key": "Default tag", "value": "x"}])
    assert plan.skipped == []
    assert len(plan.calls) == 1


@pytest.mark.usefixtures("allow_account_scope")
def test_baidu_same_key_different_values_are_distinct_tags() -> None:
    plan = plan_of(BAIDU, tags=[{"key": "env", "value": "a"}, {"key": "env", "value": "b"}])
    assert len(plan.calls[0].tags) == 2
