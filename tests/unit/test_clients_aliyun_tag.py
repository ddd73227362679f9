"""aliyun-tag over real HTTP: the Tag API's wire form, and its per-resource answers reported
per resource (the others removed, a resource gone skipped, any other code failed)."""

from __future__ import annotations

import json
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tagstrip.domain.models import RequestResult
from tagstrip.runtime.executor import execute
from tests.unit.clients_support import plan_of, settings_for
from tests.unit.test_clients_aliyun import REQUEST_ID, acs3_valid, rpc_v1_valid

DISK, VPC, GONE = (
    "arn:acs:ecs:cn-hangzhou:123:disk/d-1",
    "arn:acs:vpc:cn-hangzhou:123:vpc/vpc-1",
    "arn:acs:ecs:cn-hangzhou:123:instance/i-gone",
)
TAG: dict[str, Any] = {
    "provider": "aliyun-tag",
    "resource_ids": [DISK, VPC, GONE],
    "tags": [{"key": "tmp-owner"}, {"key": "env"}],
}


def answer(*failed: tuple[str, str]) -> Response:
    entries = [{"ResourceARN": a, "Result": {"Code": c, "Message": f"{c}."}} for a, c in failed]
    body = {"RequestId": REQUEST_ID, "FailedResources": {"FailedResource": entries}}
    return Response(json.dumps(body), content_type="application/json")


def run(httpserver: HTTPServer, payload: dict[str, Any], **settings: Any) -> RequestResult:
    return execute(plan_of(payload), settings_for(httpserver.url_for("/"), **settings))


def test_wire_form_and_a_result_per_failed_resource(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert acs3_valid(request)
        assert (request.headers["x-acs-action"], request.headers["x-acs-version"]) == (
            "UntagResources",
            "2018-08-28",
        )
        assert request.args.to_dict() == {
            "RegionId": "cn-hangzhou",
            "ResourceARN.1": DISK,
            "ResourceARN.2": VPC,
            "ResourceARN.3": GONE,
            "TagKey.1": "tmp-owner",
            "TagKey.2": "env",
        }
        return answer((GONE, "InvalidResourceId.NotFound"), (VPC, "NoPermission.Operator"))

    httpserver.expect_request("/", method="POST").respond_with_handler(handler)
    result = run(httpserver, TAG)
    httpserver.check()
    assert [(c.resource_ids, c.outcome, c.error_code) for c in result.calls] == [
        ([DISK], "removed", None),
        ([VPC], "failed", "NoPermission.Operator"),
        ([GONE], "skipped", "InvalidResourceId.NotFound"),
    ]
    assert all(c.request_id == REQUEST_ID for c in result.calls)
    assert (result.status, result.retryable) == ("partial", False)


def test_a_throttled_resource_asks_for_the_event_again(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_response(answer((DISK, "Throttling.User")))
    result = run(httpserver, TAG)
    assert [c.outcome for c in result.calls] == ["removed", "failed"]
    assert result.calls[1].retryable
    assert result.retryable


def test_every_resource_done_is_one_result(httpserver: HTTPServer) -> None:
    body = {"RequestId": REQUEST_ID, "FailedResources": {}}
    httpserver.expect_request("/").respond_with_json(body)
    result = run(httpserver, TAG, aliyun_signature="HMAC-SHA1")
    assert [(c.resource_ids, c.outcome) for c in result.calls] == [([DISK, VPC, GONE], "removed")]


def test_rpc_v1_and_an_answer_naming_the_resolved_arn(httpserver: HTTPServer) -> None:
    """A sent ``*`` region or account may come back filled in: it is the same resource."""

    def handler(request: Request) -> Response:
        assert rpc_v1_valid(request)
        assert request.args["Action"] == "UntagResources"
        return answer(("arn:acs:ecs:cn-beijing:123:disk/d-1", "InvalidResourceId.NotFound"))

    httpserver.expect_request("/").respond_with_handler(handler)
    payload = {**TAG, "region": "cn-beijing", "resource_ids": ["arn:acs:ecs:*:*:disk/d-1"]}
    result = run(httpserver, payload, aliyun_signature="HMAC-SHA1")
    assert [(c.resource_ids, c.outcome) for c in result.calls] == [
        (["arn:acs:ecs:*:*:disk/d-1"], "skipped")
    ]


def test_an_answer_naming_an_unsent_resource_fails_the_call(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_response(answer(("arn:acs:ecs:x:1:disk/d-9", "X")))
    result = run(httpserver, TAG)
    [call] = result.calls
    assert (call.outcome, call.retryable) == ("failed", False)
    assert "did not send" in (call.error_message or "")
