"""Huawei TMS batch delete over real HTTP: wire form, X-Domain-Id signed, per-resource answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tagstrip.domain.errors import ConfigurationError
from tagstrip.domain.models import RequestResult
from tagstrip.providers.huawei import tms_endpoint
from tagstrip.providers.huawei.signing import parse_authorization
from tagstrip.runtime.executor import execute
from tests.unit.clients_support import KEY_IDS, plan_of, settings_for
from tests.unit.test_clients_huawei import signature_valid

PATH = "/v1.0/resource-tags/batch-delete"
PROJECT = "0605767ea3000fd42f0cc00a2fa4d5d8"
DOMAIN = KEY_IDS["huawei_account_id"]
TMS: dict[str, Any] = {
    "provider": "huawei-tms",
    "resources": [
        {"id": "vm-1", "type": "ecs", "project_id": PROJECT},
        {"id": "disk-1", "type": "disk", "project_id": PROJECT},
        {"id": "cdn-1", "type": "cdn"},
    ],
    "tags": [{"key": "owner", "value": "ops"}, {"key": "标签"}],
}


def run(httpserver: HTTPServer, payload: dict[str, Any], **settings: Any) -> RequestResult:
    return execute(plan_of(payload), settings_for(httpserver.url_for("/"), **settings))


def answer(failed: list[dict[str, str]], request_id: str = "tms-1") -> Response:
    body = json.dumps({"failed_resources": failed})
    return Response(body, status=200, headers={"X-Request-Id": request_id})


def test_wire_form_signed_with_the_domain_id(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert signature_valid(request)
        assert request.headers["X-Domain-Id"] == DOMAIN
        assert "X-Project-Id" not in request.headers
        assert request.headers["Content-Type"] == "application/json;charset=UTF-8"
        signed = parse_authorization(request.headers["Authorization"]).signed_headers
        assert {"host", "x-domain-id", "x-sdk-date"} <= set(signed)
        return answer([])

    httpserver.expect_request(PATH, method="POST").respond_with_handler(handler)
    result = run(httpserver, TMS)
    # The two calls name different resources, so they are sent concurrently, in either order.
    bodies = sorted(
        (json.loads(request.get_data()) for request, _ in httpserver.log),
        key=lambda body: "project_id" not in body,
    )
    tags = [{"key": "owner", "value": "ops"}, {"key": "标签"}]
    assert bodies == [  # one call per project: the CDN domain is global, named by no project
        {
            "project_id": PROJECT,
            "resources": [
                {"resource_id": "vm-1", "resource_type": "ecs"},
                {"resource_id": "disk-1", "resource_type": "disk"},
            ],
            "tags": tags,
        },
        {"resources": [{"resource_id": "cdn-1", "resource_type": "cdn"}], "tags": tags},
    ]
    assert result.status == "ok"
    assert [(c.outcome, c.resource_ids) for c in result.calls] == [
        ("removed", ["vm-1", "disk-1"]),
        ("removed", ["cdn-1"]),
    ]


def test_failed_resources_are_reported_apart(httpserver: HTTPServer) -> None:
    """A 200 that lists resources: those fail (or are skipped when gone), the others pass."""
    failed = [
        {
            "resource_id": "vm-2",
            "resource_type": "ecs",
            "error_code": "TMS.0005",
            "error_msg": "gone",
        },
        {
            "resource_id": "vm-3",
            "resource_type": "ecs",
            "error_code": "TMS.0004",
            "error_msg": "no",
        },
    ]
    httpserver.expect_request(PATH).respond_with_response(answer(failed))
    ids = ["vm-1", "vm-2", "vm-3"]
    payload = {**TMS, "project_id": PROJECT, "resources": [], "resource_type": "ecs"}
    payload["resource_ids"] = ids
    result = run(httpserver, payload)
    assert result.status == "partial"
    assert [(c.outcome, c.resource_ids, c.error_code, c.request_id) for c in result.calls] == [
        ("removed", ["vm-1"], None, "tms-1"),
        ("skipped", ["vm-2"], "TMS.0005", "tms-1"),
        ("failed", ["vm-3"], "TMS.0004", "tms-1"),
    ]
    assert not result.retryable


def test_a_busy_resource_makes_the_request_retryable(httpserver: HTTPServer) -> None:
    failed = [{"resource_id": "vm-1", "resource_type": "ecs", "error_code": "TMS.0006"}]
    httpserver.expect_request(PATH).respond_with_response(answer(failed))
    payload = {**TMS, "project_id": PROJECT, "resources": [], "resource_type": "ecs"}
    payload["resource_ids"] = ["vm-1"]
    (call,) = run(httpserver, payload).calls
    assert (call.outcome, call.retryable, call.error_message) == ("failed", True, None)


@pytest.mark.parametrize(
    ("status", "body", "code", "retryable"),
    [
        (400, {"error": {"error_code": "TMS.5027", "error_msg": "bad type"}}, "TMS.5027", False),
        (400, {"error_code": "TMS.0009", "error_msg": "Key is invalid."}, "TMS.0009", False),
        (403, {"error": {"error_code": "TMS.0006", "error_msg": "too many"}}, "TMS.0006", True),
    ],
)
def test_whole_call_errors(
    httpserver: HTTPServer, status: int, body: dict[str, Any], code: str, retryable: bool
) -> None:
    response = Response(json.dumps(body), status=status, headers={"X-Request-Id": "e"})
    httpserver.expect_request(PATH).respond_with_response(response)
    payload = {**TMS, "resources": [{"id": "cdn-1", "type": "cdn"}]}
    calls = run(httpserver, payload, retries=0).calls
    assert [(c.outcome, c.error_code, c.http_status, c.retryable) for c in calls] == [
        ("failed", code, status, retryable)
    ]


def test_an_unreadable_answer_is_a_failure(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data("<html>", status=200)
    payload = {**TMS, "resources": [{"id": "cdn-1", "type": "cdn"}]}
    (call,) = run(httpserver, payload).calls
    assert call.outcome == "failed"
    assert call.error_message is not None
    assert call.error_message.startswith("unexpected answer to DeleteResourceTag")


def test_the_domain_id_is_a_required_setting(httpserver: HTTPServer) -> None:
    with pytest.raises(ConfigurationError) as caught:
        run(httpserver, TMS, huawei_account_id=None)
    assert caught.value.variable == "HUAWEICLOUD_SDK_DOMAIN_ID"
    assert not httpserver.log


def test_default_endpoint_is_the_global_one() -> None:
    assert tms_endpoint(None) == "https://tms.myhuaweicloud.com"
