"""The canonical tag-removal request, the plan made from it, its result, and their JSON shapes.

Every event source produces a `TagRemovalRequest`; every provider consumes a `Plan`; the
executor answers with a `RequestResult` of one `CallResult` per planned call. All are plain
data, so they can be printed, logged and compared in tests.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, computed_field

__all__ = [
    "PROVIDERS",
    "CallResult",
    "Plan",
    "PlannedCall",
    "ProviderName",
    "RequestResult",
    "ResourceRef",
    "ResourceTags",
    "Selector",
    "SkippedTag",
    "Tag",
    "TagRemovalRequest",
    "Where",
]

#: A literal type, so that mypy, pydantic and the OpenAPI schema list the providers; a test
#: holds it equal to the names the vendor packages declare (`tagstrip.providers.VENDORS`).
ProviderName = Literal[
    "aliyun-ecs",
    "aliyun-redis",
    "aliyun-tag",
    "huawei-ecs",
    "huawei-tms",
    "baidu-tag",
    "baidu-bcc",
    "baidu-tag-resource",
]
PROVIDERS: tuple[ProviderName, ...] = get_args(ProviderName)

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


class Tag(BaseModel):
    """A tag to remove. `value` None means "this key, whatever its value"."""

    model_config = _STRICT

    key: str = Field(description="The tag key, exactly as stored on the resource.")
    value: str | None = Field(
        default=None,
        description=(
            "The tag value. Omit it to remove the key whatever its value: aliyun-ecs "
            "(per the 2018 RemoveTags doc) and huawei-ecs do this natively. aliyun-redis "
            "removes by key only, so a value is refused there rather than ignored. "
            'baidu-tag deletes key/value pairs account-wide, so it needs a value ("" allowed).'
        ),
    )

    def __str__(self) -> str:
        return self.key if self.value is None else f"{self.key}={self.value}"


class Selector(BaseModel):
    """Tags chosen by pattern among those a resource carries, so the resource is read first.

    A tag is selected when its whole key matches the key pattern and, if one is given, its
    whole value matches the value pattern; keys in `keep` are never selected. Patterns are
    checked in `tagstrip.core.patterns` (size and backtracking limits).
    """

    model_config = _STRICT

    key_glob: str | None = Field(
        default=None, description="Shell-style pattern for the whole key: *, ?, [abc], [!abc]."
    )
    key_regex: str | None = Field(
        default=None, description="Python regular expression the whole key must match."
    )
    value_glob: str | None = Field(default=None, description="Glob for the whole value.")
    value_regex: str | None = Field(default=None, description="Regex for the whole value.")
    keep: list[str] = Field(
        default_factory=list, description="Keys never removed, even when a pattern matches them."
    )


class ResourceRef(BaseModel):
    """A resource named with its type (and project), for tag services that span services."""

    model_config = _STRICT

    id: str = Field(description="The resource id, as the resource's own service shows it.")
    type: str = Field(
        description="The tag service's resource type, case-sensitive (huawei-tms: ecs, disk, vpcs)."
    )
    project_id: str | None = Field(
        default=None,
        description="Project of a regional resource; the request's project_id when omitted.",
    )


class Where(BaseModel):
    """Which resources a sweep acts on: those the vendor's tag index lists as carrying `tag`,
    instead of resources named one by one."""

    model_config = _STRICT

    tag: Tag = Field(
        description=(
            "The tag the resources carry. Without a value: whatever its value (huawei-tms, "
            "baidu-tag-resource); aliyun-tag's index matches key and value, so it needs one."
        )
    )
    resource_types: list[str] = Field(
        default_factory=list,
        description=(
            "Only resources of these types. aliyun-tag: product:type as in the ARN "
            "(ecs:instance, oss:bucket); huawei-tms: the TMS types (ecs, disk, vpcs), "
            "required; baidu-tag-resource: service types (BCC, CDS)."
        ),
    )


class TagRemovalRequest(BaseModel):
    """The public event schema: one request to strip tags from resources of one provider."""

    model_config = _STRICT

    provider: ProviderName = Field(description="Which provider API to call.")
    region: str | None = Field(
        default=None,
        description="Region of the resources (e.g. cn-shenzhen). Not used by baidu-tag.",
    )
    resource_type: str | None = Field(
        default=None,
        description=(
            "aliyun-ecs: disk|instance|image|securitygroup|snapshot (lowercase). "
            "aliyun-redis: INSTANCE (the default). huawei-ecs: always a server. "
            "baidu-tag: not used (account-wide). baidu-tag-resource: the service type, "
            "upper case (BCC, CDS, EIP, ...)."
        ),
    )
    resource_ids: list[str] = Field(
        default_factory=list,
        description="Resources to untag. Must be empty for baidu-tag, which works account-wide.",
    )
    project_id: str | None = Field(
        default=None,
        description="Huawei project ID: huawei-ecs, and huawei-tms resources of regional services.",
    )
    resources: list[ResourceRef] = Field(
        default_factory=list,
        description=(
            "huawei-tms only: resources of any types and projects, instead of resource_type "
            "and resource_ids."
        ),
    )
    tags: list[Tag] = Field(default_factory=list, description="Tags to remove.")
    selector: Selector | None = Field(
        default=None,
        description=(
            "Also remove the tags the resource carries that match these patterns; the "
            "resource's tags are read first, and explicit tags it lacks are reported absent."
        ),
    )
    where: Where | None = Field(
        default=None,
        description=(
            "A sweep, instead of resource_ids: act on every resource the vendor's tag index "
            "finds carrying where.tag (aliyun-tag, huawei-tms, baidu-tag-resource). Removes "
            "`tags`, or the selector's matches, or else where.tag itself; a dry run unless "
            "dry_run is false."
        ),
    )
    remove_all: bool = Field(
        default=False,
        description="aliyun-redis only (All=true). Has no effect when tags are given.",
    )
    dry_run: bool = Field(
        default=False,
        description=(
            "Return the plan and make no call (a selector or sweep still reads). A request "
            "with where is a dry run unless this is false explicitly."
        ),
    )
    api_profile: str | None = Field(
        default=None,
        description=(
            "Which edition of the provider API to plan for; None picks the provider's default. "
            "aliyun-ecs: remove-tags (20 tags a call) or remove-tags-2018 (5 tags a call)."
        ),
    )
    id: str | None = Field(
        default=None,
        max_length=128,
        description="Caller-chosen request id, echoed in results and logs.",
    )


class PlannedCall(BaseModel):
    """One provider API call, with the exact business parameters that go on the wire.

    Signing, common parameters and the endpoint host are added by the provider client;
    everything that depends on the request itself is already here.
    """

    model_config = ConfigDict(frozen=True)

    provider: ProviderName
    kind: Literal["write", "read"] = Field(
        default="write",
        description='"read": fetches current tags for a selector and changes nothing.',
    )
    operation: str = Field(description="The vendor's name for the API, e.g. RemoveTags.")
    api_version: str
    method: Literal["GET", "POST", "PUT"]
    path: str = Field(description="Request path, with any IDs already in it.")
    params: dict[str, str] = Field(
        default_factory=dict,
        description="Query (or Alibaba RPC) parameters, without the common/signing ones.",
    )
    body: dict[str, Any] | None = Field(default=None, description="JSON body, if the API has one.")
    region: str | None = None
    resource_ids: list[str] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)


class SkippedTag(BaseModel):
    """A requested tag that the plan deliberately does not send, with the reason."""

    model_config = ConfigDict(frozen=True)

    tag: Tag
    reason: str


class ResourceTags(BaseModel):
    """What a read found on one resource (or the account) and what the request does with it."""

    model_config = ConfigDict(frozen=True)

    resource_id: str | None = Field(description="None: the whole account (baidu-tag).")
    current: list[Tag] = Field(description="Every tag the read returned.")
    remove: list[Tag] = Field(
        default_factory=list, description="Selected or named tags: removed (dry run: would be)."
    )
    protected: list[Tag] = Field(
        default_factory=list,
        description="Reserved or system tags of the vendor: never removed, whatever was asked.",
    )
    kept: list[Tag] = Field(default_factory=list, description="Tags whose key is in keep.")
    absent: list[Tag] = Field(
        default_factory=list, description="Explicit tags the resource does not carry: not sent."
    )


class Plan(BaseModel):
    """The exact list of calls a valid request needs; empty when there is nothing to do."""

    model_config = ConfigDict(frozen=True)

    request_id: str | None
    provider: ProviderName
    api_profile: str
    dry_run: bool
    scope: Literal["resources", "account"] = Field(
        description=(
            '"resources": tags are unbound from the listed resources only. '
            '"account": tags are deleted from the whole account and unbound from every resource.'
        )
    )
    summary: str = Field(description="What the plan does, in plain words.")
    calls: list[PlannedCall]
    skipped: list[SkippedTag] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    selection: TagRemovalRequest | None = Field(
        default=None,
        description=(
            "Set while the calls are reads: the request whose removals are planned from "
            "what the reads return (a selector)."
        ),
    )
    resources: list[ResourceTags] = Field(
        default_factory=list, description="Per resource read: its tags and their fate."
    )


class CallResult(BaseModel):
    """What became of one planned call: sent or not, the vendor's answer, how many attempts."""

    model_config = ConfigDict(frozen=True)

    provider: ProviderName
    operation: str
    resource_ids: list[str] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)
    outcome: Literal["removed", "skipped", "failed", "read"] = Field(
        description=(
            '"removed": the provider confirmed the call. "skipped": not sent (dry run) or '
            "nothing to remove (the resource is gone; code and message say so). "
            '"failed": the provider refused the call or could not be reached. '
            '"read": a read call answered (a selector reads tags first).'
        )
    )
    request_id: str | None = Field(
        default=None, description="The provider's request id, for its support desk."
    )
    error_code: str | None = None
    error_message: str | None = None
    http_status: int | None = None
    attempts: int = Field(default=0, description="HTTP attempts made (0: not sent).")
    retryable: bool = Field(
        default=False, description="A failure that may succeed if the same call is sent later."
    )
    retry_after: float | None = Field(
        default=None,
        description=(
            "For a retryable failure, seconds to wait before sending the call again: what "
            "the provider asked, or else tagstrip's next backoff delay."
        ),
    )
    duration_ms: int = 0


class RequestResult(BaseModel):
    """The outcome of one request: every call, successes included, and an overall status."""

    model_config = ConfigDict(frozen=True)

    request_id: str | None
    provider: ProviderName
    status: Literal["ok", "partial", "failed", "dry_run"] = Field(
        description=(
            '"ok": every call removed or skipped its tags. "partial": some calls failed, the '
            'others are listed as done. "failed": every call failed. "dry_run": nothing sent.'
        )
    )
    summary: str
    scope: Literal["resources", "account"]
    calls: list[CallResult]
    skipped: list[SkippedTag] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    resources: list[ResourceTags] = Field(
        default_factory=list,
        description=(
            "Selectors and sweeps only: per resource, the tags read, removed, protected, absent."
        ),
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def retryable(self) -> bool:
        """Some call failed in a way a retry may fix, or was not sent: send it all again."""
        # Whatever else succeeded or failed for good: acknowledging would lose that removal,
        # and redoing the calls that succeeded is harmless (removal is idempotent).
        return any(call.outcome == "failed" and call.retryable for call in self.calls)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def retry_after(self) -> float | None:
        """Seconds to wait before resending the failed calls: the longest any call suggests."""
        waits = [call.retry_after for call in self.calls if call.retry_after is not None]
        return max(waits) if self.retryable and waits else None
