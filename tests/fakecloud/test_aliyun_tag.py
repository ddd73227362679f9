"""Tag API (2018-08-28) UntagResources and ListTagResources: ARNs, per-resource failures,
limits, paging and the error codes of the API's metadata."""

from __future__ import annotations

import json

import pytest

from tagstrip_testkit.fakecloud import FakeCloud

from . import vendors

ACCOUNT = "1234567890123456"
DISK = f"arn:acs:ecs:cn-hangzhou:{ACCOUNT}:disk/d-bp1tagdisk"
VPC = f"arn:acs:vpc:cn-hangzhou:{ACCOUNT}:vpc/vpc-bp1tagvpc"
BUCKET = f"arn:acs:oss:cn-hangzhou:{ACCOUNT}:bucket/tagstrip-demo-logs"
BASE = {"RegionId": "cn-hangzhou", "ResourceARN.1": DISK, "TagKey.1": "tmp-owner"}


def tags(cloud: FakeCloud, arn: str) -> dict[str, str]:
    return dict({r["arn"]: r["tags"] for r in cloud.state()["aliyun-tag"]["resources"]}[arn])


def test_keys_are_removed_whatever_their_value(seeded_cloud: FakeCloud) -> None:
    params = {**BASE, "ResourceARN.2": VPC, "TagKey.2": "env", "TagKey.3": "never-there"}
    response = vendors.tag(seeded_cloud, **params)
    assert response.status_code == 200, response.text
    assert response.json()["FailedResources"] == {}
    assert tags(seeded_cloud, DISK) == {"backup": "weekly"}
    assert tags(seeded_cloud, VPC) == {"acs:rm:rgId": "rg-acfm2pzmx5nt"}


def test_star_region_and_account_name_the_callers(seeded_cloud: FakeCloud) -> None:
    arn = "arn:acs:ecs:*:*:disk/d-bp1tagdisk"
    response = vendors.tag(seeded_cloud, **{**BASE, "ResourceARN.1": arn})
    assert response.status_code == 200, response.text
    assert "tmp-owner" not in tags(seeded_cloud, DISK)


def test_resources_it_cannot_untag_are_listed_and_the_others_untagged(
    seeded_cloud: FakeCloud,
) -> None:
    denied = f"arn:acs:ecs:cn-hangzhou:{ACCOUNT}:instance/i-denied"
    resource = {"arn": denied, "tags": {"k": "v"}, "failure": "NoPermission"}
    seeded_cloud.seed({"aliyun-tag": {"resources": [resource]}})
    gone = f"arn:acs:ecs:cn-hangzhou:{ACCOUNT}:instance/i-gone"
    params = {**BASE, "ResourceARN.2": gone, "ResourceARN.3": denied, "TagKey.2": "k"}
    response = vendors.tag(seeded_cloud, **params)
    assert response.status_code == 200, response.text
    failed = response.json()["FailedResources"]["FailedResource"]
    assert [(f["ResourceARN"], f["Result"]["Code"]) for f in failed] == [
        (gone, "InvalidResourceId.NotFound"),
        (denied, "NoPermission"),
    ]
    assert "tmp-owner" not in tags(seeded_cloud, DISK)
    assert tags(seeded_cloud, denied) == {"k": "v"}


def test_fifty_resources_and_ten_keys_are_accepted(seeded_cloud: FakeCloud) -> None:
    many = [f"arn:acs:ecs:cn-hangzhou:{ACCOUNT}:instance/i-many{n}" for n in range(50)]
    seeded_cloud.seed({"aliyun-tag": {"resources": [{"arn": arn} for arn in many]}})
    arns = {f"ResourceARN.{n}": arn for n, arn in enumerate(many, start=1)}
    keys = {f"TagKey.{n}": f"k{n}" for n in range(1, 11)}
    response = vendors.tag(seeded_cloud, RegionId="cn-hangzhou", **arns, **keys)
    assert response.status_code == 200, response.text


def _many(count: int, name: str, value: str) -> dict[str, str]:
    return {f"{name}.{n}": f"{value}{n}" for n in range(1, count + 1)}


OTHER_ACCOUNT = "arn:acs:ecs:cn-hangzhou:999:disk/d-bp1tagdisk"
#: Whole-call errors (nothing changes), each produced by its documented cause.
ERRORS = [
    ({**BASE, "ResourceARN.1": "acs:ecs:disk/d-1"}, 400, "InvalidResourceARN.FormatError"),
    ({**BASE, "ResourceARN.1": OTHER_ACCOUNT}, 400, "InvalidResourceARN.Account"),
    ({**BASE, "ResourceARN.1": DISK.replace("cn-hangzhou", "cn-shanghai")}, 400,
     "InvalidResourceARN.Region"),
    ({**BASE, "ResourceARN.1": f"arn:acs:nosuch:cn-hangzhou:{ACCOUNT}:thing/x-1"}, 400,
     "InvalidParameter.ResourceType"),
    ({**BASE, "TagKey.1": "k" * 129}, 400, "InvalidParameter.TagKey"),
    ({**BASE, "TagKey.1": "acs:rm:rgId"}, 403, "NoPermission.SystemTag"),
    ({**BASE, "TagKey.2": "tmp-owner"}, 403, "Duplicate.TagKey"),
    ({**BASE, **_many(11, "TagKey", "k")}, 403, "NumberExceed.Tags"),
    ({**BASE, **_many(51, "ResourceARN", DISK[:-1])}, 403, "NumberExceed.ResourceIds"),
    ({"RegionId": "cn-hangzhou", "TagKey.1": "k"}, 403, "MissingParameter.ResourceIds"),
    ({"RegionId": "cn-hangzhou", "ResourceARN.1": DISK}, 404, "MissingParameter.TagKey"),
    ({**BASE, "RegionId": "cn-nowhere"}, 400, "InvalidParameter.RegionId"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "status", "code"), ERRORS)
def test_errors(seeded_cloud: FakeCloud, params: dict[str, str], status: int, code: str) -> None:
    response = vendors.tag(seeded_cloud, **params)
    assert (response.status_code, response.json()["Code"]) == (status, code), response.text
    assert tags(seeded_cloud, DISK)["tmp-owner"] == "alice"


def test_the_format_error_names_the_arn(seeded_cloud: FakeCloud) -> None:
    response = vendors.tag(seeded_cloud, **{**BASE, "ResourceARN.1": "not-an-arn"})
    assert "ResourceARN: not-an-arn is not valid" in response.json()["Message"]


def test_list_nests_each_resources_tags(seeded_cloud: FakeCloud) -> None:
    params = {"RegionId": "cn-hangzhou", "ResourceARN.1": VPC, "ResourceARN.2": BUCKET}
    body = vendors.tag(seeded_cloud, "ListTagResources", **params, Category="Custom").json()
    assert body["NextToken"] == ""
    assert body["TagResources"] == [
        {
            "ResourceARN": VPC,
            "Tags": [
                {"Key": "tmp-owner", "Value": "alice", "Category": "Custom"},
                {"Key": "env", "Value": "staging", "Category": "Custom"},
            ],
        },
        {
            "ResourceARN": BUCKET,
            "Tags": [
                {"Key": "tmp-owner", "Value": "bob", "Category": "Custom"},
                {"Key": "tmp-ticket", "Value": "OPS-7", "Category": "Custom"},
                {"Key": "retention", "Value": "90d", "Category": "Custom"},
            ],
        },
    ]


def test_list_filters_by_tags_and_pages(seeded_cloud: FakeCloud) -> None:
    wanted = json.dumps({"tmp-owner": "alice", "env": "staging"})
    found, token = [], None
    while token != "":
        params = {"RegionId": "cn-hangzhou", "Tags": wanted, "PageSize": "1"}
        body = vendors.tag(
            seeded_cloud, "ListTagResources", **params, **({"NextToken": token} if token else {})
        ).json()
        found += [entry["ResourceARN"] for entry in body["TagResources"]]
        token = body["NextToken"]
    assert found == [DISK, VPC]


LIST_ERRORS = [
    ({"RegionId": "cn-hangzhou"}, 404, "MissingParameter.ResourceIdARN"),
    ({"RegionId": "cn-hangzhou", "Tags": "[]"}, 400, "InvalidParameter.Tags"),
    ({"RegionId": "cn-hangzhou", "ResourceARN.1": DISK, "NextToken": "forged"}, 403,
     "Invalid.NextToken"),
    ({"RegionId": "cn-hangzhou", "ResourceARN.1": DISK, "Category": "Mine"}, 403,
     "InvalidParameter.Category"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "status", "code"), LIST_ERRORS)
def test_list_errors(
    seeded_cloud: FakeCloud, params: dict[str, str], status: int, code: str
) -> None:
    response = vendors.tag(seeded_cloud, "ListTagResources", **params)
    assert (response.status_code, response.json()["Code"]) == (status, code), response.text


def test_acs3_signed_calls_are_verified(seeded_cloud: FakeCloud) -> None:
    response = vendors.aliyun_acs3(seeded_cloud, "UntagResources", vendors.TAG_VERSION, BASE)
    assert response.status_code == 200, response.text
    wrong = vendors.aliyun_acs3(
        seeded_cloud,
        "UntagResources",
        vendors.TAG_VERSION,
        BASE,
        key=type(seeded_cloud.credentials.aliyun)("LTAIfakecloudaliyun", "wrong"),
    )
    assert wrong.json()["Code"] == "SignatureDoesNotMatch"
