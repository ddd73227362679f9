"""Requests to the fake cloud signed by the vendors' own SDK signers, sent with plain httpx.

Nothing here uses tagstrip's providers: the fake is checked against the vendors' code.
Each helper takes the key to sign with, so tests can sign with a wrong one on purpose.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import httpx
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from aliyunsdkcore.auth.composer import rpc_signature_composer
from baidubce.auth import bce_v1_signer
from baidubce.auth.bce_credentials import BceCredentials
from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from tagstrip_testkit.fakecloud import FakeCloud, KeyPair

ECS_VERSION, REDIS_VERSION, TAG_VERSION = "2014-05-26", "2015-01-01", "2018-08-28"


def host_of(cloud: FakeCloud) -> str:
    return urlsplit(cloud.url).netloc


def aliyun_v1(
    cloud: FakeCloud,
    params: dict[str, str],
    *,
    key: KeyPair | None = None,
    method: str = "POST",
    fmt: str = "JSON",
) -> httpx.Response:
    """An RPC request signed by the legacy core SDK (``aliyunsdkcore``), all in the query."""
    key = key or cloud.credentials.aliyun
    url, _ = rpc_signature_composer.get_signed_url(
        dict(params), key.access_key_id, key.secret, fmt, method, {}
    )
    return httpx.request(method, cloud.url + url)


def ecs(cloud: FakeCloud, action: str, **params: str) -> httpx.Response:
    return aliyun_v1(cloud, {"Action": action, "Version": ECS_VERSION, **params})


def redis(cloud: FakeCloud, action: str = "UntagResources", **params: str) -> httpx.Response:
    return aliyun_v1(cloud, {"Action": action, "Version": REDIS_VERSION, **params})


def tag(cloud: FakeCloud, action: str = "UntagResources", **params: str) -> httpx.Response:
    """The Resource Management Tag API (2018-08-28)."""
    return aliyun_v1(cloud, {"Action": action, "Version": TAG_VERSION, **params})


def acs3_headers(
    cloud: FakeCloud,
    action: str,
    version: str,
    query: dict[str, str],
    *,
    key: KeyPair | None = None,
    date: datetime | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers of a V3 (ACS3-HMAC-SHA256) RPC request, signed by the tea SDK's own code."""
    key = key or cloud.credentials.aliyun
    headers = {
        "host": host_of(cloud),
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": (date or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": nonce or TeaUtils.get_nonce(),
        "x-acs-content-sha256": hashlib.sha256(b"").hexdigest(),
        "accept": "application/json",
        "user-agent": "AlibabaCloud (tests) TeaDSL/1",
    }
    request = SimpleNamespace(pathname="/", query=query, headers=headers, method="POST")
    headers["Authorization"] = TeaUtils.get_authorization(
        request, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], key.access_key_id, key.secret
    )
    return headers


def aliyun_acs3(
    cloud: FakeCloud, action: str, version: str, query: dict[str, str], **options: Any
) -> httpx.Response:
    headers = acs3_headers(cloud, action, version, query, **options)
    return httpx.post(cloud.url + "/", params=query, headers=headers)


def huawei(
    cloud: FakeCloud,
    method: str,
    path: str,
    body: Any = None,
    *,
    key: KeyPair | None = None,
    sdk_date: datetime | None = None,
    domain_id: str | None = None,
    query: list[tuple[str, str]] | None = None,
) -> httpx.Response:
    """A request signed by ``huaweicloudsdkcore``'s SDK-HMAC-SHA256 signer; a `body` that is
    a string is sent as is, anything else as JSON. With `domain_id`, signed as the SDK signs
    for global services (`GlobalCredentials`: ``X-Domain-Id`` added, then signed)."""
    key = key or cloud.credentials.huawei
    headers = {"Content-Type": "application/json;charset=UTF-8"}
    if sdk_date is not None:
        headers["X-Sdk-Date"] = sdk_date.strftime("%Y%m%dT%H%M%SZ")
    content = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
    request = SdkRequest(
        method=method,
        schema="http",
        host=host_of(cloud),
        resource_path=path,
        query_params=query or [],
        header_params=headers,
        body=content,
    )
    if domain_id is None:
        Signer(BasicCredentials(key.access_key_id, key.secret)).sign(request)
    else:
        GlobalCredentials(key.access_key_id, key.secret, domain_id).sign_request(request)
    return httpx.request(
        method, cloud.url + request.uri, headers=request.header_params, content=request.body
    )


def server_tags_action(cloud: FakeCloud, project: str, server: str, body: Any) -> httpx.Response:
    return huawei(cloud, "POST", f"/v1/{project}/cloudservers/{server}/tags/action", body)


def baidu(
    cloud: FakeCloud,
    path: str,
    query: str,
    body: Any,
    *,
    key: KeyPair | None = None,
    timestamp: int = 0,
    expiration: int = 1800,
    method: str = "PUT",
) -> httpx.Response:
    """A request signed by ``bce-python-sdk``'s bce-auth-v1 signer; `query` is sent as is
    (``name`` or ``name=value`` pairs); a `body` of None sends none."""
    key = key or cloud.credentials.baidu
    content = (
        body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    )
    headers = {
        b"host": host_of(cloud).encode(),
        b"content-type": b"application/json; charset=utf-8",
        b"content-length": str(len(content)).encode(),
        b"x-bce-date": _bce_time(timestamp),
    }
    pairs = (pair.partition("=") for pair in query.split("&") if pair)
    params = {name.encode(): value.encode() for name, _, value in pairs}
    authorization = bce_v1_signer.sign(
        BceCredentials(key.access_key_id, key.secret),
        method.encode(),
        path.encode(),
        headers,
        params,
        timestamp,
        expiration,
    )
    sent = {name.decode(): value.decode() for name, value in headers.items()}
    sent["authorization"] = authorization.decode()
    url = f"{cloud.url}{path}?{query}" if query else f"{cloud.url}{path}"
    return httpx.request(method, url, content=content, headers=sent)


def delete_tags(
    cloud: FakeCloud, tags: list[dict[str, str]], query: str = "delete"
) -> httpx.Response:
    return baidu(cloud, "/v1/tag", query, {"tags": tags})


def _bce_time(timestamp: int) -> bytes:
    moment = datetime.now(UTC) if timestamp == 0 else datetime.fromtimestamp(timestamp, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
