"""Baidu tag service and BCC over real HTTP: plans, wire form, server-side signatures, errors."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tagstrip.domain.errors import InvalidRequest
from tagstrip.domain.models import RequestResult
from tagstrip.providers.baidu import default_endpoint
from tagstrip.providers.baidu.signing import (
    canonical_request,
    parse_authorization,
    signature,
    signing_key,
)
from tagstrip.runtime.executor import execute
from tagstrip.runtime.settings import Settings
from tagstrip.runtime.wiring import validation
from tests.unit.clients_support import SECRETS, plan_of, settings_for

TAG: dict[str, Any] = {
    "provider": "baidu-tag",
    "tags": [{"key": "key1", "value": "value1"}, {"key": "Default tag", "value": ""}],
}
BCC: dict[str, Any] = {
    "provider": "baidu-bcc",
    "region": "bj",
    "resource_ids": ["i-abc", "i-def"],
    "tags": [{"key": "env", "value": "测试 1"}],
}


def signature_valid(request: Request) -> bool:
    auth = parse_authorization(request.headers["Authorization"])
    canonical = canonical_request(
        request.method,
        request.path,
        list(request.args.items(multi=True)),
        request.headers,
        auth.signed_headers,
    )
    key = signing_key(SECRETS["baidu_access_key_secret"], auth.prefix)
    return signature(key, canonical) == auth.signature


def ok(request_id: str = "602b9cda-d803-433b-b902-c6f787ebb7fc") -> Response:
    return Response(b"", headers={"x-bce-request-id": request_id}, content_type="text/plain")


def run(httpserver: HTTPServer, payload: dict[str, Any], **settings: Any) -> RequestResult:
    return execute(plan_of(payload), settings_for(httpserver.url_for("/"), **settings))


@pytest.mark.usefixtures("allow_account_scope")
def test_tag_delete_is_account_wide_and_skips_the_default_tag(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert signature_valid(request)
        assert "delete" in request.args
        assert request.headers["x-bce-security-token"] == SECRETS["baidu_security_token"]
        assert json.loads(request.get_data()) == {
            "tags": [{"tagKey": "key1", "tagValue": "value1"}]
        }
        return ok()

    httpserver.expect_request("/v1/tag", method="PUT").respond_with_handler(handler)
    result = run(httpserver, TAG, tokens=True)
    httpserver.check()
    assert (result.status, result.scope) == ("ok", "account")
    assert "whole account" in result.summary
    assert [s.tag.key for s in result.skipped] == ["Default tag"]
    assert result.calls[0].request_id == "602b9cda-d803-433b-b902-c6f787ebb7fc"


def test_bcc_unbinds_from_each_instance_only(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        assert signature_valid(request)
        assert "unbind" in request.args
        assert json.loads(request.get_data()) == {
            "changeTags": [{"tagKey": "env", "tagValue": "测试 1"}]
        }
        return ok(request.path)

    httpserver.expect_request("/v2/instance/i-abc/tag", method="PUT").respond_with_handler(handler)
    httpserver.expect_request("/v2/instance/i-def/tag", method="PUT").respond_with_handler(handler)
    result = run(httpserver, BCC)
    httpserver.check()
    assert (result.status, result.scope) == ("ok", "resources")
    assert "only" in result.summary
    assert sorted(call.request_id or "" for call in result.calls) == [
        "/v2/instance/i-abc/tag",
        "/v2/instance/i-def/tag",
    ]


def test_bcc_missing_instance_is_skipped(httpserver: HTTPServer) -> None:
    body = {"requestId": "r", "code": "NoSuchObject", "message": "resource do not exist."}
    httpserver.expect_request("/v2/instance/i-abc/tag").respond_with_json(body, status=404)
    result = run(httpserver, {**BCC, "resource_ids": ["i-abc"]})
    assert (result.status, result.calls[0].outcome, result.calls[0].error_code) == (
        "ok",
        "skipped",
        "NoSuchObject",
    )


def test_bcc_plan_needs_values_and_instances() -> None:
    with pytest.raises(InvalidRequest) as caught:
        validation().request({"provider": "baidu-bcc", "region": "bj", "tags": [{"key": "env"}]})
    paths = {error.path for error in caught.value.errors}
    assert paths == {"resource_ids", "tags.0.value"}


def test_bcc_native_form() -> None:
    request = validation().request(
        {"instanceId": "i-abc", "region": "gz", "changeTags": [{"tagKey": "a", "tagValue": "b"}]}
    )
    assert (request.provider, request.resource_ids, request.region) == (
        "baidu-bcc",
        ["i-abc"],
        "gz",
    )


@pytest.mark.usefixtures("allow_account_scope")
@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "TagExceptions.TagKeyInvalid"),
        (400, "TagExceptions.TagValueInvalid"),
        (413, "TagExceptions.LimitExceeded"),
        (403, "AccessDenied"),
        (400, "SignatureDoesNotMatch"),
    ],
)
def test_documented_errors_fail_without_retry(
    httpserver: HTTPServer, status: int, code: str
) -> None:
    body = {"requestId": "bce-err", "code": code, "message": "documented message"}
    httpserver.expect_request("/v1/tag").respond_with_json(body, status=status)
    (call,) = run(httpserver, TAG).calls
    assert (call.outcome, call.error_code, call.http_status, call.retryable) == (
        "failed",
        code,
        status,
        False,
    )
    assert (call.request_id, call.error_message) == ("bce-err", "documented message")


@pytest.mark.usefixtures("allow_account_scope")
def test_server_error_then_success(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/v1/tag").respond_with_data("", status=503)
    httpserver.expect_ordered_request("/v1/tag").respond_with_response(ok("second"))
    (call,) = run(httpserver, TAG).calls
    assert (call.outcome, call.attempts, call.request_id) == ("removed", 2, "second")


@pytest.mark.usefixtures("allow_account_scope")
def test_empty_error_body_uses_the_request_id_header(httpserver: HTTPServer) -> None:
    response = Response(b"", status=500, headers={"x-bce-request-id": "hdr-id"})
    httpserver.expect_request("/v1/tag").respond_with_response(response)
    (call,) = run(httpserver, TAG, retries=0).calls
    assert (call.request_id, call.retryable) == ("hdr-id", True)
    assert (call.error_message or "").lower() == "internal server error"


def test_default_endpoints() -> None:
    assert default_endpoint("baidu-tag", None) == "https://tag.baidubce.com"
    assert default_endpoint("baidu-bcc", "gz") == "https://bcc.gz.baidubce.com"


# --- baidu-tag-resource -----------------------------------------------------------------

DISKS: dict[str, Any] = {
    "provider": "baidu-tag-resource",
    "resource_type": "CDS",
    "region": "bj",
    "resource_ids": ["v-1", "v-2"],
    "tags": [{"key": "project", "value": "crm"}, {"key": "env", "value": ""}],
}


def test_tag_resource_unbinds_each_tag_from_the_listed_resources(httpserver: HTTPServer) -> None:
    bodies: list[Any] = []

    def handler(request: Request) -> Response:
        assert signature_valid(request)
        assert not request.args
        bodies.append(json.loads(request.get_data()))
        return ok(bodies[-1]["tagKey"])

    httpserver.expect_request("/v1/resource", method="PUT").respond_with_handler(handler)
    result = run(httpserver, DISKS)
    resources = [
        {"resourceId": rid, "serviceType": "CDS", "region": "bj"} for rid in ("v-1", "v-2")
    ]
    assert sorted(bodies, key=lambda body: body["tagKey"]) == [
        {"tagKey": "env", "tagValue": "", "serviceType": "CDS", "resources": resources},
        {"tagKey": "project", "tagValue": "crm", "serviceType": "CDS", "resources": resources},
    ]
    assert (result.status, result.scope) == ("ok", "resources")
    assert sorted((c.outcome, c.request_id or "") for c in result.calls) == [
        ("removed", "env"),
        ("removed", "project"),
    ]


def test_tag_resource_failure_names_every_resource_of_the_call(httpserver: HTTPServer) -> None:
    """The service answers for the whole call: a refusal is the failure of each resource."""
    body = {"requestId": "r-413", "code": "TagExceptions.LimitExceeded", "message": "too many"}
    httpserver.expect_request("/v1/resource").respond_with_json(body, status=413)
    result = run(httpserver, {**DISKS, "tags": DISKS["tags"][:1]})
    [call] = result.calls
    assert (call.outcome, call.error_code, call.http_status, call.retryable) == (
        "failed",
        "TagExceptions.LimitExceeded",
        413,
        False,
    )
    assert (call.resource_ids, result.status) == (["v-1", "v-2"], "failed")


def test_tag_resource_selector_reads_the_type_and_region_once(httpserver: HTTPServer) -> None:
    listing = {
        "tagResources": [
            {
                "tagKey": "tmp-a",
                "tagValue": "1",
                "resources": [
                    {"resourceType": "CDS", "resourceId": "v-1", "region": "bj"},
                    {"resourceType": "CDS", "resourceId": "v-9", "region": "bj"},
                ],
            },
            {
                "tagKey": "team",
                "tagValue": "web",
                "resources": [{"resourceType": "CDS", "resourceId": "v-1", "region": "bj"}],
            },
        ]
    }

    def read(request: Request) -> Response:
        assert signature_valid(request)
        assert request.args.to_dict() == {"region": "bj", "resourceType": "CDS"}
        return Response(json.dumps(listing), content_type="application/json")

    httpserver.expect_request("/v1/tag/tagResources", method="GET").respond_with_handler(read)
    httpserver.expect_request("/v1/resource", method="PUT").respond_with_response(ok())
    selector = {**DISKS, "tags": [], "selector": {"key_glob": "tmp-*"}}
    result = run(httpserver, selector)
    assert [(c.operation, c.outcome) for c in result.calls] == [
        ("TagsResources", "read"),
        ("DeleteAssociationsByTag", "removed"),
    ]
    views = {view.resource_id: view for view in result.resources}
    assert [str(tag) for tag in views["v-1"].remove] == ["tmp-a=1"]
    assert (views["v-2"].current, views["v-2"].remove) == ([], [])
    assert result.calls[1].resource_ids == ["v-1"]


@pytest.mark.parametrize(
    "listing", [{"tags": []}, {"tagResources": [{"tagKey": "k"}]}, ["not", "an", "object"]]
)
def test_tag_resource_read_of_another_shape_fails(httpserver: HTTPServer, listing: Any) -> None:
    response = Response(json.dumps(listing), content_type="application/json")
    httpserver.expect_request("/v1/tag/tagResources").respond_with_response(response)
    result = run(httpserver, {**DISKS, "tags": [], "selector": {"key_glob": "*"}})
    [call] = result.calls
    assert (call.operation, call.outcome, result.status) == ("TagsResources", "failed", "failed")
    assert "unexpected answer" in (call.error_message or "")


def test_tag_resource_shares_the_tag_service_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """One host, one override: TAGSTRIP_BAIDU_TAG_ENDPOINT serves both tag-service APIs."""
    monkeypatch.setenv("TAGSTRIP_BAIDU_TAG_ENDPOINT", "http://127.0.0.1:9")
    settings = Settings.from_env(dict(os.environ))
    assert settings.endpoint("baidu-tag-resource") == settings.endpoint("baidu-tag")
    assert default_endpoint("baidu-tag-resource", "gz") == "https://tag.baidubce.com"
