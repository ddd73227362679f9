"""Huawei TMS ListResource (``POST /v1.0/resource-instances/filter``), the tag index a sweep
reads: its filters, offset/limit paging up to total_count, its codes, and the signed
X-Domain-Id; plain requests signed by the vendor's SDK code, and the SDK's own TmsClient."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from huaweicloudsdktms.v1 import ListResourceRequest, ResqTagResource, Tag

from tagstrip_testkit.fakecloud import FakeCloud

from . import vendors
from .test_huawei_tms import CDN, DISK, PROJECT, VPC, assert_tms_error, sdk_client

PATH = "/v1.0/resource-instances/filter"
OTHER_PROJECT_ECS = "c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f"


def query(cloud: FakeCloud, body: Any, **options: Any) -> httpx.Response:
    options.setdefault("domain_id", cloud.credentials.huawei_domain_id)
    return vendors.huawei(cloud, "POST", PATH, body, **options)


def owners(*values: str, types: list[str], **extra: Any) -> dict[str, Any]:
    tags = [{"key": "tmp-owner", "values": list(values)}]
    return {"project_id": PROJECT, "resource_types": types, "tags": tags, **extra}


def found(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["resource_id"] for item in response.json()["resources"]]


def test_filters_by_type_project_and_tag_values(seeded_cloud: FakeCloud) -> None:
    response = query(seeded_cloud, owners(types=["disk", "vpcs", "ecs", "cdn"]))
    assert found(response) == [DISK, VPC, CDN]  # the ecs is in another project
    assert response.json()["total_count"] == 3
    assert found(query(seeded_cloud, owners("alice", types=["vpcs", "cdn"]))) == [VPC]
    assert found(query(seeded_cloud, owners("carol", "alice", types=["cdn"]))) == [CDN]
    item = query(seeded_cloud, owners(types=["vpcs"])).json()["resources"][0]
    assert (item["resource_type"], item["project_id"]) == ("vpcs", PROJECT)
    assert {"key": "_sys_enterprise_project_id", "value": "0"} in item["tags"]


def test_pages_by_offset_and_limit_up_to_total_count(seeded_cloud: FakeCloud) -> None:
    every = owners(types=["disk", "vpcs", "cdn"])
    pages = [found(query(seeded_cloud, {**every, "offset": n, "limit": 2})) for n in (0, 2, 4)]
    assert pages == [[DISK, VPC], [CDN], []]
    seeded_cloud.seed({"huawei-tms": {"list_page_size": 1}})
    page = query(seeded_cloud, {**every, "limit": 200}).json()
    assert (len(page["resources"]), page["total_count"]) == (1, 3)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (owners(types=[]), 400, "TMS.0002"),
        (owners(types=["disk"], limit=201), 400, "TMS.0002"),
        (owners(types=["disk"], offset=-1), 400, "TMS.0002"),
        ({"project_id": PROJECT, "resource_types": ["disk"]}, 400, "TMS.0002"),
        (owners(types=["no-such-type"]), 400, "TMS.5027"),
        ({"resource_types": ["disk"], "tags": [{"key": "a", "values": []}]}, 400, "TMS.2011"),
        (owners(types=["disk"], tags=[]), 400, "TMS.0012"),
    ],
)
def test_bad_queries_get_the_documented_codes(
    seeded_cloud: FakeCloud, body: dict[str, Any], status: int, code: str
) -> None:
    assert_tms_error(query(seeded_cloud, body), status, code)


def test_the_domain_header_is_required(seeded_cloud: FakeCloud) -> None:
    response = query(seeded_cloud, owners(types=["disk"]), domain_id=None)
    assert response.status_code == 401


def test_the_sdk_client_lists_resources_by_tag(seeded_cloud: FakeCloud) -> None:
    client = sdk_client(seeded_cloud, seeded_cloud.credentials.huawei_domain_id)
    body = ResqTagResource(
        project_id=PROJECT,
        resource_types=["disk", "vpcs"],
        tags=[Tag(key="tmp-owner", values=["alice"])],
        offset=1,
        limit=1,
    )
    answer = client.list_resource(ListResourceRequest(body=body))
    assert answer.total_count == 2
    assert [(r.resource_id, r.resource_type) for r in answer.resources] == [(VPC, "vpcs")]
