"""One package per vendor; each module in it owns one API's rules, wire form and signing."""

from __future__ import annotations

from tagstrip.core.models import ProviderName
from tagstrip.core.rules import ProviderSpec
from tagstrip.providers.aliyun.ecs import AliyunEcs
from tagstrip.providers.aliyun.redis import AliyunRedis
from tagstrip.providers.baidu.tag import BaiduTag
from tagstrip.providers.huawei.ecs import HuaweiEcs

__all__ = ["SPECS", "spec_for"]

SPECS: dict[ProviderName, ProviderSpec] = {
    spec.name: spec for spec in (AliyunEcs(), AliyunRedis(), HuaweiEcs(), BaiduTag())
}


def spec_for(provider: ProviderName) -> ProviderSpec:
    return SPECS[provider]
