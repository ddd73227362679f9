"""The Baidu AI Cloud client for the tag service and BCC, signed with bce-auth-v1.

baidu-tag: ``PUT /v1/tag?delete`` on the global ``tag.baidubce.com`` (account-wide).
baidu-tag-resource: ``PUT /v1/resource`` on the same host (one tag, listed resources).
baidu-bcc: ``PUT /v2/instance/{id}/tag?unbind`` on ``bcc.{region}.baidubce.com`` (one
instance). Both take a JSON body and answer 200 with ``x-bce-request-id``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx

from tagstrip.domain.models import PlannedCall, Tag
from tagstrip.domain.readphase import TagPage, unexpected_answer
from tagstrip.providers.baidu import BaiduProvider, default_endpoint
from tagstrip.providers.baidu.errors import GONE_CODES, parse_error, request_id_of
from tagstrip.providers.baidu.signing import BceAuth
from tagstrip.providers.baidu.tag_resource import resource_ref
from tagstrip.runtime.calls import ProviderReply, gone_or_raise, http_retry_after

if TYPE_CHECKING:  # the client is handed the settings; the registry imports it by name
    from tagstrip.runtime.settings import Settings

__all__ = ["BaiduClient"]

_JSON = "application/json; charset=utf-8"


class BaiduClient:
    """Builds, signs and reads calls of one Baidu API."""

    def __init__(self, provider: BaiduProvider, settings: Settings) -> None:
        key = settings.access_key(provider)
        self.provider = provider
        self.auth = BceAuth(key.access_key_id, key.secret.get_secret_value(), key.token)
        self._endpoint = settings.endpoint(provider)

    def request(self, call: PlannedCall) -> httpx.Request:
        base = self._endpoint or default_endpoint(self.provider, call.region)
        body = None
        if call.body is not None:
            body = json.dumps(call.body, ensure_ascii=False, separators=(",", ":")).encode()
        return httpx.Request(
            call.method,
            f"{base}{call.path}",
            params=call.params,
            headers={"Content-Type": _JSON},
            content=body,
        )

    def interpret(self, call: PlannedCall, response: httpx.Response) -> ProviderReply:
        if not response.is_success:
            return gone_or_raise(call, parse_error(self.provider, response), GONE_CODES)
        if call.kind == "read":
            return ProviderReply("read", request_id_of(response), page=_tag_page(call, response))
        return ProviderReply("removed", request_id_of(response))

    def retry_after(self, response: httpx.Response) -> float | None:
        return http_retry_after(response)


def _tag_page(call: PlannedCall, response: httpx.Response) -> TagPage:
    """``GET /v1/tag``: ``{"tags": [...]}`` of the account; ``GET /v2/instance/{id}``:
    ``{"instance": {..., "tags": [...]}}`` (tags may be null on an untagged instance)."""
    if call.provider == "baidu-tag-resource":
        return _bound_tags(call, response)
    try:
        body: Any = response.json()
        items = body["tags"] if call.provider == "baidu-tag" else body["instance"]["tags"]
        tags = [Tag(key=item["tagKey"], value=item.get("tagValue") or "") for item in items or []]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise unexpected_answer(call, response.status_code, exc) from exc
    owner = call.resource_ids[0] if call.resource_ids else None
    return TagPage({owner: tags})


def _bound_tags(call: PlannedCall, response: httpx.Response) -> TagPage:
    """``GET /v1/tag/tagResources``: ``{"tagResources": [{"tagKey", "tagValue", "resources":
    [{"resourceType", "resourceId", "region"}]}]}``, turned around into each resource's tags.
    A tag bound to nothing is left out by the service; an untagged resource is not listed.
    A sweep's query names no resources: every resource listed is found, named with its
    service type and region (`resource_ref`)."""
    sweep = not call.resource_ids
    wanted = set(call.resource_ids)
    found: dict[str | None, list[Tag]] = {rid: [] for rid in call.resource_ids}
    try:
        for entry in response.json()["tagResources"] or []:
            tag = Tag(key=entry["tagKey"], value=entry.get("tagValue") or "")
            for resource in entry["resources"] or []:
                rid = resource["resourceId"]
                if sweep:
                    ref = resource_ref(resource["resourceType"], resource["region"], rid)
                    found.setdefault(ref, []).append(tag)
                elif rid in wanted:
                    found[rid].append(tag)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise unexpected_answer(call, response.status_code, exc) from exc
    return TagPage(found)
