"""The Huawei Cloud clients: ECS batch tag delete and TMS, signed with SDK-HMAC-SHA256.

ECS: ``POST /v1/{project_id}/cloudservers/{server_id}/tags/action`` with a JSON body; success
is 204 without a body. The project id in the path is also sent as ``X-Project-Id``, as the
vendor's SDK does. The endpoint is ``ecs.{region}.myhuaweicloud.com`` unless configured.

TMS: ``POST /v1.0/resource-tags/batch-delete``, a global service: like the SDK's global
credentials, every call names the account as ``X-Domain-Id`` (signed, as the gateway wants
for AK/SK calls of global services) and no project header. A 200 answer lists the resources
TMS could not untag (``failed_resources``); each is reported apart, the others as removed.
A sweep's index page (ListResource) lists ``resources`` with their type, project and tags,
and ``total_count``: the next page starts at the offset past what was returned.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Literal

import httpx

from tagstrip.domain.models import PlannedCall, ResourceRef, Tag
from tagstrip.domain.readphase import TagPage, unexpected_answer
from tagstrip.providers.huawei import default_endpoint, tms_endpoint
from tagstrip.providers.huawei.errors import (
    GONE_CODES,
    TMS_GONE_CODES,
    parse_error,
    request_id_of,
    resource_reply,
)
from tagstrip.providers.huawei.signing import SdkHmacSha256Auth
from tagstrip.runtime.calls import ProviderReply, gone_or_raise, http_retry_after

if TYPE_CHECKING:  # the client is handed the settings; the registry imports it by name
    from tagstrip.runtime.settings import Settings

__all__ = ["HuaweiEcsClient", "HuaweiTmsClient"]

_PROJECT = re.compile(r"/v\d+/(?P<project>[^/]+)/")
_JSON = "application/json;charset=UTF-8"


class _HuaweiClient:
    """What both APIs share: the signing key, the endpoint override, reading answers."""

    gone_codes: frozenset[str]

    def __init__(self, provider: Literal["huawei-ecs", "huawei-tms"], settings: Settings) -> None:
        key = settings.access_key(provider)
        self.provider = provider
        self.auth = SdkHmacSha256Auth(key.access_key_id, key.secret.get_secret_value(), key.token)
        self._endpoint = settings.endpoint(provider)

    def _request(self, call: PlannedCall, base: str, headers: dict[str, str]) -> httpx.Request:
        body = None
        if call.body is not None:
            body = json.dumps(call.body, ensure_ascii=False, separators=(",", ":")).encode()
        return httpx.Request(
            call.method,
            f"{base}{call.path}",
            params=call.params,
            headers={"Content-Type": _JSON, **headers},
            content=body,
        )

    def interpret(self, call: PlannedCall, response: httpx.Response) -> ProviderReply:
        if not response.is_success:
            return gone_or_raise(call, parse_error(self.provider, response), self.gone_codes)
        if call.kind == "read":
            read = _index_page if call.operation == "ListResource" else _tag_page
            return ProviderReply("read", request_id_of(response), page=read(call, response))
        return self._removed(call, response)

    def _removed(self, call: PlannedCall, response: httpx.Response) -> ProviderReply:
        return ProviderReply("removed", request_id_of(response))

    def retry_after(self, response: httpx.Response) -> float | None:
        return http_retry_after(response)


class HuaweiEcsClient(_HuaweiClient):
    """Builds, signs and reads Huawei ECS tag calls."""

    gone_codes = GONE_CODES

    def request(self, call: PlannedCall) -> httpx.Request:
        project = _PROJECT.match(call.path)
        headers = {"X-Project-Id": project["project"]} if project else {}
        return self._request(call, self._endpoint or default_endpoint(call.region), headers)


class HuaweiTmsClient(_HuaweiClient):
    """Builds, signs and reads TMS calls; the account id is a setting (ConfigurationError
    naming it when unset, before any call)."""

    gone_codes = TMS_GONE_CODES

    def __init__(self, provider: Literal["huawei-tms"], settings: Settings) -> None:
        super().__init__(provider, settings)
        self._domain_id = settings.account_id(provider)

    def request(self, call: PlannedCall) -> httpx.Request:
        base = self._endpoint or tms_endpoint(call.region)
        return self._request(call, base, {"X-Domain-Id": self._domain_id})

    def _removed(self, call: PlannedCall, response: httpx.Response) -> ProviderReply:
        """``{"failed_resources": [{"resource_id", "resource_type", "error_code",
        "error_msg"}]}``: those resources apart, every other one untagged."""
        try:
            body: Any = response.json()
            failed = body.get("failed_resources") or []
            replies = tuple(
                resource_reply(item["resource_id"], item.get("error_code"), item.get("error_msg"))
                for item in failed
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise unexpected_answer(call, response.status_code, exc) from exc
        return ProviderReply("removed", request_id_of(response), resources=replies)


def _tag_page(call: PlannedCall, response: httpx.Response) -> TagPage:
    """ShowServerTags and ShowResourceTag: ``{"tags": [{"key", "value"}]}`` of the one
    resource of the call."""
    try:
        body: Any = response.json()
        tags = [Tag(key=item["key"], value=item.get("value", "")) for item in body["tags"]]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise unexpected_answer(call, response.status_code, exc) from exc
    return TagPage({call.resource_ids[0]: tags})


def _index_page(call: PlannedCall, response: httpx.Response) -> TagPage:
    """ListResource: ``{"resources": [{"resource_id", "resource_type", "project_id"?,
    "tags": [{"key", "value"}]}], "total_count"}``; the next page, if any, starts past the
    resources this one returned (a page may hold fewer than the limit asked)."""
    try:
        body: Any = response.json()
        items, total = body["resources"], int(body["total_count"])
        tags: dict[str | None, list[Tag]] = {
            item["resource_id"]: [
                Tag(key=tag["key"], value=tag.get("value", "")) for tag in item.get("tags") or []
            ]
            for item in items
        }
        refs = {
            item["resource_id"]: ResourceRef(
                id=item["resource_id"],
                type=item["resource_type"],
                project_id=item.get("project_id") or None,
            )
            for item in items
        }
        offset = int(call.body["offset"]) + len(items) if call.body else 0
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise unexpected_answer(call, response.status_code, exc) from exc
    more = bool(items) and offset < total
    next_call = call.model_copy(update={"body": {**(call.body or {}), "offset": offset}})
    return TagPage(tags, next_call if more else None, refs)
