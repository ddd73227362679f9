"""huawei-tms from the entry points: resources of several services and projects untagged through
TMS on the fake cloud (signed, with X-Domain-Id), answers per resource, selectors read first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tagstrip_testkit.fakecloud import FakeCloud
from tests.e2e.conftest import Client, load_event, tags_of
from tests.e2e.test_deliveries import post_json, pubsub_push

Post = Callable[..., Any]
PROJECT = "0605767ea3000fd42f0cc00a2fa4d5d8"
DISK = "6b3a9f5e-2d1c-4e8a-9b7f-0c1d2e3f4a5b"
VPC = "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a"
VM = "c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f"
CDN = "ff80808279b1c5a3017a0b5b1e2c0d3f"


def tags(cloud: FakeCloud, resource_id: str) -> dict[str, str]:
    return tags_of(cloud, "huawei-tms", resource_id)


def test_resources_of_several_services_one_call_a_project(
    post_signed: Post, cloud: FakeCloud
) -> None:
    response = post_signed(load_event("canonical/huawei-tms-resources.json"))
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    assert [(c["resource_ids"], c["outcome"]) for c in result["calls"]] == [
        ([DISK, VPC], "removed"),
        ([CDN], "removed"),
    ]
    # Calls of different resources run concurrently: their order in the journal varies.
    projects = [e.body.get("project_id") for e in cloud.journal.entries()]
    assert sorted(projects, key=str) == sorted([PROJECT, None], key=str)
    assert "tmp-owner" not in tags(cloud, DISK)
    assert tags(cloud, VPC) == {"env": "staging", "_sys_enterprise_project_id": "0"}
    assert tags(cloud, CDN) == {"site": "www"}


def test_typed_ids_and_a_resource_gone(post_signed: Post, cloud: FakeCloud) -> None:
    """TMS lists the resource it did not find; it is skipped, the other one untagged."""
    request = load_event("canonical/huawei-tms-typed-ids.json")
    request["resource_ids"] = [VM, "0d0d0d0d-gone"]
    response = post_signed(request)
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    assert [(c["resource_ids"], c["outcome"], c["error_code"]) for c in result["calls"]] == [
        ([VM], "removed", None),
        (["0d0d0d0d-gone"], "skipped", "TMS.0005"),
    ]
    assert tags(cloud, VM) == {"tmp-owner": "bob", "owner": "web"}


def test_native_body_through_the_webhook(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed(load_event("native/huawei-tms-batch-delete.json"))
    assert response.status_code == 200, response.json
    assert "backup" not in tags(cloud, DISK)


def test_selector_reads_then_removes_what_matches(post_signed: Post, cloud: FakeCloud) -> None:
    response = post_signed(load_event("selectors/huawei-tms-tmp-glob.json"))
    assert response.status_code == 200, response.json
    [result] = response.json["results"]
    operations = [(c["operation"], c["outcome"]) for c in result["calls"]]
    assert operations == [
        ("ShowResourceTag", "read"),
        ("ShowResourceTag", "read"),
        ("DeleteResourceTag", "removed"),
        ("DeleteResourceTag", "removed"),
    ]
    assert tags(cloud, VPC) == {"env": "staging", "_sys_enterprise_project_id": "0"}
    assert tags(cloud, VM) == {"owner": "web"}


def test_a_queue_delivery(queue_client: Client, cloud: FakeCloud) -> None:
    envelope = pubsub_push(load_event("canonical/huawei-tms-typed-ids.json"))
    response = post_json(queue_client, envelope)
    assert response.status_code == 200, response.json
    assert "tmp-ticket" not in tags(cloud, VM)


def test_without_a_domain_id_nothing_is_sent(
    post_signed: Post, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUAWEICLOUD_SDK_DOMAIN_ID")
    response = post_signed(load_event("canonical/huawei-tms-typed-ids.json"))
    assert response.status_code == 500, response.json
    assert response.json["error"] == "configuration_error"
    assert response.json["variable"] == "HUAWEICLOUD_SDK_DOMAIN_ID"
    assert len(cloud.journal) == 0
