"""Fake cloud state, one backend per vendor API, each with methods named after operations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tagstrip_testkit.fakecloud.backends.aliyun import AliyunEcsBackend, AliyunRedisBackend
from tagstrip_testkit.fakecloud.backends.aliyun_tag import AliyunTagBackend
from tagstrip_testkit.fakecloud.backends.baidu import BaiduBackend
from tagstrip_testkit.fakecloud.backends.common import Resource, TagRef
from tagstrip_testkit.fakecloud.backends.huawei import HuaweiEcsBackend, HuaweiTmsBackend

__all__ = [
    "AliyunEcsBackend",
    "AliyunRedisBackend",
    "AliyunTagBackend",
    "Backends",
    "BaiduBackend",
    "HuaweiEcsBackend",
    "HuaweiTmsBackend",
    "Resource",
    "TagRef",
]


@dataclass
class Backends:
    """Every backend of one fake cloud."""

    aliyun_ecs: AliyunEcsBackend = field(default_factory=AliyunEcsBackend)
    aliyun_redis: AliyunRedisBackend = field(default_factory=AliyunRedisBackend)
    aliyun_tag: AliyunTagBackend = field(default_factory=AliyunTagBackend)
    huawei_ecs: HuaweiEcsBackend = field(default_factory=HuaweiEcsBackend)
    huawei_tms: HuaweiTmsBackend = field(default_factory=HuaweiTmsBackend)
    baidu: BaiduBackend = field(default_factory=BaiduBackend)

    def reset(self) -> None:
        for backend in (
            self.aliyun_ecs,
            self.aliyun_redis,
            self.aliyun_tag,
            self.huawei_ecs,
            self.huawei_tms,
            self.baidu,
        ):
            backend.reset()

    def state(self) -> dict[str, Any]:
        """Everything stored, in the seed file's shape."""
        return {
            "aliyun-ecs": {
                "remove_tags_limit": self.aliyun_ecs.remove_tags_limit,
                "list_page_size": self.aliyun_ecs.list_page_size,
                "resources": self.aliyun_ecs.state(),
            },
            "aliyun-redis": {
                "list_page_size": self.aliyun_redis.list_page_size,
                "resources": self.aliyun_redis.state(),
            },
            "aliyun-tag": self.aliyun_tag.state(),
            "huawei-ecs": {
                "tags_per_call": self.huawei_ecs.tags_per_call,
                "servers": self.huawei_ecs.state(),
            },
            "huawei-tms": {
                "resources_per_call": self.huawei_tms.resources_per_call,
                "list_page_size": self.huawei_tms.list_page_size,
                "resources": self.huawei_tms.state(),
            },
            "baidu": self.baidu.state(),
        }
