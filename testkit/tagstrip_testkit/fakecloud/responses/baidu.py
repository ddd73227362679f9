"""Baidu Cloud responder: the tag service (``PUT /v1/tag?delete``, ``GET /v1/tag``,
``PUT /v1/resource``, ``GET /v1/tag/tagResources``) and BCC (``PUT /v2/instance/{id}/tag?unbind``,
``GET /v2/instance/{id}``).

Requests are signed with bce-auth-v1; ``?delete`` and ``?delete=`` are the same request.
Errors are ``{"code", "message", "requestId"}`` and every answer carries ``x-bce-request-id``.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from werkzeug import Request, Response

from tagstrip.providers.baidu import signing
from tagstrip_testkit.fakecloud.backends.baidu import BaiduBackend
from tagstrip_testkit.fakecloud.backends.common import Resource, TagRef
from tagstrip_testkit.fakecloud.credentials import Credentials
from tagstrip_testkit.fakecloud.errors import VendorError
from tagstrip_testkit.fakecloud.errors import baidu as err
from tagstrip_testkit.fakecloud.faults import Fault
from tagstrip_testkit.fakecloud.responses.common import (
    MAX_CLOCK_SKEW,
    Call,
    Clock,
    Responder,
    UnparsedBody,
    json_body,
    json_response,
    lower_headers,
)

__all__ = ["BaiduResponder"]

_JSON = "application/json;charset=utf-8"
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
TAG_SERVICE_VERSION = "1"


class _Api(NamedTuple):
    provider: str
    operation: str
    query_flag: str  # the bare query parameter naming the operation (``?delete``), if any
    list_name: str  # the body field holding the tags


_TAG_DELETE = _Api("baidu-tag", "DeleteTags", "delete", "tags")
_BCC_UNBIND = _Api("baidu-bcc", "UnbindInstanceTags", "unbind", "changeTags")
_RESOURCE_UNBIND = _Api("baidu-tag-resource", "DeleteAssociationsByTag", "", "resources")
#: By method and by what the path names: an instance (BCC), the tag service's tags, its
#: resource bindings, or the resources bound to each tag.
_APIS = {
    ("PUT", "tag"): _TAG_DELETE,
    ("PUT", "instance"): _BCC_UNBIND,
    ("PUT", "resource"): _RESOURCE_UNBIND,
    ("GET", "tag"): _Api("baidu-tag", "ListTags", "", ""),
    ("GET", "instance"): _Api("baidu-bcc", "GetInstance", "", ""),
    ("GET", "tagResources"): _Api("baidu-tag-resource", "TagsResources", "", ""),
}
_READS = ("ListTags", "GetInstance", "TagsResources")


class BaiduResponder(Responder):
    def __init__(self, credentials: Credentials, clock: Clock, backend: BaiduBackend) -> None:
        super().__init__(credentials, clock)
        self.backend = backend

    def new_request_id(self) -> str:
        return str(uuid.uuid4())

    def decode(self, request: Request, path: Mapping[str, str], request_id: str) -> Call:
        instance_id = path.get("instance_id")
        if instance_id is None and path.get("version") != TAG_SERVICE_VERSION:
            raise err.BaiduInvalidVersion()
        names = "instance" if instance_id is not None else path.get("collection", "tag")
        api = _APIS[(request.method, names)]
        if api.query_flag and api.query_flag not in request.args:
            raise err.InvalidURI()
        body = json_body(request) if request.method == "PUT" else None
        return Call(
            api.provider,
            api.operation,
            request_id,
            params=dict(path) | request.args.to_dict(),
            body=body,
            resource_ids=(instance_id,) if instance_id is not None else _named_resources(body),
            signature=signing.VERSION,
        )

    def verify(self, request: Request, call: Call) -> None:
        headers = lower_headers(request)
        if "authorization" not in headers:
            raise err.AccessDenied()
        try:
            auth = signing.parse_authorization(headers["authorization"])
        except ValueError:
            raise err.InvalidHTTPAuthHeader() from None
        if auth.access_key_id != self.credentials.baidu.access_key_id:
            raise err.InvalidAccessKeyId()
        _check_time(auth.timestamp, auth.expiration, self.clock())
        canonical = signing.canonical_request(
            request.method,
            request.path,
            list(request.args.items(multi=True)),
            headers,
            auth.signed_headers,
        )
        key = signing.signing_key(self.credentials.baidu.secret, auth.prefix)
        if not hmac.compare_digest(signing.signature(key, canonical), auth.signature):
            raise err.BaiduSignatureDoesNotMatch()

    def execute(self, request: Request, call: Call) -> Response:
        headers = {"x-bce-request-id": call.request_id}
        if call.operation in _READS:
            return json_response(self._read(call), 200, headers, _JSON)
        if isinstance(call.body, UnparsedBody):
            raise err.MalformedJSON()
        if call.operation == _RESOURCE_UNBIND.operation:
            tag, service_type, resources = _unbind_request(call.body)
            call.result = self.backend.unbind_resources(tag, service_type, resources)
        elif call.provider == _BCC_UNBIND.provider:
            tags = _tags(call.body, _BCC_UNBIND.list_name)
            related = call.body.get("attachRelatedResourceTag") is True
            call.result = self.backend.unbind_instance_tags(
                call.params["instance_id"], tags, related=related
            )
        else:
            call.result = self.backend.delete_tags(_tags(call.body, _TAG_DELETE.list_name))
        return Response(status=200, headers=headers)

    def _read(self, call: Call) -> dict[str, Any]:
        """``{"tags": [...]}`` of the account, or ``{"instance": {..., "tags": [...]}}``."""
        key, value = call.params.get("tagKey") or None, call.params.get("tagValue")
        if call.operation == "ListTags":
            return {"tags": [_wire(k, v) for k, v in self.backend.list_tags(key, value)]}
        if call.operation == "TagsResources":
            region = call.params.get("region") or None
            found = self.backend.tag_resources(
                key, value, region, call.params.get("resourceType") or None
            )
            return {
                "tagResources": [
                    _wire(*pair) | {"resources": [self._bound(r) for r in resources]}
                    for pair, resources in found
                ]
            }
        instance = self.backend.instance(call.params["instance_id"])
        tags = [_wire(key, value) for key, value in instance.tags.items()]
        return {"instance": {"id": instance.id, "status": "Running", "tags": tags}}

    def _bound(self, resource: Resource) -> dict[str, str]:
        return {
            "resourceType": self.backend.service_type(resource),
            "resourceId": resource.id,
            "region": self.backend.regions[resource.id],
        }

    def render_error(self, request: Request, error: VendorError, request_id: str) -> Response:
        """The one place Baidu error bodies are written."""
        headers = {"x-bce-request-id": request_id}
        if error.retry_after is not None:
            headers["Retry-After"] = f"{error.retry_after:g}"
        body = {"code": error.code, "message": error.message, "requestId": request_id}
        return json_response(body, error.status, headers, _JSON)

    def failure(self, fault: Fault) -> VendorError:
        if fault.kind == "throttle":
            return err.RequestRateLimitExceeded(status=fault.status, retry_after=fault.retry_after)
        return err.BaiduInternalError(status=fault.status, retry_after=fault.retry_after)


def _wire(key: str, value: str) -> dict[str, Any]:
    return {"tagKey": key, "tagValue": value}


def _named_resources(body: Any) -> tuple[str, ...]:
    """The resource ids a ``PUT /v1/resource`` body names, for faults and the journal."""
    items = body.get("resources") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return ()
    return tuple(
        item["resourceId"]
        for item in items
        if isinstance(item, dict) and isinstance(item.get("resourceId"), str)
    )


def _unbind_request(body: Any) -> tuple[TagRef, str, list[tuple[str, str]]]:
    """``{"tagKey", "tagValue", "serviceType", "resources": [{"resourceId", "serviceType",
    "region"}]}``: every field is required and each resource's service type must be the
    top-level one (as the bind doc says); anything else is not appropriate for the call."""
    fields = body if isinstance(body, dict) else {}
    key, value = fields.get("tagKey"), fields.get("tagValue")
    if not isinstance(key, str) or not key:
        raise err.TagKeyEmpty()
    service_type, items = fields.get("serviceType"), fields.get("resources")
    if not isinstance(value, str) or not isinstance(service_type, str) or not service_type:
        raise err.InappropriateJSON()
    if not isinstance(items, list) or not items:
        raise err.InappropriateJSON()
    resources = []
    for item in items:
        if not isinstance(item, dict) or item.get("serviceType") != service_type:
            raise err.InappropriateJSON()
        resource_id, region = item.get("resourceId"), item.get("region")
        if not isinstance(resource_id, str) or not isinstance(region, str):
            raise err.InappropriateJSON()
        resources.append((resource_id, region))
    return TagRef(key, value), service_type, resources


def _check_time(timestamp: str, expiration: int, now: datetime) -> None:
    """Expired once past timestamp + expiration; also refused when dated in the future."""
    try:
        moment = datetime.strptime(timestamp, _TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise err.InvalidHTTPAuthHeader() from None
    if now > moment + timedelta(seconds=expiration) or moment - now > MAX_CLOCK_SKEW:
        raise err.RequestExpired(timestamp)


def _tags(body: Any, list_name: str) -> list[TagRef]:
    """``{list_name: [{"tagKey", "tagValue"}]}``; a missing value is the empty value."""
    items = body.get(list_name) if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise err.TagEmpty()
    if not all(isinstance(item, dict) for item in items):
        raise err.InappropriateJSON()
    if not all(isinstance(item.get("tagKey"), str) for item in items):
        raise err.TagKeyEmpty()
    return [TagRef(item["tagKey"], str(item.get("tagValue") or "")) for item in items]
