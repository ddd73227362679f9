"""Seed state: the resources, tags and faults a fake cloud starts with, from JSON or YAML.

The same shape is what `FakeCloud.state()` returns, so a state can be saved and replayed::

    aliyun-ecs:   {remove_tags_limit: 20, list_page_size: 50,
                   resources: [{region, id, type?, tags, taggable?}]}
    aliyun-redis: {list_page_size: 50, resources: [{region, id, tags}]}
    aliyun-tag:   {account_id, list_page_size: 1000, resources: [{arn, tags, failure?}]}
    huawei-ecs:   {tags_per_call: 10, servers: [{project_id, id, tags}]}
    huawei-tms:   {resources_per_call: 20, list_page_size: 200,
                   resources: [{project_id?, type, id, tags}]}
    baidu:        {tags_per_request: 20, resources_per_request: 20, tags: [{key, value}],
                   resources: [{id, type, region, tags, related}]}
    faults:       [{kind, provider?, resource_id?, times?, status?, seconds?, retry_after?}]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from tagstrip_testkit.fakecloud.backends import Backends
from tagstrip_testkit.fakecloud.backends.aliyun_tag import DEFAULT_ACCOUNT
from tagstrip_testkit.fakecloud.faults import Fault, FaultInjector, FaultKind

__all__ = ["Seed", "apply_seed", "load_seed", "read_seed_file"]


_PAGE_SIZE = "Tag entries per ListTagResources page; small values force paging."


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class EcsResourceSeed(_Model):
    region: str
    id: str
    type: str | None = Field(default=None, description="Inferred from the id prefix if omitted.")
    tags: dict[str, str] = Field(default_factory=dict)
    taggable: bool = True


class EcsSeed(_Model):
    remove_tags_limit: int = Field(default=20, description="5 reproduces the 2018 RemoveTags.")
    list_page_size: int = Field(default=50, ge=1, description=_PAGE_SIZE)
    resources: list[EcsResourceSeed] = Field(default_factory=list)


class RedisResourceSeed(_Model):
    region: str
    id: str
    tags: dict[str, str] = Field(default_factory=dict)


class RedisSeed(_Model):
    list_page_size: int = Field(default=50, ge=1, description=_PAGE_SIZE)
    resources: list[RedisResourceSeed] = Field(default_factory=list)


class TagResourceSeed(_Model):
    arn: str = Field(description="The full ARN: region and account, not *.")
    tags: dict[str, str] = Field(default_factory=dict)
    failure: str | None = Field(
        default=None, description="A code UntagResources answers for this resource alone."
    )


class TagSeed(_Model):
    account_id: str = Field(default=DEFAULT_ACCOUNT, pattern=r"[0-9]+")
    list_page_size: int = Field(
        default=1000, ge=1, description="Resources per ListTagResources page at most."
    )
    resources: list[TagResourceSeed] = Field(default_factory=list)


class HuaweiServerSeed(_Model):
    project_id: str
    id: str
    tags: dict[str, str] = Field(default_factory=dict)


class HuaweiSeed(_Model):
    tags_per_call: int = 10
    servers: list[HuaweiServerSeed] = Field(default_factory=list)


class TmsResourceSeed(_Model):
    project_id: str | None = Field(default=None, description="None: a global service's.")
    type: str
    id: str
    tags: dict[str, str] = Field(default_factory=dict)


class TmsSeed(_Model):
    resources_per_call: int = Field(default=20, ge=1, description="50 per the current docs.")
    list_page_size: int = Field(
        default=200, ge=1, le=200, description="The most a ListResource page holds."
    )
    resources: list[TmsResourceSeed] = Field(default_factory=list)


class BaiduTagSeed(_Model):
    key: str
    value: str = ""


class BaiduResourceSeed(_Model):
    id: str
    type: str = "bcc"
    region: str = "bj"
    tags: dict[str, str] = Field(default_factory=dict)
    related: list[str] = Field(default_factory=list)


class BaiduSeed(_Model):
    tags_per_request: int = 20
    resources_per_request: int = Field(default=20, ge=1)
    tags: list[BaiduTagSeed] = Field(default_factory=list)
    resources: list[BaiduResourceSeed] = Field(default_factory=list)


class FaultSeed(_Model):
    kind: FaultKind
    provider: str | None = None
    resource_id: str | None = None
    times: int | None = None
    status: int | None = None
    seconds: float = 0.0
    retry_after: float | None = None

    def to_fault(self) -> Fault:
        return Fault(**self.model_dump())


class Seed(_Model):
    aliyun_ecs: EcsSeed = Field(default_factory=EcsSeed, alias="aliyun-ecs")
    aliyun_redis: RedisSeed = Field(default_factory=RedisSeed, alias="aliyun-redis")
    aliyun_tag: TagSeed = Field(default_factory=TagSeed, alias="aliyun-tag")
    huawei_ecs: HuaweiSeed = Field(default_factory=HuaweiSeed, alias="huawei-ecs")
    huawei_tms: TmsSeed = Field(default_factory=TmsSeed, alias="huawei-tms")
    baidu: BaiduSeed = Field(default_factory=BaiduSeed)
    faults: list[FaultSeed] = Field(default_factory=list)


def read_seed_file(path: Path) -> Seed:
    """A seed from a ``.json``, ``.yaml`` or ``.yml`` file."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return load_seed(data or {})


def load_seed(data: Any) -> Seed:
    """A seed from plain data (raises pydantic's ValidationError on a bad shape)."""
    return Seed.model_validate(data)


def apply_seed(seed: Seed, backends: Backends, faults: FaultInjector) -> None:
    """Add the seed's resources, tags and faults to what is already there."""
    ecs = backends.aliyun_ecs
    ecs.remove_tags_limit = seed.aliyun_ecs.remove_tags_limit
    ecs.list_page_size = seed.aliyun_ecs.list_page_size
    backends.aliyun_redis.list_page_size = seed.aliyun_redis.list_page_size
    for item in seed.aliyun_ecs.resources:
        ecs.add_resource(
            item.region, item.id, item.tags, resource_type=item.type, taggable=item.taggable
        )
    for instance in seed.aliyun_redis.resources:
        backends.aliyun_redis.add_resource(instance.region, instance.id, instance.tags)
    tag = backends.aliyun_tag
    tag.account_id, tag.list_page_size = seed.aliyun_tag.account_id, seed.aliyun_tag.list_page_size
    for resource in seed.aliyun_tag.resources:
        tag.add_resource(resource.arn, resource.tags, resource.failure)
    backends.huawei_ecs.tags_per_call = seed.huawei_ecs.tags_per_call
    for server in seed.huawei_ecs.servers:
        backends.huawei_ecs.add_server(server.project_id, server.id, server.tags)
    backends.huawei_tms.resources_per_call = seed.huawei_tms.resources_per_call
    backends.huawei_tms.list_page_size = seed.huawei_tms.list_page_size
    for tms in seed.huawei_tms.resources:
        backends.huawei_tms.add_resource(tms.project_id, tms.type, tms.id, tms.tags)
    baidu = backends.baidu
    baidu.tags_per_request = seed.baidu.tags_per_request
    baidu.resources_per_request = seed.baidu.resources_per_request
    for account_tag in seed.baidu.tags:
        baidu.add_tag(account_tag.key, account_tag.value)
    for bound in seed.baidu.resources:
        baidu.add_resource(
            bound.id,
            bound.tags,
            resource_type=bound.type,
            related=bound.related,
            region=bound.region,
        )
    for fault in seed.faults:
        faults.add(fault.to_fault())
