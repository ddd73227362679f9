"""Baidu bce-auth-v1: the published vector and equality with the vendor's SDK signer."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import httpx
import pytest
from baidubce.auth import bce_v1_signer
from baidubce.auth.bce_credentials import BceCredentials
from hypothesis import given, settings
from hypothesis import strategies as st

from tagstrip.providers.baidu.client import BaiduClient
from tagstrip.providers.baidu.signing import (
    BceAuth,
    auth_prefix,
    authorization,
    canonical_request,
    normalize,
    parse_authorization,
    signature,
    signing_key,
)
from tests.unit.clients_support import SECRETS, plan_of, settings_for

MOMENT = datetime(2024, 1, 1, tzinfo=UTC)

values = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("*~ +/=&:.-_")),
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    ),
    max_size=24,
)
segments = st.from_regex(r"[A-Za-z0-9._~-]{1,12}", fullmatch=True)


def _sdk_authorization(signed: httpx.Request, ak: str, sk: str) -> str:
    """The vendor SDK's Authorization for the same request (it takes an encoded path)."""
    path = normalize(signed.url.path, keep_slash=True).encode()
    headers = {name.encode(): value.encode() for name, value in signed.headers.items()}
    headers.pop(b"authorization")
    params = {name.encode(): value.encode() for name, value in signed.url.params.multi_items()}
    result = bce_v1_signer.sign(
        BceCredentials(ak.encode(), sk.encode()),
        signed.method.encode(),
        path,
        headers,
        params,
        timestamp=int(MOMENT.timestamp()),
    )
    return bytes(result).decode()


def test_normalize() -> None:
    assert normalize("a b*~/:") == "a%20b%2A~%2F%3A"
    assert normalize("/v1/标", keep_slash=True) == "/v1/%E6%A0%87"


def test_published_vector() -> None:
    headers = {
        "host": "tag.baidubce.com",
        "content-type": "application/json; charset=utf-8",
        "content-length": "42",
        "x-bce-date": "2024-01-01T00:00:00Z",
    }
    prefix = auth_prefix("AKEXAMPLE", "2024-01-01T00:00:00Z")
    canonical = canonical_request("PUT", "/v1/tag", [("delete", "")], headers)
    assert authorization(prefix, (), signature(signing_key("SKEXAMPLE", prefix), canonical)) == (
        "bce-auth-v1/AKEXAMPLE/2024-01-01T00:00:00Z/1800//"
        "11fa4dc7dc39a78108330c37d5cfa67f4362fce5ec47b988462b666f95bb713c"
    )


@settings(max_examples=60, deadline=None)
@given(
    tags=st.lists(st.tuples(values, values), max_size=5),
    path=st.lists(segments | values.filter(bool), min_size=1, max_size=4),
    query=st.dictionaries(st.from_regex(r"[a-zA-Z]{1,8}", fullmatch=True), values, max_size=3),
    secret=values.filter(bool),
    token=st.none() | st.just("sts/token+=="),
)
def test_auth_equals_the_vendor_sdk(
    tags: list[tuple[str, str]],
    path: list[str],
    query: dict[str, str],
    secret: str,
    token: str | None,
) -> None:
    body = {"changeTags": [{"tagKey": k, "tagValue": v} for k, v in tags]}
    request = httpx.Request(
        "PUT",
        "http://bcc.bj.baidubce.com/" + "/".join(quote(segment, safe="") for segment in path),
        params=query,
        json=body,
    )
    signed = next(BceAuth("AKEXAMPLE", secret, token, clock=lambda: MOMENT).auth_flow(request))
    assert signed.headers["Authorization"] == _sdk_authorization(signed, "AKEXAMPLE", secret)
    assert signed.headers["x-bce-date"] == "2024-01-01T00:00:00Z"
    assert signed.headers.get("x-bce-security-token") == token


def test_parse_authorization() -> None:
    parsed = parse_authorization("bce-auth-v1/AK/2024-01-01T00:00:00Z/1800/host;x-bce-date/ab")
    assert parsed.signed_headers == ["host", "x-bce-date"]
    assert parsed.prefix == "bce-auth-v1/AK/2024-01-01T00:00:00Z/1800"
    assert parsed.signature == "ab"
    with pytest.raises(ValueError, match="not a bce-auth-v1"):
        parse_authorization("bce-auth-v1/AK/2024-01-01T00:00:00Z/soon//ab")


def test_tag_resource_request_signs_as_the_vendor_sdk() -> None:
    """The client's own ``PUT /v1/resource`` request (body, headers, path), signed at a fixed
    time, carries the Authorization the SDK computes for it."""
    plan = plan_of(
        {
            "provider": "baidu-tag-resource",
            "resource_type": "EIP",
            "region": "gz",
            "resource_ids": ["eip-gz01abcd"],
            "tags": [{"key": "项目 a/b", "value": "v.1"}],
        }
    )
    client = BaiduClient("baidu-tag-resource", settings_for("http://tag.baidubce.com"))
    request = client.request(plan.calls[0])
    auth = BceAuth("bce-test-ak", SECRETS["baidu_access_key_secret"], clock=lambda: MOMENT)
    signed = next(auth.auth_flow(request))
    assert (signed.method, signed.url.path, signed.url.query) == ("PUT", "/v1/resource", b"")
    expected = _sdk_authorization(signed, "bce-test-ak", SECRETS["baidu_access_key_secret"])
    assert signed.headers["Authorization"] == expected
