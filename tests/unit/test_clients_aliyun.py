"""Alibaba ECS and Redis over real HTTP: wire form, signatures checked server-side, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tagstrip.domain.errors import InvalidRequest
from tagstrip.domain.models import RequestResult
from tagstrip.providers.aliyun import default_endpoint
from tagstrip.providers.aliyun.signing import (
    acs3_canonical_request,
    acs3_signature,
    acs3_string_to_sign,
    parse_acs3_authorization,
    rpc_signature,
    rpc_string_to_sign,
    sha256_hex,
)
from tagstrip.runtime.executor import execute
from tagstrip.runtime.wiring import validation
from tests.unit.clients_support import SECRETS, plan_of, settings_for

SECRET = SECRETS["aliyun_access_key_secret"]
ECS: dict[str, Any] = {
    "provider": "aliyun-ecs",
    "region": "cn-shenzhen",
    "resource_type": "snapshot",
    "resource_ids": ["s-946ntx4wr"],
    "tags": [{"key": "Finance", "value": "Finance Joshua*~/+"}],
}
REDIS: dict[str, Any] = {
    "provider": "aliyun-redis",
    "region": "cn-hangzhou",
    "resource_ids": ["r-1", "r-2"],
    "tags": [{"key": "project"}, {"key": "标签"}],
}
REQUEST_ID = "6A2C8AB5-E15D-478C-B56A-CF3DAF060028"


def acs3_valid(request: Request) -> bool:
    auth = parse_acs3_authorization(request.headers["Authorization"])
    canonical = acs3_canonical_request(
        request.method,
        request.path,
        list(request.args.items(multi=True)),
        request.headers,
        auth.signed_headers,
        sha256_hex(request.get_data()),
    )
    return acs3_signature(SECRET, acs3_string_to_sign(canonical)) == auth.signature


def rpc_v1_valid(request: Request) -> bool:
    params = request.args.to_dict()
    return rpc_signature(SECRET, rpc_string_to_sign(request.method, params)) == params["Signature"]


def ok(request_id: str = REQUEST_ID) -> Response:
    return Response(json.dumps({"RequestId": request_id}), content_type="application/json")


def error(status: int, code: str, message: str = "documented message") -> Response:
    body = {"RequestId": "ERR-1", "HostId": "ecs.aliyuncs.com", "Code": code, "Message": message}
    return Response(json.dumps(body), status=status, content_type="application/json")


def run(httpserver: HTTPServer, payload: dict[str, Any], **settings: Any) -> RequestResult:
    return execute(plan_of(payload), settings_for(httpserver.url_for("/"), **settings))


def test_remove_tags_acs3_wire_form_and_signature(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert acs3_valid(request)
        assert request.headers["x-acs-action"] == "RemoveTags"
        assert request.headers["x-acs-version"] == "2014-05-26"
        assert request.get_data() == b""
        assert request.args.to_dict() == {
            "RegionId": "cn-shenzhen",
            "ResourceId": "s-946ntx4wr",
            "ResourceType": "snapshot",
            "Tag.1.Key": "Finance",
            "Tag.1.Value": "Finance Joshua*~/+",
        }
        return ok()

    httpserver.expect_request("/", method="POST").respond_with_handler(handler)
    result = run(httpserver, ECS)
    httpserver.check()
    assert result.status == "ok"
    assert [(c.outcome, c.request_id, c.attempts) for c in result.calls] == [
        ("removed", REQUEST_ID, 1)
    ]


def test_rpc_v1_sends_common_parameters_and_a_valid_signature(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert rpc_v1_valid(request)
        params = request.args
        assert (params["Action"], params["Version"]) == ("RemoveTags", "2014-05-26")
        assert params["SignatureMethod"] == "HMAC-SHA1"
        assert params["SecurityToken"] == SECRETS["aliyun_security_token"]
        assert "Authorization" not in request.headers
        return ok()

    httpserver.expect_request("/", method="POST").respond_with_handler(handler)
    result = run(httpserver, ECS, aliyun_signature="HMAC-SHA1", tokens=True)
    httpserver.check()
    assert result.status == "ok"


def test_sts_token_is_a_signed_acs3_header(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert acs3_valid(request)
        assert request.headers["x-acs-security-token"] == SECRETS["aliyun_security_token"]
        signed = parse_acs3_authorization(request.headers["Authorization"]).signed_headers
        assert "x-acs-security-token" in signed
        return ok()

    httpserver.expect_request("/").respond_with_handler(handler)
    assert run(httpserver, ECS, tokens=True).status == "ok"
    httpserver.check()


def test_redis_untag_resources_packs_resources_and_keys(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert acs3_valid(request)
        assert request.headers["x-acs-action"] == "UntagResources"
        assert request.headers["x-acs-version"] == "2015-01-01"
        assert request.args.to_dict() == {
            "RegionId": "cn-hangzhou",
            "ResourceType": "INSTANCE",
            "ResourceId.1": "r-1",
            "ResourceId.2": "r-2",
            "TagKey.1": "project",
            "TagKey.2": "标签",
        }
        return ok()

    httpserver.expect_request("/").respond_with_handler(handler)
    result = run(httpserver, REDIS)
    httpserver.check()
    assert [call.resource_ids for call in result.calls] == [["r-1", "r-2"]]
    assert result.status == "ok"


def test_untag_resources_profile_cuts_calls(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert acs3_valid(request)
        assert request.headers["x-acs-action"] == "UntagResources"
        assert request.args["ResourceType"] == "eni"
        assert not [name for name in request.args if name.startswith("Tag.")]
        return ok()

    httpserver.expect_request("/").respond_with_handler(handler)
    resources = [f"eni-{n}" for n in range(60)]
    payload = {
        **ECS,
        "resource_type": "eni",
        "resource_ids": resources,
        "tags": [{"key": f"k{n}"} for n in range(25)],
        "api_profile": "untag-resources",
    }
    result = run(httpserver, payload)
    httpserver.check()
    assert result.status == "ok"
    # 60 x 25 takes 3 calls, the fewest (each resource needs 2 calls of 20 keys, and 3 x 50
    # slots hold the 120), where chunks of 50 resources times chunks of 20 keys took 4.
    shapes = [(len(call.resource_ids), len(call.tags)) for call in result.calls]
    assert shapes == [(40, 17), (40, 17), (40, 16)]
    sent = set()
    for request, _ in httpserver.log:
        ids = [value for name, value in request.args.items() if name.startswith("ResourceId.")]
        keys = [value for name, value in request.args.items() if name.startswith("TagKey.")]
        assert len(ids) <= 50
        assert len(keys) <= 20
        sent |= {(rid, key) for rid in ids for key in keys}
    assert sent == {(rid, f"k{n}") for rid in resources for n in range(25)}


def test_untag_resources_removes_by_key_only() -> None:
    with pytest.raises(InvalidRequest) as caught:
        validation().request({**ECS, "api_profile": "untag-resources"})
    (error,) = caught.value.errors
    assert (error.path, error.type) == ("tags.0.value", "value_not_supported")


def test_untag_resource_types_are_refused_by_remove_tags() -> None:
    with pytest.raises(InvalidRequest, match="not an ECS resource type"):
        validation().request({**ECS, "resource_type": "eni"})


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "InvalidTagCount"),
        (404, "InvalidResourceType.NotFound"),
        (404, "InvalidRegionId.NotFound"),
        (403, "InvalidResourceId.NotSupported"),
        (400, "SignatureDoesNotMatch"),
        (404, "InvalidAccessKeyId.NotFound"),
    ],
)
def test_documented_client_errors_fail_without_retry(
    httpserver: HTTPServer, status: int, code: str
) -> None:
    httpserver.expect_request("/").respond_with_response(error(status, code))
    result = run(httpserver, ECS)
    (call,) = result.calls
    assert (result.status, result.retryable) == ("failed", False)
    assert (call.outcome, call.error_code, call.http_status) == ("failed", code, status)
    assert (call.request_id, call.error_message, call.attempts) == (
        "ERR-1",
        "documented message",
        1,
    )
    assert len(httpserver.log) == 1


def test_a_missing_resource_is_skipped_when_it_is_the_only_one(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_response(error(404, "InvalidResourceId.NotFound"))
    result = run(httpserver, ECS)
    (call,) = result.calls
    assert result.status == "ok"
    assert (call.outcome, call.error_code) == ("skipped", "InvalidResourceId.NotFound")


def test_a_missing_instance_fails_a_call_naming_several(httpserver: HTTPServer) -> None:
    response = error(404, "InvalidDbInstanceId.NotFound", "Specified instance does not exist.")
    httpserver.expect_request("/").respond_with_response(response)
    (call,) = run(httpserver, REDIS).calls
    assert (call.outcome, call.error_code, call.retryable) == (
        "failed",
        "InvalidDbInstanceId.NotFound",
        False,
    )


def test_xml_error_bodies_are_parsed(httpserver: HTTPServer) -> None:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>X-1</RequestId>'
        "<HostId>ecs.aliyuncs.com</HostId><Code>InvalidTagCount</Code>"
        "<Message>The specified tags are beyond the permitted range.</Message></Error>"
    )
    httpserver.expect_request("/").respond_with_data(
        body, status=400, content_type="text/xml;charset=utf-8"
    )
    (call,) = run(httpserver, ECS).calls
    assert (call.error_code, call.request_id) == ("InvalidTagCount", "X-1")
    assert call.error_message == "The specified tags are beyond the permitted range."


@pytest.mark.parametrize(("status", "code"), [(400, "Throttling"), (429, "Throttling.User")])
def test_throttling_is_retried_then_succeeds(
    httpserver: HTTPServer, status: int, code: str
) -> None:
    httpserver.expect_ordered_request("/").respond_with_response(error(status, code))
    httpserver.expect_ordered_request("/").respond_with_response(ok("AFTER-THROTTLE"))
    result = run(httpserver, ECS)
    (call,) = result.calls
    assert (result.status, call.attempts, call.request_id) == ("ok", 2, "AFTER-THROTTLE")


def test_x_acs_retry_after_is_milliseconds(httpserver: HTTPServer) -> None:
    response = error(400, "Throttling")
    response.headers["x-acs-retry-after"] = "60000"
    httpserver.expect_request("/").respond_with_response(response)
    result = run(httpserver, ECS, deadline=1.0)
    assert (result.status, result.retryable, result.retry_after) == ("failed", True, 60.0)
    assert result.calls[0].attempts == 1


def test_default_endpoints_follow_the_vendor_rules() -> None:
    assert default_endpoint("aliyun-ecs", "cn-shenzhen") == "https://ecs.cn-shenzhen.aliyuncs.com"
    assert default_endpoint("aliyun-ecs", "cn-hangzhou") == "https://ecs-cn-hangzhou.aliyuncs.com"
    assert default_endpoint("aliyun-redis", "cn-beijing") == (
        "https://r-kvstore.cn-beijing.aliyuncs.com"
    )
    assert default_endpoint("aliyun-redis", "cn-hangzhou") == "https://r-kvstore.aliyuncs.com"
