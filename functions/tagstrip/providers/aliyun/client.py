"""The Alibaba Cloud RPC client shared by ECS, ApsaraDB for Redis and the Tag API.

Calls go as ``POST /`` with every parameter in the query and an empty body, as the current
SDKs send them, signed with ACS3-HMAC-SHA256 (the default) or RPC signature v1 as configured.
Endpoints follow the vendor's SDK rules per region unless a base URL is configured. The Tag
API answers in its own shapes: reads nest each resource's tags, and a write lists the
resources it could not untag, each reported apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from tagstrip.domain.models import PlannedCall, Tag
from tagstrip.domain.readphase import TagPage, unexpected_answer
from tagstrip.providers.aliyun import SIGNATURE, AliyunProvider, default_endpoint
from tagstrip.providers.aliyun.errors import (
    GONE_CODES,
    is_retryable_code,
    parse_error,
    request_id_of,
)
from tagstrip.providers.aliyun.signing import Acs3Auth, RpcV1Auth, acs3_canonical_query
from tagstrip.providers.aliyun.tag import Arn
from tagstrip.runtime.calls import ProviderReply, ResourceReply, gone_or_raise, http_retry_after

if TYPE_CHECKING:  # the client is handed the settings; the registry imports it by name
    from tagstrip.runtime.settings import Settings

__all__ = ["AliyunClient"]


class AliyunClient:
    """Builds, signs and reads RPC calls of one Alibaba product."""

    def __init__(self, provider: AliyunProvider, settings: Settings) -> None:
        key = settings.access_key(provider)
        self.provider = provider
        self._rpc_v1 = settings.option(SIGNATURE) == "HMAC-SHA1"
        flow = RpcV1Auth if self._rpc_v1 else Acs3Auth
        self.auth: httpx.Auth = flow(key.access_key_id, key.secret.get_secret_value(), key.token)
        self._endpoint = settings.endpoint(provider)

    def request(self, call: PlannedCall) -> httpx.Request:
        base = self._endpoint or default_endpoint(self.provider, call.region)
        if self._rpc_v1:
            params = {"Action": call.operation, "Version": call.api_version, **call.params}
            return httpx.Request(call.method, f"{base}{call.path}", params=params)
        headers = {
            "x-acs-action": call.operation,
            "x-acs-version": call.api_version,
            "accept": "application/json",
        }
        # The query goes out in the canonical form the signature covers, so the signer keeps
        # the URL as built (httpx parses every URL it is given in pure Python).
        query = acs3_canonical_query(call.params.items())
        url = f"{base}{call.path}?{query}" if query else f"{base}{call.path}"
        return httpx.Request(call.method, url, headers=headers)

    def interpret(self, call: PlannedCall, response: httpx.Response) -> ProviderReply:
        if not response.is_success:
            return gone_or_raise(call, parse_error(self.provider, response), GONE_CODES)
        if self.provider == "aliyun-tag":
            return _tag_api_reply(call, response)
        if call.kind == "read":
            return ProviderReply("read", request_id_of(response), page=_tag_page(call, response))
        return ProviderReply("removed", request_id_of(response))

    def retry_after(self, response: httpx.Response) -> float | None:
        """``x-acs-retry-after`` (milliseconds) on throttling, else the standard header."""
        value = response.headers.get("x-acs-retry-after", "")
        if value.isdigit() and int(value) > 0:
            return int(value) / 1000
        return http_retry_after(response)


def _tag_page(call: PlannedCall, response: httpx.Response) -> TagPage:
    """ListTagResources: ``TagResources.TagResource`` entries; ``NextToken`` names the next
    page, which is the same call with that token."""
    try:
        body: Any = response.json()
        tags: dict[str | None, list[Tag]] = {}
        for entry in body.get("TagResources", {}).get("TagResource", []):
            tag = Tag(key=entry["TagKey"], value=entry.get("TagValue", ""))
            tags.setdefault(entry["ResourceId"], []).append(tag)
        token = body.get("NextToken") or None
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise unexpected_answer(call, response.status_code, exc) from exc
    if token is None:
        return TagPage(tags)
    return TagPage(tags, call.model_copy(update={"params": {**call.params, "NextToken": token}}))


def _tag_api_reply(call: PlannedCall, response: httpx.Response) -> ProviderReply:
    """The Tag API's answer: a read's ``TagResources`` (one entry per resource, its tags
    nested), or a write's ``FailedResources.FailedResource`` (a resource gone is skipped,
    as for ECS; any other code fails that resource alone)."""
    try:
        body: Any = response.json()
        request_id = body.get("RequestId") or response.headers.get("x-acs-request-id")
        if call.kind == "read":
            return ProviderReply("read", request_id, page=_tag_api_page(call, body))
        failed = (body.get("FailedResources") or {}).get("FailedResource") or []
        apart = tuple(_resource_reply(call, entry) for entry in failed)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise unexpected_answer(call, response.status_code, exc) from exc
    return ProviderReply("removed", request_id, resources=apart)


def _resource_reply(call: PlannedCall, entry: Any) -> ResourceReply:
    result = entry.get("Result") or {}
    code, message = result.get("Code"), result.get("Message")
    return ResourceReply(
        _sent_arn(call, entry["ResourceARN"]),
        "skipped" if code in GONE_CODES else "failed",
        code,
        message,
        retryable=is_retryable_code(code),
    )


def _tag_api_page(call: PlannedCall, body: Any) -> TagPage:
    tags: dict[str | None, list[Tag]] = {}
    for entry in body.get("TagResources") or []:
        found = [Tag(key=tag["Key"], value=tag.get("Value", "")) for tag in entry["Tags"]]
        tags.setdefault(_sent_arn(call, entry["ResourceARN"]), []).extend(found)
    token = body.get("NextToken") or None
    if token is None:
        return TagPage(tags)
    return TagPage(tags, call.model_copy(update={"params": {**call.params, "NextToken": token}}))


def _sent_arn(call: PlannedCall, answered: str) -> str:
    """The ARN as the call sent it: the service may answer with the ``*`` region or
    account of a sent ARN filled in."""
    if answered in call.resource_ids or not call.resource_ids:  # a sweep names none
        return answered
    arn = Arn.parse(answered)
    for sent in call.resource_ids:
        if arn is not None and (mine := Arn.parse(sent)) is not None and mine.same_resource(arn):
            return sent
    raise ValueError(f"the answer names {answered!r}, which the call did not send")
