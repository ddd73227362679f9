"""Read calls of every client against a plain HTTP server: the wire form, paging, bad answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tagstrip.domain.models import RequestResult
from tagstrip.runtime.executor import execute
from tests.unit.clients_support import plan_of, settings_for
from tests.unit.helpers import HUAWEI, REDIS

SELECT_ALL = {"key_glob": "*"}
BCC: dict[str, Any] = {"provider": "baidu-bcc", "region": "bj", "resource_ids": ["i-abc"]}


def run(httpserver: HTTPServer, payload: dict[str, Any]) -> RequestResult:
    request = {**payload, "tags": [], "selector": SELECT_ALL, "dry_run": True}
    return execute(plan_of(request), settings_for(httpserver.url_for("/")))


def json_answer(body: Any, **headers: str) -> Response:
    return Response(json.dumps(body), headers=headers, content_type="application/json")


def test_alibaba_pages_repeat_the_call_with_next_token(httpserver: HTTPServer) -> None:
    seen: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        seen.append(request.args.to_dict())
        assert request.headers["x-acs-action"] == "ListTagResources"
        last = "NextToken" in request.args
        entry = {"ResourceId": "r-bp1zxszhcgatnx", "TagKey": f"k{len(seen)}", "TagValue": "v"}
        body = {"RequestId": f"R{len(seen)}", "NextToken": "" if last else "tok+/=",
                "TagResources": {"TagResource": [entry]}}  # fmt: skip
        return json_answer(body)

    httpserver.expect_request("/", method="POST").respond_with_handler(handler)
    result = run(httpserver, REDIS)
    assert [page.get("NextToken") for page in seen] == [None, "tok+/="]
    assert seen[0]["ResourceId.1"] == "r-bp1zxszhcgatnx"
    assert [call.request_id for call in result.calls[:2]] == ["R1", "R2"]
    assert [tag.key for tag in result.resources[0].current] == ["k1", "k2"]


def test_huawei_show_server_tags_is_a_get_without_body(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert request.get_data() == b""
        assert request.headers["X-Project-Id"] == HUAWEI["project_id"]
        return json_answer({"tags": [{"key": "a", "value": "1"}, {"key": "b"}]})

    path = f"/v1/{HUAWEI['project_id']}/cloudservers/{HUAWEI['resource_ids'][0]}/tags"
    httpserver.expect_request(path, method="GET").respond_with_handler(handler)
    result = run(httpserver, HUAWEI)
    assert [(t.key, t.value) for t in result.resources[0].current] == [("a", "1"), ("b", "")]


@pytest.mark.parametrize("tags", [None, [], [{"tagKey": "x", "tagValue": None}]])
def test_bcc_instance_tags_may_be_null_or_empty(httpserver: HTTPServer, tags: Any) -> None:
    httpserver.expect_request("/v2/instance/i-abc", method="GET").respond_with_json(
        {"instance": {"id": "i-abc", "tags": tags}}
    )
    [view] = run(httpserver, BCC).resources
    assert [(t.key, t.value) for t in view.current] == [("x", "")] * len(tags or [])


@pytest.mark.parametrize("body", [{"instance": {}}, ["not", "an", "object"], "not json"])
def test_an_answer_that_is_not_a_tag_list_is_a_failed_read(
    httpserver: HTTPServer, body: Any
) -> None:
    answer = body if isinstance(body, str) else json.dumps(body)
    httpserver.expect_request("/v2/instance/i-abc", method="GET").respond_with_data(answer)
    result = run(httpserver, BCC)
    [read] = result.calls
    assert read.outcome == "failed"
    assert read.error_message is not None
    assert read.error_message.startswith("unexpected answer to GetInstance")
    assert (result.status, result.retryable, result.resources) == ("failed", False, [])
