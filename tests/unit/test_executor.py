"""The executor against real HTTP servers: fan-out, retries, deadlines, failures, secrets."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tagstrip.domain.errors import ConfigurationError, ProviderError
from tagstrip.providers import make_client
from tagstrip.providers.aliyun.signing import rpc_string_to_sign
from tagstrip.runtime.calls import PROXY_VARIABLES, http_retry_after, shared_transport
from tagstrip.runtime.executor import execute
from tagstrip.runtime.settings import Settings, get_settings, reset_settings
from tests.unit.clients_support import SECRETS, assert_no_secret, plan_of, settings_for


def ecs(*resource_ids: str, **changes: Any) -> dict[str, Any]:
    return {
        "provider": "aliyun-ecs",
        "region": "cn-shenzhen",
        "resource_type": "instance",
        "resource_ids": list(resource_ids),
        "tags": [{"key": "team", "value": "core"}],
        **changes,
    }


def ok(request_id: str) -> Response:
    return Response(f'{{"RequestId": "{request_id}"}}', content_type="application/json")


@pytest.fixture(scope="module")
def threaded_server() -> Iterator[HTTPServer]:
    """A server answering requests in parallel (the shared one answers one at a time)."""
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def concurrent_server(threaded_server: HTTPServer) -> HTTPServer:
    threaded_server.clear()
    return threaded_server


def test_dry_run_sends_nothing_and_needs_no_credentials(httpserver: HTTPServer) -> None:
    result = execute(plan_of(ecs("i-1", "i-2", dry_run=True)), Settings())
    assert result.status == "dry_run"
    assert [(c.outcome, c.attempts) for c in result.calls] == [("skipped", 0), ("skipped", 0)]
    assert not httpserver.log


@pytest.mark.usefixtures("allow_account_scope")
@pytest.mark.parametrize(
    ("provider_payload", "variable"),
    [
        (ecs("i-1"), "ALIBABA_CLOUD_ACCESS_KEY_ID"),
        (
            {
                "provider": "huawei-ecs",
                "region": "cn-north-4",
                "project_id": "p1",
                "resource_ids": ["s1"],
                "tags": [{"key": "k"}],
            },
            "HUAWEICLOUD_SDK_AK",
        ),
        ({"provider": "baidu-tag", "tags": [{"key": "k", "value": "v"}]}, "BAIDUCLOUD_ACCESS_KEY"),
    ],
)
def test_missing_credentials_are_reported_before_any_request(
    httpserver: HTTPServer, provider_payload: dict[str, Any], variable: str
) -> None:
    settings = Settings.model_validate({"aliyun_ecs_endpoint": httpserver.url_for("/")})
    with pytest.raises(ConfigurationError) as caught:
        execute(plan_of(provider_payload), settings)
    assert caught.value.variable == variable
    assert variable in str(caught.value)
    assert not httpserver.log


def test_a_missing_secret_alone_is_named() -> None:
    settings = Settings.model_validate({"baidu_access_key_id": "ak"})
    with pytest.raises(ConfigurationError, match="BAIDUCLOUD_SECRET_KEY") as caught:
        make_client("baidu-bcc", settings)
    assert caught.value.variable == "BAIDUCLOUD_SECRET_KEY"


def test_calls_for_different_resources_run_concurrently(concurrent_server: HTTPServer) -> None:
    in_flight, peak, lock = 0, 0, threading.Lock()

    def slow(request: Request) -> Response:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.2)
        with lock:
            in_flight -= 1
        return ok(request.args["ResourceId"])

    concurrent_server.expect_request("/").respond_with_handler(slow)
    ids = [f"i-{n}" for n in range(8)]
    started = time.monotonic()
    result = execute(
        plan_of(ecs(*ids)), settings_for(concurrent_server.url_for("/"), concurrency=4)
    )
    elapsed = time.monotonic() - started
    assert result.status == "ok"
    assert [call.request_id for call in result.calls] == ids
    assert peak == 4
    assert elapsed < 8 * 0.2 * 0.75


def test_calls_for_one_resource_run_in_order(concurrent_server: HTTPServer) -> None:
    concurrent_server.expect_request("/").respond_with_handler(lambda r: ok(r.args["Tag.1.Key"]))
    tags = [{"key": f"k{n:02}", "value": "v"} for n in range(45)]
    result = execute(plan_of(ecs("i-1", tags=tags)), settings_for(concurrent_server.url_for("/")))
    sent = [request.args["Tag.1.Key"] for request, _ in concurrent_server.log]
    assert sent == ["k00", "k20", "k40"]
    assert [call.request_id for call in result.calls] == sent


def test_partial_failure_keeps_every_success(httpserver: HTTPServer) -> None:
    def handler(request: Request) -> Response:
        if request.args["ResourceId"] == "i-bad":
            body = '{"Code": "InvalidResourceId.NotSupported", "RequestId": "bad", "Message": "no"}'
            return Response(body, status=403, content_type="application/json")
        return ok(request.args["ResourceId"])

    httpserver.expect_request("/").respond_with_handler(handler)
    result = execute(plan_of(ecs("i-1", "i-bad", "i-3")), settings_for(httpserver.url_for("/")))
    assert result.status == "partial"
    assert [(c.resource_ids[0], c.outcome) for c in result.calls] == [
        ("i-1", "removed"),
        ("i-bad", "failed"),
        ("i-3", "removed"),
    ]
    assert (result.retryable, result.retry_after) == (False, None)


def test_exhausted_retries_report_a_retryable_failure(httpserver: HTTPServer) -> None:
    response = Response('{"Code": "ServiceUnavailable"}', status=503, headers={"Retry-After": "0"})
    httpserver.expect_request("/").respond_with_response(response)
    result = execute(plan_of(ecs("i-1")), settings_for(httpserver.url_for("/"), retries=3))
    (call,) = result.calls
    assert (result.status, result.retryable) == ("failed", True)
    assert (call.attempts, call.http_status, call.error_code) == (4, 503, "ServiceUnavailable")
    assert len(httpserver.log) == 4


def test_a_retry_after_beyond_the_deadline_stops_at_once(httpserver: HTTPServer) -> None:
    response = Response('{"Code": "Throttling.User"}', status=429, headers={"Retry-After": "30"})
    httpserver.expect_request("/").respond_with_response(response)
    started = time.monotonic()
    result = execute(plan_of(ecs("i-1")), settings_for(httpserver.url_for("/"), deadline=2.0))
    assert time.monotonic() - started < 1.0
    assert (result.retryable, result.retry_after, result.calls[0].attempts) == (True, 30.0, 1)


def late(request: Request) -> Response:
    time.sleep(0.5)
    return ok("late")


def test_timeouts_are_retried_then_reported(concurrent_server: HTTPServer) -> None:
    concurrent_server.expect_request("/").respond_with_handler(late)
    settings = settings_for(concurrent_server.url_for("/"), read_timeout=0.1, retries=1)
    (call,) = execute(plan_of(ecs("i-1")), settings).calls
    assert (call.outcome, call.attempts, call.retryable) == ("failed", 2, True)
    assert "no answer in time" in (call.error_message or "")


def test_the_deadline_bounds_a_slow_call(concurrent_server: HTTPServer) -> None:
    def very_late(request: Request) -> Response:
        time.sleep(2.0)
        return ok("very late")

    concurrent_server.expect_request("/").respond_with_handler(very_late)
    started = time.monotonic()
    settings = settings_for(concurrent_server.url_for("/"), read_timeout=5.0, deadline=0.2)
    result = execute(plan_of(ecs("i-1")), settings)
    assert time.monotonic() - started < 1.0
    assert (result.status, result.retryable) == ("failed", True)


def closed_port_url() -> str:
    """A base URL on which nothing listens (a port bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_connection_errors_are_retryable() -> None:
    result = execute(plan_of(ecs("i-1")), settings_for(closed_port_url(), retries=1))
    (call,) = result.calls
    assert (call.outcome, call.attempts, call.retryable) == ("failed", 2, True)
    assert "could not reach" in (call.error_message or "")


def test_no_secret_in_results_errors_reprs_or_logs(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/").respond_with_data("{}", status=400)
    settings = settings_for(httpserver.url_for("/"), tokens=True)
    with caplog.at_level(logging.DEBUG):
        result = execute(plan_of(ecs("i-1")), settings)
    client = make_client("aliyun-ecs", settings)
    error = ProviderError("m", provider="aliyun-ecs", code="c")
    assert_no_secret(
        result.model_dump_json(),
        repr(settings),
        str(settings),
        repr(settings.access_key("aliyun-ecs")),
        repr(client.auth),
        repr(vars(client)),
        repr(error),
        client_logs(caplog),
    )
    assert SECRETS["aliyun_access_key_secret"] not in repr(settings.model_dump())


def test_secrets_echoed_by_the_provider_are_scrubbed(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    def echo(request: Request) -> Response:
        string_to_sign = rpc_string_to_sign(request.method, request.args.to_dict())
        message = f"Specified signature is not matched with our calculation. {string_to_sign}"
        body = json.dumps({"Code": "SignatureDoesNotMatch", "Message": message})
        return Response(body, status=400, content_type="application/json")

    httpserver.expect_request("/").respond_with_handler(echo)
    settings = settings_for(httpserver.url_for("/"), tokens=True, aliyun_signature="HMAC-SHA1")
    with caplog.at_level(logging.DEBUG):
        result = execute(plan_of(ecs("i-1")), settings)
    (call,) = result.calls
    assert call.error_code == "SignatureDoesNotMatch"
    assert "SecurityToken%3D***" in (call.error_message or "")
    assert_no_secret(result.model_dump_json(), client_logs(caplog))


def test_unreachable_endpoint_leaks_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    settings = settings_for(closed_port_url(), tokens=True, aliyun_signature="HMAC-SHA1")
    with caplog.at_level(logging.DEBUG):
        result = execute(plan_of(ecs("i-1")), settings)
    assert result.status == "failed"
    assert_no_secret(result.model_dump_json(), client_logs(caplog))


def client_logs(caplog: pytest.LogCaptureFixture) -> str:
    """What this process logged as a client (the test server's own access log left out)."""
    return "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith("werkzeug")
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), (None, None)],
)
def test_retry_after_takes_seconds_or_a_date(header: str | None, expected: float | None) -> None:
    headers = {"Retry-After": header} if header else {}
    assert http_retry_after(httpx.Response(429, headers=headers)) == expected


@pytest.mark.usefixtures("allow_account_scope")
def test_a_plan_with_nothing_to_send_is_ok(httpserver: HTTPServer) -> None:
    only_default = {"provider": "baidu-tag", "tags": [{"key": "Default tag", "value": ""}]}
    result = execute(plan_of(only_default), settings_for(httpserver.url_for("/")))
    assert (result.status, result.calls, len(result.skipped)) == ("ok", [], 1)
    assert not httpserver.log


def test_one_pooled_transport_serves_every_invocation(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    shared_transport.cache_clear()
    try:
        assert shared_transport() is shared_transport()
        assert not isinstance(shared_transport(), httpx.Client)
    finally:
        shared_transport.cache_clear()


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "id-from-env")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret-from-env")
    monkeypatch.setenv("TAGSTRIP_ALIYUN_ECS_ENDPOINT", "http://127.0.0.1:8080/")
    monkeypatch.setenv("TAGSTRIP_CONCURRENCY", "3")
    monkeypatch.setenv("TAGSTRIP_ALIYUN_SIGNATURE", "HMAC-SHA1")
    reset_settings()
    try:
        settings = get_settings()
        assert get_settings() is settings
        key = settings.access_key("aliyun-redis")
        assert (key.access_key_id, key.secret.get_secret_value()) == (
            "id-from-env",
            "secret-from-env",
        )
        assert settings.endpoint("aliyun-ecs") == "http://127.0.0.1:8080"
        assert (settings.concurrency, settings.aliyun_signature) == (3, "HMAC-SHA1")
        assert settings.endpoint("aliyun-redis") is None
    finally:
        reset_settings()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TAGSTRIP_RETRIES", "many"),
        ("TAGSTRIP_DEADLINE", "0"),
        ("TAGSTRIP_HUAWEI_ECS_ENDPOINT", "ecs.example.com"),
        ("TAGSTRIP_ALIYUN_SIGNATURE", "v2"),
    ],
)
def test_a_bad_setting_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Settings.from_env({variable: value})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable} is not valid")


@pytest.fixture
def proxied(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> Iterator[HTTPServer]:
    """`httpserver` as the HTTP proxy of the process (``http_proxy``, as httpx reads it)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("http_proxy", httpserver.url_for("/").rstrip("/"))
    shared_transport.cache_clear()
    yield httpserver
    shared_transport.cache_clear()


def test_calls_go_through_the_configured_proxy(proxied: HTTPServer) -> None:
    """The endpoint's host does not resolve: only the proxy can have carried the call."""
    proxied.expect_request("/", method="POST").respond_with_response(ok("REQ-PROXIED"))
    endpoint = "http://ecs.proxied.invalid"
    result = execute(plan_of(ecs("i-1")), settings_for(endpoint))
    assert [call.request_id for call in result.calls] == ["REQ-PROXIED"]
    [(request, _)] = proxied.log
    assert request.headers["Host"] == "ecs.proxied.invalid"


def test_calls_through_a_given_transport_are_signed_and_send_no_cookie() -> None:
    """`execute(transport=...)` replaces the pool; a provider's Set-Cookie never comes back
    on a later call: every call stands alone, as it is signed."""
    seen: list[httpx.Request] = []

    def provider(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"RequestId": f"REQ-{len(seen)}"}, headers={"Set-Cookie": "session=abc"}
        )

    result = execute(
        plan_of(ecs("i-1", "i-2")),
        settings_for("http://ecs.example.test", concurrency=1),
        transport=httpx.MockTransport(provider),
    )
    assert sorted(call.request_id or "" for call in result.calls) == ["REQ-1", "REQ-2"]
    assert all(r.headers["authorization"].startswith("ACS3-HMAC-SHA256 ") for r in seen)
    assert not [r for r in seen if "cookie" in r.headers]
