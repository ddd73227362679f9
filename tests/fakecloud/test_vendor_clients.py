"""The vendors' own SDK clients, end to end against the fake: requests they build pass, and
errors reach them with the code, status and request id they parse."""

from __future__ import annotations

import copy
import json
from urllib.parse import urlsplit

import pytest
from alibabacloud_tag20180828 import models as tag_models
from alibabacloud_tag20180828.client import Client as TagClient
from alibabacloud_tea_openapi import utils_models as tea
from alibabacloud_tea_openapi.client import Client as TeaClient
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import RpcRequest
from baidubce import bce_client_configuration
from baidubce.auth import bce_v1_signer
from baidubce.auth.bce_credentials import BceCredentials
from baidubce.exception import BceHttpClientError
from baidubce.http import bce_http_client, handler, http_methods
from baidubce.services.bcc.bcc_client import BccClient
from baidubce.services.bcc.bcc_model import TagModel
from darabonba.runtime import RuntimeOptions

from tagstrip_testkit.fakecloud import FakeCloud


def host(cloud: FakeCloud) -> str:
    return urlsplit(cloud.url).netloc


# --- aliyun-python-sdk-core: RPC v1, business parameters in a form body ---------------------


def remove_tags_request(cloud: FakeCloud) -> RpcRequest:
    request = RpcRequest("Ecs", "2014-05-26", "RemoveTags")
    request.set_endpoint(host(cloud))
    request.set_protocol_type("http")
    request.set_method("POST")
    for name, value in (("RegionId", "cn-shenzhen"), ("ResourceType", "snapshot")):
        request.add_query_param(name, value)
    request.add_body_params("ResourceId", "s-946ntx4wr")
    request.add_body_params("Tag.1.Key", "Finance")
    return request


def test_legacy_core_client(seeded_cloud: FakeCloud) -> None:
    key = seeded_cloud.credentials.aliyun
    client = AcsClient(key.access_key_id, key.secret, "cn-shenzhen")
    body = json.loads(client.do_action_with_exception(remove_tags_request(seeded_cloud)))
    assert set(body) == {"RequestId"}
    assert seeded_cloud.journal.entries()[-1].params["Tag.1.Key"] == "Finance"


def test_legacy_core_client_recognises_a_wrong_secret(seeded_cloud: FakeCloud) -> None:
    """The SDK turns SignatureDoesNotMatch into InvalidAccessKeySecret only when the message
    quotes exactly its own string to sign: the fake's message passes that check."""
    client = AcsClient(seeded_cloud.credentials.aliyun.access_key_id, "wrong", "cn-shenzhen")
    with pytest.raises(ServerException) as caught:
        client.do_action_with_exception(remove_tags_request(seeded_cloud))
    assert caught.value.get_error_code() == "InvalidAccessKeySecret"
    assert caught.value.get_http_status() == 400


# --- alibabacloud-tea-openapi: V3 (the default) and v2 (RPC v1) ------------------------------


def tea_client(cloud: FakeCloud, algorithm: str | None = None) -> TeaClient:
    key = cloud.credentials.aliyun
    config = tea.Config(
        access_key_id=key.access_key_id,
        access_key_secret=key.secret,
        endpoint=host(cloud),
        protocol="http",
        signature_algorithm=algorithm,
        region_id="cn-hangzhou",
    )
    return TeaClient(config)


def untag_redis(client: TeaClient, resource_id: str) -> dict[str, object]:
    params = tea.Params(
        action="UntagResources",
        version="2015-01-01",
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )
    query = {
        "RegionId": "cn-hangzhou",
        "ResourceType": "INSTANCE",
        "TagKey.1": "owner",
        "ResourceId.1": resource_id,
    }
    result: dict[str, object] = client.call_api(
        params, tea.OpenApiRequest(query=query), RuntimeOptions()
    )
    return result


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_tea_client(seeded_cloud: FakeCloud, algorithm: str | None) -> None:
    client = tea_client(seeded_cloud, algorithm)
    assert untag_redis(client, "r-bp1zxszhcgatnx")["statusCode"] == 200
    with pytest.raises(ClientException) as caught:
        untag_redis(client, "r-nope")
    assert (caught.value.code, caught.value.status_code) == ("InvalidDbInstanceId.NotFound", 404)
    signature = "acs3" if algorithm is None else "rpc-v1"
    assert [e.signature for e in seeded_cloud.journal.entries()] == [signature, signature]


def test_tea_client_sees_throttling(seeded_cloud: FakeCloud) -> None:
    seeded_cloud.faults.throttle("aliyun-redis", status=429, retry_after=1.5, times=1)
    with pytest.raises(ThrottlingException) as caught:
        untag_redis(tea_client(seeded_cloud), "r-bp1zxszhcgatnx")
    assert (caught.value.code, caught.value.retry_after) == ("Throttling.User", 1500)


# --- bce-python-sdk: the generic HTTP client and BccClient -----------------------------------


def bce_config(
    cloud: FakeCloud, secret: str | None = None
) -> bce_client_configuration.BceClientConfiguration:
    key = cloud.credentials.baidu
    config = copy.deepcopy(bce_client_configuration.DEFAULT_CONFIG)
    config.merge_non_none_values(
        bce_client_configuration.BceClientConfiguration(
            credentials=BceCredentials(key.access_key_id, secret or key.secret),
            endpoint=host(cloud).encode(),
        )
    )
    return config


def bce_put(
    config: bce_client_configuration.BceClientConfiguration,
    path: bytes,
    body: object,
    params: dict[bytes, bytes],
) -> object:
    """A PUT through the SDK's own HTTP client: its signer, its error parsing."""
    return bce_http_client.send_request(
        config,
        bce_v1_signer.sign,
        [handler.parse_error, handler.parse_json],
        http_methods.PUT,
        path,
        json.dumps(body),
        {b"Content-Type": b"application/json; charset=utf-8"},
        params,
    )


def bce_delete_tags(
    config: bce_client_configuration.BceClientConfiguration, body: object
) -> object:
    return bce_put(config, b"/v1/tag", body, {b"delete": b""})


def test_bce_client_deletes_tags(seeded_cloud: FakeCloud) -> None:
    bce_delete_tags(bce_config(seeded_cloud), {"tags": [{"tagKey": "key1", "tagValue": "value1"}]})
    assert ("key1", "value1") not in seeded_cloud.backends.baidu.tags


@pytest.mark.parametrize(
    ("secret", "body", "status", "code"),
    [
        (None, {"tags": []}, 400, "TagExceptions.TagEmpty"),
        ("wrong", {"tags": [{"tagKey": "k", "tagValue": "v"}]}, 400, "SignatureDoesNotMatch"),
    ],
)
def test_bce_client_reads_errors(
    seeded_cloud: FakeCloud, secret: str | None, body: object, status: int, code: str
) -> None:
    with pytest.raises(BceHttpClientError) as caught:
        bce_delete_tags(bce_config(seeded_cloud, secret), body)
    error = caught.value.last_error
    assert (error.status_code, error.code) == (status, code)
    assert error.request_id == seeded_cloud.journal.entries()[-1].request_id


def test_bcc_client_unbinds_instance_tags(seeded_cloud: FakeCloud) -> None:
    bcc = BccClient(bce_config(seeded_cloud))
    bcc.unbind_instance_from_tags(
        "i-YufwpQAe", [TagModel("env", "prod")], attachRelatedResourceTag=False
    )
    assert "env" not in seeded_cloud.backends.baidu.resources["i-YufwpQAe"].tags
    with pytest.raises(BceHttpClientError) as caught:
        bcc.unbind_instance_from_tags("i-nope", [TagModel("env", "prod")])
    assert (caught.value.last_error.status_code, caught.value.last_error.code) == (
        404,
        "NoSuchObject",
    )


def test_bce_client_unbinds_a_tag_from_resources(seeded_cloud: FakeCloud) -> None:
    """``PUT /v1/resource`` as the Go SDK's DeleteAssociationsByTag shapes it, signed and
    sent by the Python SDK's client (which has no tag-service client of its own)."""
    disk = {"resourceId": "v-7Hd2kLq0", "serviceType": "CDS", "region": "bj"}
    body = {"tagKey": "tmp-snap", "tagValue": "1", "serviceType": "CDS", "resources": [disk]}
    bce_put(bce_config(seeded_cloud), b"/v1/resource", body, {})
    assert "tmp-snap" not in seeded_cloud.backends.baidu.resources["v-7Hd2kLq0"].tags
    with pytest.raises(BceHttpClientError) as caught:
        bce_put(bce_config(seeded_cloud), b"/v1/resource", {**body, "serviceType": "BCC"}, {})
    error = caught.value.last_error
    assert (error.status_code, error.code) == (400, "InappropriateJSON")
    assert error.request_id == seeded_cloud.journal.entries()[-1].request_id


# --- alibabacloud-tag20180828: the Tag API's own client (V3 and v2 signatures) -------------


@pytest.mark.parametrize("algorithm", [None, "v2"])
def test_tag_sdk_untags_and_reads_failed_resources(
    seeded_cloud: FakeCloud, algorithm: str | None
) -> None:
    key = seeded_cloud.credentials.aliyun
    config = tea.Config(
        access_key_id=key.access_key_id,
        access_key_secret=key.secret,
        endpoint=host(seeded_cloud),
        protocol="http",
        signature_algorithm=algorithm,
        region_id="cn-hangzhou",
    )
    client = TagClient(config)
    disk = "arn:acs:ecs:cn-hangzhou:1234567890123456:disk/d-bp1tagdisk"
    gone = "arn:acs:ecs:cn-hangzhou:1234567890123456:disk/d-gone"
    answer = client.untag_resources_with_options(
        tag_models.UntagResourcesRequest(
            region_id="cn-hangzhou", resource_arn=[disk, gone], tag_key=["tmp-owner", "env"]
        ),
        RuntimeOptions(),
    )
    [failed] = answer.body.failed_resources.failed_resource
    assert (failed.resource_arn, failed.result.code) == (gone, "InvalidResourceId.NotFound")
    listed = client.list_tag_resources_with_options(
        tag_models.ListTagResourcesRequest(region_id="cn-hangzhou", resource_arn=[disk]),
        RuntimeOptions(),
    )
    [entry] = listed.body.tag_resources
    assert {(t.key, t.value) for t in entry.tags} == {("backup", "weekly")}
    assert seeded_cloud.journal.entries()[0].params["ResourceARN.2"] == gone
