"""Huawei ECS batch delete over real HTTP: wire form, signature checked server-side, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tagstrip.domain.models import RequestResult
from tagstrip.providers.huawei import default_endpoint
from tagstrip.providers.huawei.signing import (
    canonical_request,
    parse_authorization,
    signature,
    string_to_sign,
)
from tagstrip.runtime.executor import execute
from tests.unit.clients_support import SECRETS, plan_of, settings_for

PROJECT = "0605767ea3000fd42f0cc00a2fa4d5d8"
SERVER = "8e7d4d27-9d9c-4fa4-8f55-a2f76c6a1ab8"
PATH = f"/v1/{PROJECT}/cloudservers/{SERVER}/tags/action"
HUAWEI: dict[str, Any] = {
    "provider": "huawei-ecs",
    "region": "cn-north-4",
    "project_id": PROJECT,
    "resource_ids": [SERVER],
    "tags": [{"key": "key1", "value": "value1"}, {"key": "标签"}],
}


def signature_valid(request: Request) -> bool:
    auth = parse_authorization(request.headers["Authorization"])
    canonical = canonical_request(
        request.method,
        request.path,
        list(request.args.items(multi=True)),
        request.headers,
        auth.signed_headers,
        request.get_data(),
    )
    sdk_date = request.headers["X-Sdk-Date"]
    expected = signature(SECRETS["huawei_access_key_secret"], string_to_sign(canonical, sdk_date))
    return expected == auth.signature


def no_content(request_id: str = "req-204") -> Response:
    return Response(status=204, headers={"X-Request-Id": request_id})


def run(httpserver: HTTPServer, payload: dict[str, Any], **settings: Any) -> RequestResult:
    return execute(plan_of(payload), settings_for(httpserver.url_for("/"), **settings))


def test_batch_delete_wire_form_and_signature(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert signature_valid(request)
        assert request.headers["X-Project-Id"] == PROJECT
        assert request.headers["X-Security-Token"] == SECRETS["huawei_security_token"]
        assert request.headers["Content-Type"] == "application/json;charset=UTF-8"
        assert json.loads(request.get_data()) == {
            "action": "delete",
            "tags": [{"key": "key1", "value": "value1"}, {"key": "标签"}],
        }
        signed = parse_authorization(request.headers["Authorization"]).signed_headers
        assert {"host", "x-project-id", "x-sdk-date", "x-security-token"} <= set(signed)
        return no_content()

    httpserver.expect_request(PATH, method="POST").respond_with_handler(handler)
    result = run(httpserver, HUAWEI, tokens=True)
    httpserver.check()
    assert result.status == "ok"
    assert [(c.outcome, c.request_id, c.resource_ids) for c in result.calls] == [
        ("removed", "req-204", [SERVER])
    ]


def test_more_than_ten_tags_take_two_calls_in_order(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_response(no_content())
    tags = [{"key": f"k{n}", "value": "v"} for n in range(12)]
    result = run(httpserver, {**HUAWEI, "tags": tags})
    sent = [json.loads(request.get_data())["tags"] for request, _ in httpserver.log]
    assert [len(batch) for batch in sent] == [10, 2]
    assert sent[0][0] == {"key": "k0", "value": "v"}
    assert result.status == "ok"


@pytest.mark.parametrize(
    ("status", "body", "code", "message"),
    [
        (
            401,
            {
                "error_code": "APIGW.0301",
                "error_msg": "verify aksk signature fail",
                "request_id": "g1",
            },
            "APIGW.0301",
            "verify aksk signature fail",
        ),
        (
            400,
            {"error": {"message": "request body is illegal.", "code": "Ecs.0005"}},
            "Ecs.0005",
            "request body is illegal.",
        ),
        (404, {"error_code": "APIGW.0101", "error_msg": "API not found"}, "APIGW.0101", None),
    ],
)
def test_documented_errors_fail_without_retry(
    httpserver: HTTPServer, status: int, body: dict[str, Any], code: str, message: str | None
) -> None:
    response = Response(json.dumps(body), status=status, headers={"X-Request-Id": "hw-err"})
    httpserver.expect_request(PATH).respond_with_response(response)
    (call,) = run(httpserver, HUAWEI).calls
    assert (call.outcome, call.error_code, call.http_status, call.retryable) == (
        "failed",
        code,
        status,
        False,
    )
    assert call.request_id == "hw-err"
    assert call.error_message == (message or "API not found")
    assert len(httpserver.log) == 1


def test_a_missing_server_is_skipped(httpserver: HTTPServer) -> None:
    body = {"error": {"code": "Ecs.0114", "message": f"Instance[{SERVER}] could not be found."}}
    httpserver.expect_request(PATH).respond_with_json(body, status=404)
    (call,) = run(httpserver, HUAWEI).calls
    assert (call.outcome, call.error_code) == ("skipped", "Ecs.0114")


def test_gateway_throttling_then_success(httpserver: HTTPServer) -> None:
    body = {"error_code": "APIGW.0308", "error_msg": "The throttling threshold has been reached"}
    throttled = Response(json.dumps(body), status=429, headers={"Retry-After": "0"})
    httpserver.expect_ordered_request(PATH).respond_with_response(throttled)
    httpserver.expect_ordered_request(PATH).respond_with_response(no_content("after"))
    result = run(httpserver, HUAWEI)
    assert (result.status, result.calls[0].attempts, result.calls[0].request_id) == (
        "ok",
        2,
        "after",
    )


def test_default_endpoint_is_regional() -> None:
    assert default_endpoint("cn-north-4") == "https://ecs.cn-north-4.myhuaweicloud.com"
    assert default_endpoint("ap-southeast-1") == "https://ecs.ap-southeast-1.myhuaweicloud.com"
