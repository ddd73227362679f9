"""Alibaba Cloud Resource Management Tag (2018-08-28): tags of any product's resources by ARN.

Behaviour follows the API docs: ``UntagResources`` removes up to 10 keys (whatever their
values) from up to 50 resources of the region the call is sent to, with no ``All`` flag; a
resource it cannot untag is listed in ``FailedResources`` with a code
(``InvalidResourceId.NotFound`` when it does not exist) and the others are untagged.
Whole-call errors come first, in the metadata's codes. ``ListTagResources`` answers one
entry per resource with its tags nested, filtered by ARN and/or a ``Tags`` JSON map (AND),
paged by ``NextToken``. The state is the tag service's own: it does not share the ECS and
Redis backends' resources.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tagstrip_testkit.fakecloud.backends.aliyun import ALIYUN_REGIONS
from tagstrip_testkit.fakecloud.backends.common import one_page
from tagstrip_testkit.fakecloud.errors import aliyun as err

__all__ = ["DEFAULT_ACCOUNT", "AliyunTagBackend", "TaggedResource"]

DEFAULT_ACCOUNT = "1234567890123456"
UNTAG_MAX_RESOURCES, UNTAG_MAX_KEYS = 50, 10
LIST_MAX_RESOURCES, LIST_MAX_TAGS = 50, 10
PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX = 50, 1000
TAG_TEXT_MAX = 128
_SYSTEM_PREFIXES = ("acs:", "aliyun")
#: The Tag API answers counts and duplicates with 403, where ECS and Redis answer 400.
_TAG_API_FORBIDS = 403
#: Products and resource types the fake knows (a part of ListSupportResourceTypes).
SUPPORTED_TYPES = {
    "ecs": {"instance", "disk", "image", "snapshot", "securitygroup", "eni", "keypair"},
    "vpc": {"vpc", "vswitch", "eip", "routetable"},
    "kvstore": {"instance"},
    "rds": {"dbinstance"},
    "oss": {"bucket"},
    "slb": {"instance"},
}
_ARN = re.compile(
    r"arn:acs:(?P<product>[a-z][a-z0-9-]*):(?P<region>[a-z0-9-]+|\*)"
    r":(?P<account>[0-9]+|\*):(?P<type>[A-Za-z][A-Za-z0-9_-]*)/(?P<id>[^/\s]+)"
)


@dataclass
class TaggedResource:
    """A resource of some product, as the tag service knows it. `failure` is a code the
    service answers for this resource alone (e.g. the product refused the caller)."""

    arn: str
    tags: dict[str, str] = field(default_factory=dict)
    failure: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"arn": self.arn, "tags": dict(self.tags)}
        if self.failure is not None:
            data["failure"] = self.failure
        return data


def _key(arn: str, region: str, account: str) -> str:
    """The ARN with a ``*`` region or account resolved to the call's."""
    match = _ARN.fullmatch(arn)
    if match is None:
        raise err.InvalidResourceArnFormat(arn)
    parts = match.groupdict()
    if parts["account"] not in ("*", account):
        raise err.InvalidResourceArnAccount()
    if parts["region"] not in ("*", region):
        raise err.InvalidResourceArnRegion()
    if parts["type"].lower() not in SUPPORTED_TYPES.get(parts["product"], ()):
        raise err.TagInvalidResourceType()
    return f"arn:acs:{parts['product']}:{region}:{account}:{parts['type'].lower()}/{parts['id']}"


def _is_system(key: str) -> bool:
    return key.startswith(_SYSTEM_PREFIXES)


class AliyunTagBackend:
    """The tag service of one account: resources by resolved ARN."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.account_id = DEFAULT_ACCOUNT
        self.resources: dict[str, TaggedResource] = {}
        #: Resources per ListTagResources page at most, whatever PageSize asks (forces paging).
        self.list_page_size = PAGE_SIZE_MAX

    def add_resource(
        self, arn: str, tags: Mapping[str, str] | None = None, failure: str | None = None
    ) -> TaggedResource:
        match = _ARN.fullmatch(arn)
        if match is None or "*" in (match["region"], match["account"]):
            raise ValueError(f"{arn!r}: seed resources by full ARN (region and account)")
        resource = TaggedResource(arn, dict(tags or {}), failure)
        self.resources[_key(arn, match["region"], self.account_id)] = resource
        return resource

    def untag_resources(
        self, region: str, arns: Sequence[str], keys: Sequence[str]
    ) -> tuple[dict[str, dict[str, str]], list[dict[str, Any]]]:
        """The tags removed per ARN, and the ``FailedResource`` entries."""
        self._check_region(region)
        if not arns:
            raise err.MissingParameterResourceIds()
        if len(arns) > UNTAG_MAX_RESOURCES:
            raise err.NumberExceedResourceIds(status=_TAG_API_FORBIDS)
        if not keys:
            raise err.MissingParameterTagKey()
        if len(keys) > UNTAG_MAX_KEYS:
            raise err.NumberExceedTags(status=_TAG_API_FORBIDS)
        if len(set(keys)) != len(keys):
            raise err.DuplicateTagKey(status=_TAG_API_FORBIDS)
        if not all(0 < len(key) <= TAG_TEXT_MAX and "://" not in key for key in keys):
            raise err.TagInvalidTagKey()
        if any(_is_system(key) for key in keys):
            raise err.NoPermissionSystemTag()
        resolved = {arn: _key(arn, region, self.account_id) for arn in arns}
        removed: dict[str, dict[str, str]] = {}
        failed: list[dict[str, Any]] = []
        for arn, key in resolved.items():
            resource = self.resources.get(key)
            if resource is None:
                failed.append({"ResourceARN": arn, "Result": err.resource_result()})
                continue
            if resource.failure is not None:
                failed.append({"ResourceARN": arn, "Result": err.resource_result(resource.failure)})
                continue
            removed[arn] = {k: resource.tags.pop(k) for k in keys if k in resource.tags}
        return removed, failed

    def list_tag_resources(
        self,
        region: str,
        arns: Sequence[str],
        tags: str | None,
        category: str,
        page_size: str | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of ``TagResources`` entries (resources without a tag left out)."""
        self._check_region(region)
        if len(arns) > LIST_MAX_RESOURCES:
            raise err.NumberExceedResourceIds(status=_TAG_API_FORBIDS)
        wanted = _tag_filter(tags)
        if not arns and wanted is None:
            raise err.MissingParameterResourceIdArn()
        if category not in ("All", "Custom", "System"):
            raise err.InvalidParameterCategory()
        size = _page_size(page_size)
        if arns:
            keys = {arn: _key(arn, region, self.account_id) for arn in dict.fromkeys(arns)}
            chosen = [(arn, self.resources.get(key)) for arn, key in keys.items()]
        else:
            chosen = [
                (resource.arn, resource)
                for key, resource in self.resources.items()
                if key.split(":")[3] == region
            ]
        entries = [
            {"ResourceARN": arn, "Tags": listed}
            for arn, resource in chosen
            if resource is not None
            and (wanted is None or wanted.items() <= resource.tags.items())
            and (listed := _listed_tags(resource.tags, category))
        ]
        return one_page(
            entries, next_token, min(size, self.list_page_size), err.InvalidNextTokenTag
        )

    def state(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "list_page_size": self.list_page_size,
            "resources": [resource.to_dict() for resource in self.resources.values()],
        }

    @staticmethod
    def _check_region(region: str) -> None:
        if region not in ALIYUN_REGIONS:
            raise err.InvalidParameterRegionId()


def _listed_tags(tags: Mapping[str, str], category: str) -> list[dict[str, str]]:
    return [
        {"Key": key, "Value": value, "Category": kind}
        for key, value in tags.items()
        for kind in ["System" if _is_system(key) else "Custom"]
        if category in ("All", kind)
    ]


def _tag_filter(tags: str | None) -> dict[str, str] | None:
    """``Tags``: a JSON object of 1..10 key/value pairs, every one required (AND)."""
    if tags is None:
        return None
    try:
        wanted: Any = json.loads(tags)
    except ValueError:
        raise err.InvalidParameterTags() from None
    valid = isinstance(wanted, dict) and all(isinstance(v, str) for v in wanted.values())
    if not valid or not 1 <= len(wanted) <= LIST_MAX_TAGS:
        raise err.InvalidParameterTags()
    return dict(wanted)


def _page_size(text: str | None) -> int:
    if text is None:
        return PAGE_SIZE_DEFAULT
    if not text.isdigit() or not 1 <= int(text) <= PAGE_SIZE_MAX:
        raise err.InvalidParameterPageSize()
    return int(text)
