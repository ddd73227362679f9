"""Huawei TMS batch delete and show: the documented limits and codes, failed_resources, and
the signed X-Domain-Id a global service wants; requests signed by the vendor's SDK code, and
the SDK's own TmsClient as a client."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdktms.v1 import (
    DeleteResourceTagRequest,
    DeleteTagRequest,
    ReqDeleteTag,
    ResourceTagBody,
    TmsClient,
)

from tagstrip_testkit.fakecloud import FakeCloud

from . import vendors

PATH = "/v1.0/resource-tags/batch-delete"
PROJECT = "0605767ea3000fd42f0cc00a2fa4d5d8"
DISK = "6b3a9f5e-2d1c-4e8a-9b7f-0c1d2e3f4a5b"
VPC = "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a"
CDN = "ff80808279b1c5a3017a0b5b1e2c0d3f"


def delete(cloud: FakeCloud, body: Any, **options: Any) -> httpx.Response:
    options.setdefault("domain_id", cloud.credentials.huawei_domain_id)
    return vendors.huawei(cloud, "POST", PATH, body, **options)


def regional(*resources: tuple[str, str], tags: Any) -> dict[str, Any]:
    items = [{"resource_id": rid, "resource_type": kind} for rid, kind in resources]
    return {"project_id": PROJECT, "resources": items, "tags": tags}


def tags_of(cloud: FakeCloud, resource_id: str) -> dict[str, str]:
    (found,) = [r for r in cloud.state()["huawei-tms"]["resources"] if r["id"] == resource_id]
    tags: dict[str, str] = found["tags"]
    return tags


def assert_tms_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["error_code"] == code
    assert response.headers["X-Request-Id"]


def test_removes_from_every_resource_by_key_and_by_pair(seeded_cloud: FakeCloud) -> None:
    body = regional(
        (DISK, "disk"),
        (VPC, "vpcs"),
        tags=[{"key": "tmp-owner"}, {"key": "env", "value": "prod"}, {"key": "absent"}],
    )
    response = delete(seeded_cloud, body)
    assert response.status_code == 200
    assert response.json() == {"failed_resources": []}
    assert tags_of(seeded_cloud, DISK) == {"env": "staging", "backup": "weekly"}
    assert "tmp-owner" not in tags_of(seeded_cloud, VPC)
    (entry,) = seeded_cloud.journal.entries(provider="huawei-tms")
    assert entry.operation == "DeleteResourceTag"
    assert entry.resource_ids == (DISK, VPC)


def test_a_global_resource_needs_no_project(seeded_cloud: FakeCloud) -> None:
    body = {"resources": [{"resource_id": CDN, "resource_type": "cdn"}], "tags": [{"key": "site"}]}
    assert delete(seeded_cloud, body).json() == {"failed_resources": []}
    assert tags_of(seeded_cloud, CDN) == {"tmp-owner": "carol"}


def test_an_unknown_resource_is_listed_and_the_others_untagged(seeded_cloud: FakeCloud) -> None:
    body = regional((DISK, "disk"), ("no-such-disk", "disk"), tags=[{"key": "backup"}])
    response = delete(seeded_cloud, body)
    assert response.status_code == 200
    assert response.json() == {
        "failed_resources": [
            {
                "resource_id": "no-such-disk",
                "resource_type": "disk",
                "error_code": "TMS.0005",
                "error_msg": "Resource not found.",
            }
        ]
    }
    assert "backup" not in tags_of(seeded_cloud, DISK)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (regional((DISK, "disk"), tags=[]), "TMS.0012"),
        (regional((DISK, "disk"), tags=[{"key": ""}]), "TMS.0013"),
        (regional((DISK, "disk"), tags=[{"key": "k" * 37}]), "TMS.0009"),
        (regional((DISK, "disk"), tags=[{"key": "a b"}]), "TMS.0009"),
        (regional((DISK, "disk"), tags=[{"key": "k", "value": "v" * 44}]), "TMS.0010"),
        (regional((DISK, "Disk"), tags=[{"key": "k"}]), "TMS.5027"),
        (
            {"resources": [{"resource_id": DISK, "resource_type": "disk"}], "tags": [{"key": "k"}]},
            "TMS.2011",
        ),
        (regional((DISK, "disk"), tags=[{"key": f"k{n}"} for n in range(11)]), "TMS.0002"),
        (regional(*[(f"d-{n}", "disk") for n in range(21)], tags=[{"key": "k"}]), "TMS.0002"),
        ({"action": "delete", "tags": [{"key": "k"}]}, "TMS.0002"),
    ],
)
def test_documented_limits_refuse_the_whole_call(
    seeded_cloud: FakeCloud, body: dict[str, Any], code: str
) -> None:
    before = seeded_cloud.state()
    assert_tms_error(delete(seeded_cloud, body), 400, code)
    assert seeded_cloud.state() == before


def test_the_limits_themselves_pass(seeded_cloud: FakeCloud) -> None:
    tags = [{"key": "k" * 36, "value": "v." * 21 + "v"}, {"key": "中文-键_1", "value": ""}]
    tags += [{"key": f"k{n}"} for n in range(8)]
    resources = [(DISK, "disk"), *[(f"d-{n}", "disk") for n in range(19)]]
    response = delete(seeded_cloud, regional(*resources, tags=tags))
    assert response.status_code == 200
    assert len(response.json()["failed_resources"]) == 19


def test_the_docs_fifty_resources_when_seeded(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.seed({"huawei-tms": {"resources_per_call": 50}})
    resources = [(f"d-{n}", "disk") for n in range(50)]
    assert delete(seeded_cloud, regional(*resources, tags=[{"key": "k"}])).status_code == 200


def test_show_resource_tag(seeded_cloud: FakeCloud) -> None:
    query = [("project_id", PROJECT), ("resource_type", "disk")]
    path = f"/v2.0/resources/{DISK}/tags"
    domain = seeded_cloud.credentials.huawei_domain_id
    response = vendors.huawei(seeded_cloud, "GET", path, query=query, domain_id=domain)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "tags": [
            {"key": "tmp-owner", "value": "alice"},
            {"key": "env", "value": "staging"},
            {"key": "backup", "value": "weekly"},
        ]
    }
    gone = vendors.huawei(
        seeded_cloud, "GET", "/v2.0/resources/nope/tags", query=query, domain_id=domain
    )
    assert_tms_error(gone, 404, "TMS.0005")


def test_without_the_domain_id_the_gateway_refuses(seeded_cloud: FakeCloud) -> None:
    """Signed as for a regional service (no X-Domain-Id): authentication fails."""
    response = delete(seeded_cloud, regional((DISK, "disk"), tags=[{"key": "env"}]), domain_id=None)
    assert response.status_code == 401
    assert response.json()["error_code"] == "APIGW.0301"
    assert "X-Domain-Id" in response.json()["error_msg"]


def test_another_accounts_domain_id_is_refused(seeded_cloud: FakeCloud) -> None:
    body = regional((DISK, "disk"), tags=[{"key": "env"}])
    response = delete(seeded_cloud, body, domain_id="ffffffffffffffffffffffffffffffff")
    assert response.status_code == 401
    assert tags_of(seeded_cloud, DISK)["env"] == "staging"


def test_a_wrong_secret_is_refused(seeded_cloud: FakeCloud) -> None:
    key = type(seeded_cloud.credentials.huawei)(seeded_cloud.credentials.huawei.access_key_id, "x")
    response = delete(seeded_cloud, regional((DISK, "disk"), tags=[{"key": "env"}]), key=key)
    assert response.status_code == 401


# --- huaweicloudsdktms: the vendor's own client ----------------------------------------------


def sdk_client(cloud: FakeCloud, domain_id: str) -> TmsClient:
    key = cloud.credentials.huawei
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    return (
        TmsClient.new_builder()
        .with_credentials(GlobalCredentials(key.access_key_id, key.secret, domain_id))
        .with_endpoints([cloud.url])
        .with_http_config(config)
        .build()
    )


def sdk_request(resource_id: str) -> DeleteResourceTagRequest:
    body = ReqDeleteTag(
        project_id=PROJECT,
        resources=[ResourceTagBody(resource_id=resource_id, resource_type="disk")],
        tags=[DeleteTagRequest(key="tmp-owner")],
    )
    return DeleteResourceTagRequest(body=body)


def test_the_sdk_client_untags_and_reads_failed_resources(seeded_cloud: FakeCloud) -> None:
    client = sdk_client(seeded_cloud, seeded_cloud.credentials.huawei_domain_id)
    assert client.delete_resource_tag(sdk_request(DISK)).failed_resources == []
    assert "tmp-owner" not in tags_of(seeded_cloud, DISK)
    (failed,) = client.delete_resource_tag(sdk_request("no-such-disk")).failed_resources
    assert (failed.resource_id, failed.error_code) == ("no-such-disk", "TMS.0005")


def test_the_sdk_client_parses_our_errors(seeded_cloud: FakeCloud) -> None:
    client = sdk_client(seeded_cloud, "ffffffffffffffffffffffffffffffff")
    with pytest.raises(ClientRequestException) as caught:
        client.delete_resource_tag(sdk_request(DISK))
    assert (caught.value.status_code, caught.value.error_code) == (401, "APIGW.0301")
    assert caught.value.request_id
    assert urlsplit(seeded_cloud.url).scheme == "http"
