"""huawei-tms sweeps from the webhook: the fake TMS index (ListResource) is read page by page,
and each resource found is untagged by a batch delete naming its own type and project."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import Client, load_event, tags_of
from tests.e2e.sweeps_support import (
    assert_dry_run,
    assert_over_budget,
    assert_refused,
    single_result,
    sweep_through_queue,
)

Post = Callable[..., Any]
PROJECT = "0605767ea3000fd42f0cc00a2fa4d5d8"
#: The seed's disk and VPC in PROJECT carry tmp-owner=alice (the VPC also a _sys_ tag).
DISK, VPC = "6b3a9f5e-2d1c-4e8a-9b7f-0c1d2e3f4a5b", "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a"
OTHER_ECS, CDN = "c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f", "ff80808279b1c5a3017a0b5b1e2c0d3f"
EXTRA = [f"0a0b0c0d-0000-4000-8000-{n:012d}" for n in range(4)]
SWEEP = {
    "provider": "huawei-tms",
    "project_id": PROJECT,
    "where": {"tag": {"key": "tmp-owner", "value": "alice"}, "resource_types": ["disk", "vpcs"]},
}


@pytest.fixture
def paged(cloud: FakeCloud) -> list[str]:
    """More matching resources than one index page holds (2 a page: 3 pages)."""
    extra = [
        {"project_id": PROJECT, "type": "disk", "id": rid, "tags": {"tmp-owner": "alice"}}
        for rid in EXTRA
    ]
    cloud.seed({"huawei-tms": {"list_page_size": 2, "resources": extra}})
    return [DISK, VPC, *EXTRA]


def owner(cloud: FakeCloud, resource_id: str) -> str | None:
    return tags_of(cloud, "huawei-tms", resource_id).get("tmp-owner")


def operations(cloud: FakeCloud) -> list[str | None]:
    return [entry.operation for entry in cloud.journal.entries(provider="huawei-tms")]


def test_a_sweep_is_a_dry_run_listing_every_page(
    post_signed: Post, cloud: FakeCloud, paged: list[str]
) -> None:
    assert_dry_run(single_result(post_signed(SWEEP), "dry_run"), paged)
    assert operations(cloud) == ["ListResource"] * 3
    assert all(owner(cloud, rid) == "alice" for rid in paged)


def test_dry_run_false_removes_exactly_the_tag_by_type_and_project(
    post_signed: Post, cloud: FakeCloud, paged: list[str]
) -> None:
    response = post_signed({**SWEEP, "dry_run": False})
    assert response.status_code == 200, response.json
    assert operations(cloud) == ["ListResource"] * 3 + ["DeleteResourceTag"]
    [delete] = [e for e in cloud.journal.entries() if e.operation == "DeleteResourceTag"]
    assert delete.body["project_id"] == PROJECT
    assert delete.body["tags"] == [{"key": "tmp-owner", "value": "alice"}]
    kinds = {item["resource_id"]: item["resource_type"] for item in delete.body["resources"]}
    assert kinds == {rid: "vpcs" if rid == VPC else "disk" for rid in paged}
    assert all(owner(cloud, rid) is None for rid in paged)
    assert tags_of(cloud, "huawei-tms", VPC) == {
        "env": "staging",
        "_sys_enterprise_project_id": "0",
    }
    assert owner(cloud, OTHER_ECS) == "bob"
    assert owner(cloud, CDN) == "carol"


def test_pages_past_the_call_budget_remove_nothing(
    post_signed: Post, cloud: FakeCloud, paged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "2")
    assert_over_budget(post_signed({**SWEEP, "dry_run": False}))
    assert operations(cloud) == ["ListResource"] * 2
    assert all(owner(cloud, rid) == "alice" for rid in paged)


def test_the_sample_sweep_through_the_queue(queue_client: Client, cloud: FakeCloud) -> None:
    sweep_through_queue(queue_client, load_event("sweeps/huawei-tms-owner.json"))
    assert owner(cloud, DISK) is None
    assert owner(cloud, VPC) is None
    assert owner(cloud, CDN) == "carol"
    assert owner(cloud, OTHER_ECS) == "bob"


@pytest.mark.parametrize(
    ("request_body", "path"),
    [
        ({**SWEEP, "resource_ids": [DISK]}, "resource_ids"),
        ({**SWEEP, "where": {"tag": {"key": "tmp-owner"}}}, "where.resource_types"),
        ({**SWEEP, "project_id": None}, "project_id"),
        (
            {**SWEEP, "where": {"tag": {"key": "_sys_x"}, "resource_types": ["disk"]}},
            "where.tag.key",
        ),
    ],
)
def test_bad_sweeps_are_refused_with_a_field_path(
    post_signed: Post, cloud: FakeCloud, request_body: dict[str, Any], path: str
) -> None:
    assert_refused(post_signed({k: v for k, v in request_body.items() if v is not None}), path)
    assert operations(cloud) == []
