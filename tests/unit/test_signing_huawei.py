"""Huawei SDK-HMAC-SHA256: the published vector and equality with the vendor's SDK signer."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from hypothesis import given, settings
from hypothesis import strategies as st

from tagstrip.providers.huawei.signing import (
    SdkHmacSha256Auth,
    canonical_request,
    canonical_uri,
    parse_authorization,
    signature,
    string_to_sign,
)

MOMENT = datetime(2024, 1, 1, tzinfo=UTC)
PATH = "/v1/proj123/cloudservers/srv-1/tags/action"
BODY = b'{"action":"delete","tags":[{"key":"k1","value":"v1"}]}'
JSON = "application/json;charset=UTF-8"

values = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("*~ +/=&:.-_")),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    ),
    max_size=24,
)
segments = st.from_regex(r"[A-Za-z0-9._~-]{1,12}", fullmatch=True)
queries = st.lists(st.tuples(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), values), max_size=4)


def _sdk_authorization(request: httpx.Request, headers: dict[str, str], ak: str, sk: str) -> str:
    """The vendor SDK's Authorization for the same method, URL, headers and body."""
    sdk_request = SdkRequest(
        method=request.method,
        schema=request.url.scheme,
        host=request.url.netloc.decode(),
        resource_path=request.url.raw_path.partition(b"?")[0].decode(),
        query_params=request.url.params.multi_items(),
        header_params=dict(headers),
        body=request.content,
    )
    signed = Signer(BasicCredentials(ak, sk)).sign(sdk_request)
    return str(signed.header_params["Authorization"])


def test_canonical_uri_adds_the_trailing_slash() -> None:
    assert canonical_uri(PATH) == f"{PATH}/"
    assert canonical_uri("/v1/a%20b/c") == "/v1/a%20b/c/"


def test_published_vector() -> None:
    headers = {
        "content-type": JSON,
        "host": "ecs.cn-north-4.myhuaweicloud.com",
        "x-project-id": "proj123",
        "x-sdk-date": "20240101T000000Z",
    }
    canonical = canonical_request("POST", PATH, [], headers, headers, BODY)
    sig = signature("SKEXAMPLE", string_to_sign(canonical, "20240101T000000Z"))
    assert sig == "b9f48d35f5137335fba866e4fea81fb64da00f151f862aeac8854b503006dd33"


@settings(max_examples=60, deadline=None)
@given(
    tags=st.lists(st.tuples(values, values), max_size=5),
    path=st.lists(segments, min_size=1, max_size=5),
    query=queries,
    secret=values.filter(bool),
    token=st.none() | st.just("temporary/token+=="),
)
def test_auth_equals_the_vendor_sdk(
    tags: list[tuple[str, str]],
    path: list[str],
    query: list[tuple[str, str]],
    secret: str,
    token: str | None,
) -> None:
    body = {"action": "delete", "tags": [{"key": k, "value": v} for k, v in tags]}
    request = httpx.Request(
        "POST",
        f"https://ecs.cn-north-4.myhuaweicloud.com/{'/'.join(path)}",
        params=query,
        json=body,
        headers={"Content-Type": JSON, "X-Project-Id": "proj123"},
    )
    auth = SdkHmacSha256Auth("AKEXAMPLE", secret, token, clock=lambda: MOMENT)
    signed = next(auth.auth_flow(request))
    parsed = parse_authorization(signed.headers["Authorization"])
    sdk_headers = {name: signed.headers[name] for name in parsed.signed_headers}
    assert signed.headers["Authorization"] == _sdk_authorization(
        signed, sdk_headers, "AKEXAMPLE", secret
    )
    assert ("x-security-token" in parsed.signed_headers) is (token is not None)
    assert {"host", "content-type", "x-project-id", "x-sdk-date"} <= set(parsed.signed_headers)


def test_parse_authorization() -> None:
    parsed = parse_authorization(
        "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=ab"
    )
    assert parsed == ("AK", ["host", "x-sdk-date"], "ab")
    with pytest.raises(ValueError, match="not an SDK-HMAC-SHA256"):
        parse_authorization("SDK-HMAC-SHA256 Access=AK")
