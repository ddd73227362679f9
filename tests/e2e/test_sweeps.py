"""Sweeps ("remove tag X from everything that carries it") from the entry points: the tag
index of the fake cloud is read page by page, then exactly the matching tags are removed."""

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
ACCOUNT = "1234567890123456"
#: The seed's resources carrying tmp-campaign=spring-sale (the slb one also a system tag).
SPRING = [
    f"arn:acs:ecs:cn-hangzhou:{ACCOUNT}:instance/i-bp1sweep01",
    f"arn:acs:slb:cn-hangzhou:{ACCOUNT}:instance/lb-bp1sweep02",
    f"arn:acs:oss:cn-hangzhou:{ACCOUNT}:bucket/tagstrip-spring-assets",
]
AUTUMN = f"arn:acs:ecs:cn-hangzhou:{ACCOUNT}:disk/d-bp1sweep04"
EXTRA = [f"arn:acs:ecs:cn-hangzhou:{ACCOUNT}:disk/d-bp1extra{n:02d}" for n in range(4)]
SWEEP = {
    "provider": "aliyun-tag",
    "region": "cn-hangzhou",
    "where": {"tag": {"key": "tmp-campaign", "value": "spring-sale"}},
}


@pytest.fixture
def paged(cloud: FakeCloud) -> list[str]:
    """More matching resources than one index page holds (2 a page: 4 pages)."""
    resources = [{"arn": arn, "tags": {"tmp-campaign": "spring-sale"}} for arn in EXTRA]
    cloud.seed({"aliyun-tag": {"list_page_size": 2, "resources": resources}})
    return SPRING + EXTRA


def campaign(cloud: FakeCloud, arn: str) -> str | None:
    return tags_of(cloud, "aliyun-tag", arn).get("tmp-campaign")


def operations(cloud: FakeCloud) -> list[str | None]:
    return [entry.operation for entry in cloud.journal.entries()]


def test_a_sweep_is_a_dry_run_by_default(
    post_signed: Post, cloud: FakeCloud, paged: list[str]
) -> None:
    assert_dry_run(single_result(post_signed(SWEEP), "dry_run"), paged)
    assert operations(cloud) == ["ListTagResources"] * 4
    assert all(campaign(cloud, arn) == "spring-sale" for arn in paged)


def test_dry_run_false_removes_exactly_the_tag_across_pages(
    post_signed: Post, cloud: FakeCloud, paged: list[str]
) -> None:
    response = post_signed({**SWEEP, "dry_run": False})
    assert response.status_code == 200, response.json
    assert operations(cloud) == ["ListTagResources"] * 4 + ["UntagResources"]
    [untag] = [e for e in cloud.journal.entries() if e.operation == "UntagResources"]
    assert untag.params["TagKey.1"] == "tmp-campaign"
    assert "TagKey.2" not in untag.params
    assert all(campaign(cloud, arn) is None for arn in paged)
    assert campaign(cloud, AUTUMN) == "autumn-sale"
    assert tags_of(cloud, "aliyun-tag", SPRING[1]) == {"acs:rm:rgId": "rg-acfm2pzmx5nt"}
    [result] = response.json["results"]
    removed = {view["resource_id"]: view["remove"] for view in result["resources"]}
    assert removed[SPRING[0]] == [{"key": "tmp-campaign", "value": "spring-sale"}]


def test_a_selector_and_resource_types_narrow_the_sweep(
    post_signed: Post, cloud: FakeCloud
) -> None:
    """Only ecs:instance and oss:bucket resources; the selector picks the tags to remove."""
    where: dict[str, Any] = {"tag": {"key": "tmp-campaign", "value": "spring-sale"}}
    where["resource_types"] = ["ecs:instance", "oss:bucket"]
    request = {**SWEEP, "where": where, "selector": {"key_glob": "*", "keep": ["owner"]}}
    response = post_signed({**request, "dry_run": False})
    assert response.status_code == 200, response.json
    assert tags_of(cloud, "aliyun-tag", SPRING[0]) == {"owner": "web"}
    assert tags_of(cloud, "aliyun-tag", SPRING[2]) == {}
    assert campaign(cloud, SPRING[1]) == "spring-sale"


def test_pages_past_the_call_budget_remove_nothing(
    post_signed: Post, cloud: FakeCloud, paged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAGSTRIP_MAX_CALLS", "3")
    assert_over_budget(post_signed({**SWEEP, "dry_run": False}))
    assert operations(cloud) == ["ListTagResources"] * 3
    assert all(campaign(cloud, arn) == "spring-sale" for arn in paged)


def test_the_sample_sweep_through_the_queue(queue_client: Client, cloud: FakeCloud) -> None:
    sweep_through_queue(queue_client, load_event("sweeps/aliyun-tag-campaign.json"))
    assert all(campaign(cloud, arn) is None for arn in SPRING)
    assert campaign(cloud, AUTUMN) == "autumn-sale"


@pytest.mark.parametrize(
    ("request_body", "path"),
    [
        ({**SWEEP, "resource_ids": SPRING[:1]}, "resource_ids"),
        ({**SWEEP, "provider": "aliyun-ecs", "resource_type": "instance"}, "where"),
        ({**SWEEP, "where": {"tag": {"value": "x"}}}, "where.tag.key"),
        ({**SWEEP, "where": {"tag": {"key": "tmp-campaign"}}}, "where.tag.value"),
    ],
)
def test_bad_sweeps_are_refused_with_a_field_path(
    post_signed: Post, cloud: FakeCloud, request_body: dict[str, Any], path: str
) -> None:
    assert_refused(post_signed(request_body), path)
    assert operations(cloud) == []
