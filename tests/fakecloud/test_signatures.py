"""Signature checks: requests the vendors' SDK signers make pass; bad ones are refused as
the vendor refuses them (code, status, body shape)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from aliyunsdkcore.auth.composer import rpc_signature_composer

from tagstrip_testkit.fakecloud import FakeCloud, KeyPair

from . import vendors

LATER = timedelta(minutes=16)
REMOVE = {
    "Action": "RemoveTags",
    "Version": vendors.ECS_VERSION,
    "RegionId": "cn-shenzhen",
    "ResourceId": "s-946ntx4wr",
    "ResourceType": "snapshot",
    "Tag.1.Key": "Finance",
}
UNTAG = {"RegionId": "cn-hangzhou", "ResourceType": "INSTANCE", "ResourceId.1": "r-bp1zxszhcgatnx"}
SERVER = "/v1/0605767ea3000fd42f0cc00a2fa4d5d8/cloudservers/8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8"
BAIDU_TAGS = {"tags": [{"tagKey": "key1", "tagValue": "value1"}]}


def wrong_secret(key: KeyPair) -> KeyPair:
    return KeyPair(key.access_key_id, key.secret + "x")


def unknown_key(key: KeyPair) -> KeyPair:
    return KeyPair("unknown-access-key", key.secret)


def shift_clock(cloud: FakeCloud, delta: timedelta) -> None:
    cloud.clock = lambda: datetime.now(UTC) + delta


def aliyun_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["Code"] == code
    assert set(body) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    return str(body["Message"])


# --- Alibaba RPC v1 (legacy core SDK signer) ---------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_aliyun_v1_signed_by_the_sdk_is_accepted(seeded_cloud: FakeCloud, method: str) -> None:
    response = vendors.aliyun_v1(seeded_cloud, REMOVE, method=method)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"RequestId"}
    assert seeded_cloud.journal.entries()[-1].signature == "rpc-v1"


def test_aliyun_v1_wrong_secret_quotes_the_sdks_own_string_to_sign(seeded_cloud: FakeCloud) -> None:
    key = wrong_secret(seeded_cloud.credentials.aliyun)
    url, string_to_sign = rpc_signature_composer.get_signed_url(
        dict(REMOVE), key.access_key_id, key.secret, "JSON", "POST", {}
    )
    message = aliyun_error(httpx.post(seeded_cloud.url + url), 400, "SignatureDoesNotMatch")
    assert message.endswith(f"server string to sign is:{string_to_sign}")
    # The legacy SDK compares everything after the first colon with its own string to sign.
    assert message.split(":", 1)[1] == string_to_sign


def test_aliyun_v1_unknown_access_key(seeded_cloud: FakeCloud) -> None:
    key = unknown_key(seeded_cloud.credentials.aliyun)
    response = vendors.aliyun_v1(seeded_cloud, REMOVE, key=key)
    aliyun_error(response, 404, "InvalidAccessKeyId.NotFound")


@pytest.mark.parametrize("dropped", ["Signature", "SignatureNonce", "Timestamp", "AccessKeyId"])
def test_aliyun_v1_missing_signing_parameter(seeded_cloud: FakeCloud, dropped: str) -> None:
    key = seeded_cloud.credentials.aliyun
    url, _ = rpc_signature_composer.get_signed_url(
        dict(REMOVE), key.access_key_id, key.secret, "JSON", "POST", {}
    )
    params = dict(httpx.URL(url).params)
    del params[dropped]
    response = httpx.post(seeded_cloud.url + "/", params=params)
    aliyun_error(response, 400, "IncompleteSignature")


@pytest.mark.parametrize("delta", [LATER, -LATER])
def test_aliyun_v1_stale_timestamp(seeded_cloud: FakeCloud, delta: timedelta) -> None:
    shift_clock(seeded_cloud, delta)
    aliyun_error(vendors.aliyun_v1(seeded_cloud, REMOVE), 400, "InvalidTimeStamp.Expired")


def test_aliyun_v1_nonce_used_twice(seeded_cloud: FakeCloud) -> None:
    key = seeded_cloud.credentials.aliyun
    url, _ = rpc_signature_composer.get_signed_url(
        dict(REMOVE), key.access_key_id, key.secret, "JSON", "POST", {}
    )
    assert httpx.post(seeded_cloud.url + url).status_code == 200
    aliyun_error(httpx.post(seeded_cloud.url + url), 400, "SignatureNonceUsed")


def test_aliyun_errors_are_xml_when_asked(seeded_cloud: FakeCloud) -> None:
    key = wrong_secret(seeded_cloud.credentials.aliyun)
    response = vendors.aliyun_v1(seeded_cloud, REMOVE, key=key, fmt="XML")
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/xml;charset=utf-8"
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>')
    assert "<Code>SignatureDoesNotMatch</Code>" in response.text
    assert "<HostId>" in response.text
    assert "<Recommend>" in response.text


def test_aliyun_success_is_xml_when_asked(seeded_cloud: FakeCloud) -> None:
    response = vendors.aliyun_v1(seeded_cloud, REMOVE, fmt="XML")
    assert response.status_code == 200
    assert "<RemoveTagsResponse><RequestId>" in response.text


# --- Alibaba V3 (tea SDK signer) -----------------------------------------------------------


def acs3(cloud: FakeCloud, **options: object) -> httpx.Response:
    return vendors.aliyun_acs3(cloud, "UntagResources", vendors.REDIS_VERSION, {
        **UNTAG, "TagKey.1": "a b*~",
    }, **options)  # fmt: skip


def test_acs3_signed_by_the_tea_sdk_is_accepted(seeded_cloud: FakeCloud) -> None:
    response = acs3(seeded_cloud)
    assert response.status_code == 200, response.text
    entry = seeded_cloud.journal.entries()[-1]
    assert (entry.provider, entry.signature) == ("aliyun-redis", "acs3")
    assert entry.params["TagKey.1"] == "a b*~"


def test_acs3_wrong_secret(seeded_cloud: FakeCloud) -> None:
    key = wrong_secret(seeded_cloud.credentials.aliyun)
    message = aliyun_error(acs3(seeded_cloud, key=key), 400, "SignatureDoesNotMatch")
    assert "server string to sign is:ACS3-HMAC-SHA256\n" in message


def test_acs3_checks_every_signed_header(seeded_cloud: FakeCloud) -> None:
    """The SDK signs user-agent and accept too: the fake rebuilds from SignedHeaders."""
    query = {**UNTAG, "TagKey.1": "owner"}
    headers = vendors.acs3_headers(seeded_cloud, "UntagResources", vendors.REDIS_VERSION, query)
    assert "user-agent" in headers["Authorization"]
    headers["user-agent"] = "tampered"
    response = httpx.post(seeded_cloud.url + "/", params=query, headers=headers)
    aliyun_error(response, 400, "SignatureDoesNotMatch")


def test_acs3_body_must_match_its_hash(seeded_cloud: FakeCloud) -> None:
    query = {**UNTAG, "TagKey.1": "owner"}
    headers = vendors.acs3_headers(seeded_cloud, "UntagResources", vendors.REDIS_VERSION, query)
    response = httpx.post(seeded_cloud.url + "/", params=query, headers=headers, content=b"x=1")
    aliyun_error(response, 400, "SignatureDoesNotMatch")


def test_acs3_unknown_access_key(seeded_cloud: FakeCloud) -> None:
    key = unknown_key(seeded_cloud.credentials.aliyun)
    aliyun_error(acs3(seeded_cloud, key=key), 404, "InvalidAccessKeyId.NotFound")


def test_acs3_malformed_authorization(seeded_cloud: FakeCloud) -> None:
    query = {**UNTAG, "TagKey.1": "owner"}
    headers = vendors.acs3_headers(seeded_cloud, "UntagResources", vendors.REDIS_VERSION, query)
    headers["Authorization"] = "ACS3-HMAC-SHA256 Credential=only"
    response = httpx.post(seeded_cloud.url + "/", params=query, headers=headers)
    aliyun_error(response, 400, "IncompleteSignature")


def test_acs3_stale_date(seeded_cloud: FakeCloud) -> None:
    date = datetime.now(UTC) - LATER
    aliyun_error(acs3(seeded_cloud, date=date), 400, "InvalidTimeStamp.Expired")


def test_acs3_nonce_used_twice(seeded_cloud: FakeCloud) -> None:
    assert acs3(seeded_cloud, nonce="0" * 32).status_code == 200
    aliyun_error(acs3(seeded_cloud, nonce="0" * 32), 400, "SignatureNonceUsed")


# --- Huawei SDK-HMAC-SHA256 (huaweicloudsdkcore signer) -----------------------------------


def huawei_gateway_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error_code", "error_msg", "request_id"}
    assert body["error_code"] == code
    assert body["request_id"] == response.headers["X-Request-Id"]
    return str(body["error_msg"])


def test_huawei_signed_by_the_sdk_is_accepted(seeded_cloud: FakeCloud) -> None:
    response = vendors.huawei(seeded_cloud, "GET", SERVER + "/tags")
    assert response.status_code == 200, response.text
    assert {"key": "key1", "value": "value1"} in response.json()["tags"]


def test_huawei_wrong_secret(seeded_cloud: FakeCloud) -> None:
    key = wrong_secret(seeded_cloud.credentials.huawei)
    response = vendors.huawei(seeded_cloud, "GET", SERVER + "/tags", key=key)
    assert "verify aksk signature fail" in huawei_gateway_error(response, 401, "APIGW.0301")


def test_huawei_unknown_access_key(seeded_cloud: FakeCloud) -> None:
    key = unknown_key(seeded_cloud.credentials.huawei)
    response = vendors.huawei(seeded_cloud, "GET", SERVER + "/tags", key=key)
    assert "ak not exist" in huawei_gateway_error(response, 401, "APIGW.0301")


def test_huawei_unsigned(seeded_cloud: FakeCloud) -> None:
    huawei_gateway_error(httpx.get(seeded_cloud.url + SERVER + "/tags"), 401, "APIGW.0301")


def test_huawei_stale_sdk_date(seeded_cloud: FakeCloud) -> None:
    sdk_date = datetime.now(UTC) - LATER
    response = vendors.huawei(seeded_cloud, "GET", SERVER + "/tags", sdk_date=sdk_date)
    assert "signature expired" in huawei_gateway_error(response, 401, "APIGW.0303")


# --- Baidu bce-auth-v1 (bce-python-sdk signer) ---------------------------------------------


def baidu_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "requestId"}
    assert body["code"] == code
    assert body["requestId"] == response.headers["x-bce-request-id"]


@pytest.mark.parametrize("query", ["delete", "delete="])
def test_baidu_signed_by_the_sdk_is_accepted(seeded_cloud: FakeCloud, query: str) -> None:
    response = vendors.baidu(seeded_cloud, "/v1/tag", query, BAIDU_TAGS)
    assert response.status_code == 200, response.text
    assert response.content == b""
    assert response.headers["x-bce-request-id"]


def test_baidu_wrong_secret(seeded_cloud: FakeCloud) -> None:
    key = wrong_secret(seeded_cloud.credentials.baidu)
    response = vendors.baidu(seeded_cloud, "/v1/tag", "delete", BAIDU_TAGS, key=key)
    baidu_error(response, 400, "SignatureDoesNotMatch")


def test_baidu_unknown_access_key(seeded_cloud: FakeCloud) -> None:
    key = unknown_key(seeded_cloud.credentials.baidu)
    response = vendors.baidu(seeded_cloud, "/v1/tag", "delete", BAIDU_TAGS, key=key)
    baidu_error(response, 403, "InvalidAccessKeyId")


def test_baidu_unsigned(seeded_cloud: FakeCloud) -> None:
    response = httpx.put(seeded_cloud.url + "/v1/tag?delete", content=json.dumps(BAIDU_TAGS))
    baidu_error(response, 403, "AccessDenied")


def test_baidu_malformed_authorization(seeded_cloud: FakeCloud) -> None:
    headers = {"Authorization": "bce-auth-v1/ak/not-a-time"}
    response = httpx.put(seeded_cloud.url + "/v1/tag?delete", json=BAIDU_TAGS, headers=headers)
    baidu_error(response, 400, "InvalidHTTPAuthHeader")


def test_baidu_expired(seeded_cloud: FakeCloud) -> None:
    an_hour_ago = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    response = vendors.baidu(seeded_cloud, "/v1/tag", "delete", BAIDU_TAGS, timestamp=an_hour_ago)
    baidu_error(response, 400, "RequestExpired")
    assert "Timestamp date is" in response.json()["message"]


def test_aliyun_v1_malformed_timestamp(seeded_cloud: FakeCloud) -> None:
    key = seeded_cloud.credentials.aliyun
    url, _ = rpc_signature_composer.get_signed_url(
        dict(REMOVE), key.access_key_id, key.secret, "JSON", "POST", {}
    )
    params = {**dict(httpx.URL(url).params), "Timestamp": "yesterday"}
    response = httpx.post(seeded_cloud.url + "/", params=params)
    aliyun_error(response, 400, "InvalidTimeStamp.Format")
