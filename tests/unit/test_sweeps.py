"""Sweeps (`where`) before any call: validation, the call count, the index query planned."""

from __future__ import annotations

from typing import Any

import pytest

from tagstrip.domain.errors import InvalidRequest
from tagstrip.runtime.wiring import validation

SWEEP: dict[str, Any] = {
    "provider": "aliyun-tag",
    "region": "cn-hangzhou",
    "where": {"tag": {"key": "tmp-owner", "value": "alice"}, "resource_types": ["ecs:disk"]},
}


def test_a_sweep_is_a_dry_run_unless_told_otherwise() -> None:
    assert validation().request(SWEEP).dry_run
    assert not validation().request({**SWEEP, "dry_run": False}).dry_run


def test_a_sweep_counts_its_first_index_page() -> None:
    assert validation().count_calls(validation().request(SWEEP)) == 1


def test_the_plan_is_one_index_query_by_tag() -> None:
    plan = validation().plan(validation().request(SWEEP))
    [call] = plan.calls
    assert (call.kind, call.operation, call.resource_ids) == ("read", "ListTagResources", [])
    assert call.params["Tags"] == '{"tmp-owner": "alice"}'
    assert call.params["RegionId"] == "cn-hangzhou"
    assert "every resource of type ecs:disk tagged tmp-owner=alice" in plan.summary


@pytest.mark.parametrize(
    ("changes", "path", "kind"),
    [
        ({"provider": "huawei-ecs", "project_id": "p"}, ("where",), "not_applicable"),
        ({"resource_ids": ["arn:acs:ecs:cn-hangzhou:1:disk/d-1"]}, ("resource_ids",), None),
        ({"where": {"tag": {"key": "", "value": "x"}}}, ("where", "tag", "key"), "empty"),
        ({"where": {"tag": {"key": "k", "value": "v"}, "resource_types": ["disk"]}}, None, None),
        ({"region": None}, ("region",), "missing"),
    ],
)
def test_bad_sweeps_are_located(
    changes: dict[str, Any], path: tuple[object, ...] | None, kind: str | None
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        validation().request({**SWEEP, **changes})
    located = {(error.loc, error.type) for error in caught.value.errors}
    expected = path or ("where", "resource_types", 0)
    assert expected in {loc for loc, _ in located}
    if kind is not None:
        assert (expected, kind) in located
