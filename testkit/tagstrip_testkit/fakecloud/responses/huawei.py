"""Huawei Cloud ECS responder: batch tag delete and show tags, behind the API gateway.

The gateway checks SDK-HMAC-SHA256 signatures and answers with flat bodies
(``error_code``/``error_msg``/``request_id``); ECS itself answers with nested ones
(``{"error": {"code", "message"}}``). Every answer carries ``X-Request-Id``.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from werkzeug import Request, Response

from tagstrip.providers.huawei import signing
from tagstrip_testkit.fakecloud.backends.common import TagRef
from tagstrip_testkit.fakecloud.backends.huawei import HuaweiEcsBackend
from tagstrip_testkit.fakecloud.credentials import Credentials
from tagstrip_testkit.fakecloud.errors import HuaweiGatewayError, VendorError
from tagstrip_testkit.fakecloud.errors import huawei as err
from tagstrip_testkit.fakecloud.faults import Fault
from tagstrip_testkit.fakecloud.responses.common import (
    Call,
    Clock,
    Responder,
    json_body,
    json_response,
    lower_headers,
    outside_window,
)

__all__ = [
    "JSON",
    "HuaweiGatewayResponder",
    "HuaweiResponder",
    "error_headers",
    "is_wire_tag",
    "render_gateway_error",
    "verify_signature",
]

JSON = "application/json;charset=UTF-8"
_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


class HuaweiGatewayResponder(Responder):
    """What every service behind the API gateway shares: its request ids, signature checks,
    flat gateway errors and throttling; a service names its own error body keys and the error
    it answers an injected server fault with."""

    #: The service's keys for code and message inside ``{"error": {...}}``.
    error_keys: ClassVar[tuple[str, str]]
    internal_error: ClassVar[type[VendorError]]

    def new_request_id(self) -> str:
        return uuid.uuid4().hex

    def verify(self, request: Request, call: Call) -> None:
        verify_signature(request, self.credentials, self.clock())

    def render_error(self, request: Request, error: VendorError, request_id: str) -> Response:
        """The one place Huawei error bodies are written: flat for the gateway, nested for
        the service."""
        if isinstance(error, HuaweiGatewayError):
            return render_gateway_error(error, request_id)
        code_key, message_key = self.error_keys
        body = {"error": {code_key: error.code, message_key: error.message}}
        return json_response(body, error.status, error_headers(error, request_id), JSON)

    def failure(self, fault: Fault) -> VendorError:
        if fault.kind == "throttle":
            return err.GatewayThrottled(status=fault.status, retry_after=fault.retry_after)
        return self.internal_error(status=fault.status, retry_after=fault.retry_after)


class HuaweiResponder(HuaweiGatewayResponder):
    error_keys = ("code", "message")
    internal_error = err.EcsInternalError

    def __init__(self, credentials: Credentials, clock: Clock, ecs: HuaweiEcsBackend) -> None:
        super().__init__(credentials, clock)
        self.ecs = ecs

    def decode(self, request: Request, path: Mapping[str, str], request_id: str) -> Call:
        if "server_id" not in path:
            raise err.ApiNotFound()
        body = json_body(request) if request.method == "POST" else None
        operation = "BatchDeleteServerTags" if request.method == "POST" else "ShowServerTags"
        return Call(
            "huawei-ecs",
            operation,
            request_id,
            params={"project_id": path["project_id"], "server_id": path["server_id"]},
            body=body,
            resource_ids=(path["server_id"],),
            signature=signing.ALGORITHM,
        )

    def execute(self, request: Request, call: Call) -> Response:
        project_id, server_id = call.params["project_id"], call.params["server_id"]
        headers = {"X-Request-Id": call.request_id}
        if call.operation == "ShowServerTags":
            tags = self.ecs.show_server_tags(project_id, server_id)
            body = {"tags": [{"key": key, "value": value} for key, value in tags.items()]}
            return json_response(body, 200, headers, JSON)
        call.result = self.ecs.batch_delete_server_tags(project_id, server_id, _tags(call.body))
        return Response(status=204, headers=headers)


def verify_signature(request: Request, credentials: Credentials, now: datetime) -> None:
    """Refuse what the API gateway refuses: a missing, malformed, stale or wrong signature."""
    headers = lower_headers(request)
    try:
        auth = signing.parse_authorization(headers.get("authorization", ""))
    except ValueError:
        raise err.AuthenticationFailed(
            "Incorrect IAM authentication information: Authorization header is not valid"
        ) from None
    if auth.access_key_id != credentials.huawei.access_key_id:
        raise err.AuthenticationFailed(
            "Incorrect IAM authentication information: Get secretKey failed,"
            f"ak:{auth.access_key_id},err:ak not exist"
        )
    sdk_date = headers.get("x-sdk-date", "")
    _check_date(sdk_date, now)
    signed = [name.lower() for name in auth.signed_headers]
    if not all(name in headers for name in signed):
        raise err.AuthenticationFailed()
    canonical = signing.canonical_request(
        request.method,
        request.path,
        list(request.args.items(multi=True)),
        headers,
        signed,
        request.get_data(),
    )
    expected = signing.signature(
        credentials.huawei.secret, signing.string_to_sign(canonical, sdk_date)
    )
    if not hmac.compare_digest(expected, auth.signature):
        raise err.AuthenticationFailed()


def render_gateway_error(error: HuaweiGatewayError, request_id: str) -> Response:
    """The gateway's flat body, whatever service stands behind it."""
    body = {"error_code": error.code, "error_msg": error.message, "request_id": request_id}
    return json_response(body, error.status, error_headers(error, request_id), JSON)


def error_headers(error: VendorError, request_id: str) -> dict[str, str]:
    headers = {"X-Request-Id": request_id}
    if error.retry_after is not None:
        headers["Retry-After"] = f"{error.retry_after:g}"
    return headers


def _check_date(sdk_date: str, now: datetime) -> None:
    try:
        moment = datetime.strptime(sdk_date, _DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise err.AuthenticationFailed(
            "Incorrect IAM authentication information: X-Sdk-Date is missing or not valid"
        ) from None
    if outside_window(moment, now):
        raise err.SignatureExpired(
            "Incorrect IAM authentication information: signature expired, "
            f"signature time:{sdk_date},server time:{now.strftime(_DATE_FORMAT)}"
        )


def _tags(body: Any) -> list[TagRef]:
    """The ``{"action": "delete", "tags": [{"key", "value"}]}`` body, or Ecs.0005."""
    if not isinstance(body, dict) or body.get("action") != "delete":
        raise err.IllegalRequest()
    items = body.get("tags")
    if not isinstance(items, list) or not all(is_wire_tag(item) for item in items):
        raise err.IllegalRequest()
    return [TagRef(item["key"], item.get("value")) for item in items]


def is_wire_tag(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("key"), str)
        and isinstance(item.get("value", ""), str)
        and set(item) <= {"key", "value"}
    )
