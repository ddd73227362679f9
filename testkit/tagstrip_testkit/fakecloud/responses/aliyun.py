"""Alibaba Cloud RPC responder: ECS (2014-05-26), R-kvstore (2015-01-01) and Resource
Management Tag (2018-08-28) APIs.

One endpoint answers every product: the API version names the product (ECS ``RemoveTags``,
``UntagResources`` and ``ListTagResources``; Redis and Tag ``UntagResources`` and
``ListTagResources``), ``Action`` or ``x-acs-action`` the operation. Parameters are read
from the query and a form body alike, as the gateway does. Errors are JSON unless the caller
asks for XML (``Format=XML`` or an XML ``Accept``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from werkzeug import Request, Response

from tagstrip_testkit.fakecloud.backends.aliyun import (
    AliyunEcsBackend,
    AliyunRedisBackend,
    RegionalBackend,
)
from tagstrip_testkit.fakecloud.backends.aliyun_tag import AliyunTagBackend
from tagstrip_testkit.fakecloud.backends.common import TagRef
from tagstrip_testkit.fakecloud.credentials import Credentials
from tagstrip_testkit.fakecloud.errors import VendorError
from tagstrip_testkit.fakecloud.errors import aliyun as err
from tagstrip_testkit.fakecloud.faults import Fault
from tagstrip_testkit.fakecloud.responses.aliyun_auth import (
    SIGNING_PARAMS,
    NonceRegistry,
    is_acs3,
    verify_acs3,
    verify_rpc_v1,
)
from tagstrip_testkit.fakecloud.responses.common import (
    Call,
    Clock,
    Responder,
    json_response,
    lower_headers,
)

__all__ = ["AliyunResponder"]

#: API version -> (tagstrip provider name, product name in the vendor's Recommend links).
_PRODUCTS = {
    "2014-05-26": ("aliyun-ecs", "Ecs"),
    "2015-01-01": ("aliyun-redis", "R-kvstore"),
    "2018-08-28": ("aliyun-tag", "Tag"),
}
_NOT_BUSINESS = frozenset(
    {*SIGNING_PARAMS, "Action", "Version", "Format", "SecurityToken", "SignatureType"}
)
_TAG_PARAM = re.compile(r"Tag\.(\d+)\.(Key|Value|key|value)")
_RESOURCE_PARAM = re.compile(r"ResourceId\.(\d+)")
_KEY_PARAM = re.compile(r"TagKey\.(\d+)")
_ARN_PARAM = re.compile(r"ResourceARN\.(\d+)")
_JSON = "application/json;charset=utf-8"
_XML = "text/xml;charset=utf-8"

Handler = Callable[[Mapping[str, str]], object]


class AliyunResponder(Responder):
    def __init__(
        self,
        credentials: Credentials,
        clock: Clock,
        ecs: AliyunEcsBackend,
        redis: AliyunRedisBackend,
        tag: AliyunTagBackend,
    ) -> None:
        super().__init__(credentials, clock)
        self.ecs, self.redis, self.tag = ecs, redis, tag
        self.nonces = NonceRegistry()
        self._handlers: dict[tuple[str, str], Handler] = {
            ("aliyun-ecs", "RemoveTags"): self._ecs_remove_tags,
            ("aliyun-ecs", "UntagResources"): self._ecs_untag_resources,
            ("aliyun-redis", "UntagResources"): self._redis_untag_resources,
            ("aliyun-ecs", "ListTagResources"): partial(_list_tag_resources, ecs),
            ("aliyun-redis", "ListTagResources"): partial(_list_tag_resources, redis),
            ("aliyun-tag", "UntagResources"): self._tag_untag_resources,
            ("aliyun-tag", "ListTagResources"): self._tag_list_tag_resources,
        }

    def new_request_id(self) -> str:
        return str(uuid.uuid4()).upper()

    def decode(self, request: Request, path: Mapping[str, str], request_id: str) -> Call:
        headers, params = lower_headers(request), _params(request)
        if is_acs3(headers):
            style, action, version = (
                "acs3",
                headers.get("x-acs-action"),
                headers.get("x-acs-version"),
            )
        else:
            style, action, version = "rpc-v1", params.get("Action"), params.get("Version")
        if not action:
            raise err.MissingParameter("Action")
        provider = _PRODUCTS.get(version or "", ("", ""))[0]
        if not provider:
            raise err.InvalidVersion()
        if (provider, action) not in self._handlers:
            raise err.InvalidActionNotFound()
        business = {name: value for name, value in params.items() if name not in _NOT_BUSINESS}
        resources = [
            business.get("ResourceId", ""),
            *_numbered(business, _RESOURCE_PARAM),
            *_numbered(business, _ARN_PARAM),
        ]
        return Call(
            provider,
            action,
            request_id,
            params=business,
            resource_ids=tuple(rid for rid in resources if rid),
            signature=style,
        )

    def verify(self, request: Request, call: Call) -> None:
        key, now = self.credentials.aliyun, self.clock()
        if call.signature == "acs3":
            query = list(request.args.items(multi=True))
            headers, body = lower_headers(request), request.get_data()
            verify_acs3(request.method, request.path, query, headers, body, key, now, self.nonces)
        else:
            verify_rpc_v1(request.method, _params(request), key, now, self.nonces)

    def execute(self, request: Request, call: Call) -> Response:
        """Writes answer their RequestId; a read's `_Answer` adds its fields to the body."""
        call.result = self._handlers[(call.provider, call.operation)](call.params)
        fields = call.result.fields if isinstance(call.result, _Answer) else {}
        body = {"RequestId": call.request_id, **fields}
        if _wants_xml(request):
            root = f"{call.operation}Response"
            return Response(_xml_document(_xml(root, body)), status=200, content_type=_XML)
        return json_response(body, 200, {}, _JSON)

    def render_error(self, request: Request, error: VendorError, request_id: str) -> Response:
        """The one place Alibaba error bodies are written (JSON, or XML when asked)."""
        product = _PRODUCTS.get(_version(request), ("", "Ecs"))[1]
        fields = {
            "RequestId": request_id,
            "HostId": request.host,
            "Code": error.code,
            "Message": error.message,
            "Recommend": (
                f"https://api.aliyun.com/troubleshoot?q={error.code}"
                f"&product={product}&requestId={request_id}"
            ),
        }
        headers = {}
        if error.retry_after is not None:
            # The tea SDK raises its ThrottlingException on x-acs-retry-after (milliseconds).
            headers["Retry-After"] = f"{error.retry_after:g}"
            headers["x-acs-retry-after"] = str(max(1, round(error.retry_after * 1000)))
        if _wants_xml(request):
            document = _xml_document(_xml("Error", fields))
            return Response(document, status=error.status, headers=headers, content_type=_XML)
        return json_response(fields, error.status, headers, _JSON)

    def failure(self, fault: Fault) -> VendorError:
        status, retry_after = fault.status, fault.retry_after
        if fault.kind == "throttle":
            return err.ThrottlingUser(status=status, retry_after=retry_after)
        if status == err.AliyunServiceUnavailable.status:
            return err.AliyunServiceUnavailable(retry_after=retry_after)
        return err.AliyunInternalError(status=status, retry_after=retry_after)

    def _ecs_remove_tags(self, params: Mapping[str, str]) -> object:
        region, rtype, rid = (
            _required(params, name) for name in ("RegionId", "ResourceType", "ResourceId")
        )
        return self.ecs.remove_tags(
            region, rtype, rid, _numbered_tags(params, self.ecs.remove_tags_limit)
        )

    def _ecs_untag_resources(self, params: Mapping[str, str]) -> object:
        return self.ecs.untag_resources(
            _required(params, "RegionId"),
            _required(params, "ResourceType"),
            _numbered(params, _RESOURCE_PARAM),
            [TagRef(key) for key in _numbered(params, _KEY_PARAM)],
            remove_all=_flag(params.get("All")),
        )

    def _redis_untag_resources(self, params: Mapping[str, str]) -> object:
        """Keys come as ``TagKey.N``; the ``Tag.N.Key``/``Value`` form the error table names
        is accepted too, its values checked but removal still by key."""
        keys = [TagRef(key) for key in _numbered(params, _KEY_PARAM)]
        pairs = _numbered_tags(params, limit=None)
        return self.redis.untag_resources(
            _required(params, "RegionId"),
            params.get("ResourceType", ""),
            _numbered(params, _RESOURCE_PARAM),
            keys + pairs,
            remove_all=_flag(params.get("All")),
            scope=params.get("Scope"),
        )

    def _tag_untag_resources(self, params: Mapping[str, str]) -> _Answer:
        """``FailedResources`` is an empty object when every resource was untagged."""
        removed, failed = self.tag.untag_resources(
            _required(params, "RegionId"),
            _numbered(params, _ARN_PARAM),
            _numbered(params, _KEY_PARAM),
        )
        failures = {"FailedResource": failed} if failed else {}
        return _Answer({"FailedResources": failures}, removed)

    def _tag_list_tag_resources(self, params: Mapping[str, str]) -> _Answer:
        """One entry per resource, its tags nested; NextToken is empty on the last page."""
        entries, next_token = self.tag.list_tag_resources(
            _required(params, "RegionId"),
            _numbered(params, _ARN_PARAM),
            params.get("Tags"),
            params.get("Category", "All"),
            params.get("PageSize"),
            params.get("NextToken"),
        )
        return _Answer({"NextToken": next_token or "", "TagResources": entries})


class _Answer(NamedTuple):
    """Body fields beside RequestId (most writes answer their RequestId alone), and what a
    write changed, for the journal."""

    fields: dict[str, Any]
    changed: object = None


def _list_tag_resources(backend: RegionalBackend, params: Mapping[str, str]) -> _Answer:
    """``{NextToken, TagResources: {TagResource: [...]}}``; NextToken is empty on the last page."""
    entries, next_token = backend.list_tag_resources(
        _required(params, "RegionId"),
        params.get("ResourceType", ""),
        _numbered(params, _RESOURCE_PARAM),
        params.get("NextToken"),
    )
    return _Answer({"NextToken": next_token or "", "TagResources": {"TagResource": entries}})


def _xml(name: str, value: Any) -> str:
    """Alibaba's XML form of a JSON body: lists repeat their element, objects nest."""
    if isinstance(value, list):
        return "".join(_xml(name, item) for item in value)
    if isinstance(value, dict):
        inner = "".join(_xml(key, item) for key, item in value.items())
        return f"<{name}>{inner}</{name}>"
    return f"<{name}>{escape(str(value))}</{name}>"


def _params(request: Request) -> dict[str, str]:
    """Query and form parameters together (the v1 signature covers both)."""
    return {**request.args.to_dict(), **request.form.to_dict()}


def _version(request: Request) -> str:
    return request.headers.get("x-acs-version") or _params(request).get("Version", "")


def _wants_xml(request: Request) -> bool:
    fmt = _params(request).get("Format", "").upper()
    return fmt == "XML" or "xml" in request.headers.get("Accept", "")


def _xml_document(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>{body}'


def _required(params: Mapping[str, str], name: str) -> str:
    if not params.get(name):
        raise err.MissingParameter(name)
    return params[name]


def _flag(value: str | None) -> bool:
    return (value or "").lower() == "true"


def _numbered(params: Mapping[str, str], pattern: re.Pattern[str]) -> list[str]:
    """Values of a flattened list such as ``ResourceId.N``, in N order."""
    found = {int(m[1]): value for name, value in params.items() if (m := pattern.fullmatch(name))}
    return [found[n] for n in sorted(found)]


def _numbered_tags(params: Mapping[str, str], limit: int | None) -> list[TagRef]:
    """``Tag.N.Key``/``Tag.N.Value`` (and the deprecated lowercase names), in N order."""
    fields: dict[int, dict[str, str]] = {}
    for name, value in params.items():
        if match := _TAG_PARAM.fullmatch(name):
            fields.setdefault(int(match[1]), {})[match[2].capitalize()] = value
    if limit is not None and any(not 1 <= n <= limit for n in fields):
        raise err.InvalidTagCount()
    missing = [n for n in sorted(fields) if "Key" not in fields[n]]
    if missing:
        raise err.MissingParameter(f"Tag.{missing[0]}.Key")
    return [TagRef(fields[n]["Key"], fields[n].get("Value")) for n in sorted(fields)]
