"""The Huawei Cloud ECS client: batch tag delete, signed with SDK-HMAC-SHA256.

``POST /v1/{project_id}/cloudservers/{server_id}/tags/action`` with a JSON body; success is
204 without a body. The project id in the path is also sent as ``X-Project-Id``, as the
vendor's SDK does. The endpoint is ``ecs.{region}.myhuaweicloud.com`` unless configured.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Literal

import httpx

from tagstrip.domain.models import PlannedCall, Tag
from tagstrip.domain.readphase import TagPage, unexpected_answer
from tagstrip.providers.huawei import default_endpoint
from tagstrip.providers.huawei.errors import GONE_CODES, parse_error, request_id_of
from tagstrip.providers.huawei.signing import SdkHmacSha256Auth
from tagstrip.runtime.calls import ProviderReply, gone_or_raise, http_retry_after

if TYPE_CHECKING:  # the client is handed the settings; the registry imports it by name
    from tagstrip.runtime.settings import Settings

__all__ = ["HuaweiEcsClient"]

_PROJECT = re.compile(r"/v\d+/(?P<project>[^/]+)/")
_JSON = "application/json;charset=UTF-8"


class HuaweiEcsClient:
    """Builds, signs and reads Huawei ECS tag calls."""

    def __init__(self, provider: Literal["huawei-ecs"], settings: Settings) -> None:
        key = settings.access_key(provider)
        self.provider = provider
        self.auth = SdkHmacSha256Auth(key.access_key_id, key.secret.get_secret_value(), key.token)
        self._endpoint = settings.endpoint(provider)

    def request(self, call: PlannedCall) -> httpx.Request:
        base = self._endpoint or default_endpoint(call.region)
        headers = {"Content-Type": _JSON}
        project = _PROJECT.match(call.path)
        if project:
            headers["X-Project-Id"] = project["project"]
        body = None
        if call.body is not None:
            body = json.dumps(call.body, ensure_ascii=False, separators=(",", ":")).encode()
        return httpx.Request(
            call.method, f"{base}{call.path}", params=call.params, headers=headers, content=body
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
    """ShowServerTags: ``{"tags": [{"key", "value"}]}`` of the one server in the path."""
    try:
        body: Any = response.json()
        tags = [Tag(key=item["key"], value=item.get("value", "")) for item in body["tags"]]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise unexpected_answer(call, response.status_code, exc) from exc
    return TagPage({call.resource_ids[0]: tags})
