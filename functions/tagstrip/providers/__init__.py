"""One package per vendor; each module in it owns one API's rules, wire form and signing.

`SPECS` (rules and planning) load with the package; the HTTP clients load on first use
through `make_client`, so validating and planning never import httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from tagstrip.core.models import ProviderName
from tagstrip.core.rules import ProviderSpec
from tagstrip.providers.aliyun.ecs import AliyunEcs
from tagstrip.providers.aliyun.redis import AliyunRedis
from tagstrip.providers.baidu.bcc import BaiduBcc
from tagstrip.providers.baidu.tag import BaiduTag
from tagstrip.providers.huawei.ecs import HuaweiEcs

if TYPE_CHECKING:
    from tagstrip.core.calls import ProviderClient
    from tagstrip.core.settings import Settings

__all__ = ["SPECS", "make_client", "spec_for"]

SPECS: dict[ProviderName, ProviderSpec] = {
    spec.name: spec for spec in (AliyunEcs(), AliyunRedis(), HuaweiEcs(), BaiduTag(), BaiduBcc())
}

#: Where each provider's client class lives; every class takes (provider, settings).
_CLIENTS: dict[ProviderName, str] = {
    "aliyun-ecs": "tagstrip.providers.aliyun.client:AliyunClient",
    "aliyun-redis": "tagstrip.providers.aliyun.client:AliyunClient",
    "huawei-ecs": "tagstrip.providers.huawei.client:HuaweiEcsClient",
    "baidu-tag": "tagstrip.providers.baidu.client:BaiduClient",
    "baidu-bcc": "tagstrip.providers.baidu.client:BaiduClient",
}


def spec_for(provider: ProviderName) -> ProviderSpec:
    return SPECS[provider]


def make_client(provider: ProviderName, settings: Settings) -> ProviderClient:
    """The HTTP client of `provider`; raises ConfigurationError if its credentials are unset."""
    module, _, name = _CLIENTS[provider].partition(":")
    factory = getattr(importlib.import_module(module), name)
    return cast("ProviderClient", factory(provider, settings))
