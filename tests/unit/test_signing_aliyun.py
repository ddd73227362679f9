"""Alibaba signing: the vendor's published vectors and equality with both vendor SDKs."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from alibabacloud_tea_openapi.utils import Utils as TeaUtils
from aliyunsdkcore.auth.composer import rpc_signature_composer
from hypothesis import given, settings
from hypothesis import strategies as st

from tagstrip.providers.aliyun.signing import (
    Acs3Auth,
    RpcV1Auth,
    acs3_canonical_request,
    acs3_signature,
    acs3_string_to_sign,
    parse_acs3_authorization,
    percent_encode,
    rpc_signature,
    rpc_string_to_sign,
    sha256_hex,
)

MOMENT = datetime(2023, 10, 26, 9, 1, 1, tzinfo=UTC)
NONCE = "d410180a5abf7fe235dd9b74aca91fc0"

#: Tag values as tickets write them: any script, plus the characters encoders disagree on.
values = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("*~ +/=&%:?#.-_'\"")),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    ),
    max_size=24,
)
names = st.from_regex(r"[A-Za-z][A-Za-z0-9.]{0,15}", fullmatch=True)
param_maps = st.dictionaries(names, values, min_size=1, max_size=6)


def _sdk_core_signature(method: str, params: dict[str, str], secret: str) -> str:
    compose = getattr(rpc_signature_composer, "__compose_string_to_sign")
    sign = getattr(rpc_signature_composer, "__get_signature")
    return str(sign(compose(method, params), secret))


def test_percent_encoding_follows_the_vendor_rules() -> None:
    assert percent_encode("a b*c~d/e+f") == "a%20b%2Ac~d%2Fe%2Bf"
    assert percent_encode("标签") == "%E6%A0%87%E7%AD%BE"


def test_rpc_v1_published_vector() -> None:
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert rpc_signature("testsecret", rpc_string_to_sign("GET", params)) == (
        "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    )


@settings(max_examples=60, deadline=None)
@given(params=param_maps, method=st.sampled_from(["GET", "POST"]), secret=values.filter(bool))
def test_rpc_v1_equals_both_vendor_sdks(params: dict[str, str], method: str, secret: str) -> None:
    ours = rpc_signature(secret, rpc_string_to_sign(method, params))
    assert ours == _sdk_core_signature(method, params, secret)
    assert ours == TeaUtils.get_rpcsignature(params, method, secret)


@settings(max_examples=40, deadline=None)
@given(params=param_maps, token=st.none() | st.just("sts-token/+="))
def test_rpc_v1_auth_sends_what_it_signed(params: dict[str, str], token: str | None) -> None:
    auth = RpcV1Auth("ak", "sk", token, clock=lambda: MOMENT, nonce=lambda: NONCE)
    request = httpx.Request("POST", "https://ecs.cn-shanghai.aliyuncs.com/", params=params)
    signed = next(auth.auth_flow(request))
    sent = dict(signed.url.params)
    signature = sent.pop("Signature")
    assert sent == {
        **params,
        "AccessKeyId": "ak",
        "Format": "JSON",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": NONCE,
        "SignatureVersion": "1.0",
        "Timestamp": "2023-10-26T09:01:01Z",
        **({"SecurityToken": token} if token else {}),
    }
    assert signature == _sdk_core_signature("POST", sent, "sk")
    assert signed.content == b""


def test_acs3_published_vector() -> None:
    headers = {
        "host": "ecs.cn-shanghai.aliyuncs.com",
        "x-acs-action": "RunInstances",
        "x-acs-version": "2014-05-26",
        "x-acs-date": "2023-10-26T09:01:01Z",
        "x-acs-signature-nonce": NONCE,
        "x-acs-content-sha256": sha256_hex(b""),
    }
    query = [
        ("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"),
        ("RegionId", "cn-shanghai"),
    ]
    canonical = acs3_canonical_request("POST", "/", query, headers, headers, sha256_hex(b""))
    signature = acs3_signature("YourAccessKeySecret", acs3_string_to_sign(canonical))
    assert signature == "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804"


def _tea_authorization(signed: httpx.Request, secret: str) -> str:
    """What the tea SDK computes for the request as it went on the wire."""
    parsed = parse_acs3_authorization(signed.headers["Authorization"])
    tea_request: Any = SimpleNamespace(
        method=signed.method,
        pathname=signed.url.path,
        query=dict(signed.url.params),
        headers={name: signed.headers[name] for name in parsed.signed_headers},
    )
    payload = signed.headers["x-acs-content-sha256"]
    return str(TeaUtils.get_authorization(tea_request, "ACS3-HMAC-SHA256", payload, "ak", secret))


@settings(max_examples=60, deadline=None)
@given(
    params=param_maps,
    secret=values.filter(bool),
    token=st.none() | st.just("sts/token+=="),
    host=st.sampled_from(["ecs.cn-hangzhou.aliyuncs.com", "127.0.0.1:8080"]),
)
def test_acs3_auth_equals_the_tea_sdk(
    params: dict[str, str], secret: str, token: str | None, host: str
) -> None:
    auth = Acs3Auth("ak", secret, token, clock=lambda: MOMENT, nonce=lambda: NONCE)
    request = httpx.Request(
        "POST",
        f"http://{host}/",
        params=params,
        headers={"x-acs-action": "UntagResources", "x-acs-version": "2014-05-26"},
    )
    signed = next(auth.auth_flow(request))
    assert dict(signed.url.params) == params
    assert signed.headers["Authorization"] == _tea_authorization(signed, secret)
    parsed = parse_acs3_authorization(signed.headers["Authorization"])
    assert "host" in parsed.signed_headers
    assert ("x-acs-security-token" in parsed.signed_headers) is (token is not None)


@pytest.mark.parametrize("value", ["Bearer x", "ACS3-HMAC-SHA256 Credential=a,Signature=b"])
def test_parse_acs3_authorization_refuses_other_schemes(value: str) -> None:
    with pytest.raises(ValueError, match="not an ACS3"):
        parse_acs3_authorization(value)
