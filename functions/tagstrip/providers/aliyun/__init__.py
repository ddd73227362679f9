"""Alibaba Cloud: ECS, ApsaraDB for Redis and the Resource Management Tag API, all RPC APIs
signed with one access key.

`VENDOR` is all the rest of tagstrip knows of this vendor (see `tagstrip.domain.rules.Vendor`).
"""

from __future__ import annotations

from functools import partial
from typing import Literal

from tagstrip.domain.rules import AccessKeyVariables, ProviderApi, Vendor, VendorOption
from tagstrip.providers.aliyun.ecs import AliyunEcs
from tagstrip.providers.aliyun.redis import AliyunRedis
from tagstrip.providers.aliyun.tag import AliyunTag

__all__ = ["SIGNATURE", "VENDOR", "AliyunProvider", "default_endpoint"]

AliyunProvider = Literal["aliyun-ecs", "aliyun-redis", "aliyun-tag"]

#: Product host prefix, and the regions its SDK sends to a non-regional host.
_PRODUCTS: dict[AliyunProvider, tuple[str, dict[str, str]]] = {
    "aliyun-ecs": (
        "ecs",
        {
            "cn-hangzhou": "ecs-cn-hangzhou.aliyuncs.com",
            "cn-hangzhou-finance": "ecs.aliyuncs.com",
            "cn-wuhan": "ecs.aliyuncs.com",
            "cn-zhangbei": "ecs.aliyuncs.com",
        },
    ),
    "aliyun-redis": (
        "r-kvstore",
        {
            "cn-hangzhou": "r-kvstore.aliyuncs.com",
            "cn-hangzhou-finance": "r-kvstore.aliyuncs.com",
            "cn-wuhan": "r-kvstore.aliyuncs.com",
            "cn-zhangbei": "r-kvstore.aliyuncs.com",
        },
    ),
    "aliyun-tag": (
        "tag",
        {
            "us-west-1": "tag.us-east-1.aliyuncs.com",
            "cn-hangzhou-finance": "tag.cn-hangzhou.aliyuncs.com",
            "cn-fujian": "tag.cn-hangzhou.aliyuncs.com",
            "cn-shanghai-finance-1": "tag.aliyuncs.com",
            "cn-wuhan": "tag.aliyuncs.com",
            "cn-zhangbei": "tag.aliyuncs.com",
        },
    ),
}


def default_endpoint(provider: AliyunProvider, region: str | None) -> str:
    """The vendor's public endpoint for `region`, e.g. ``https://ecs.cn-shenzhen.aliyuncs.com``."""
    product, special = _PRODUCTS[provider]
    region = region or "cn-hangzhou"
    return f"https://{special.get(region, f'{product}.{region}.aliyuncs.com')}"


_CLIENT = "tagstrip.providers.aliyun.client:AliyunClient"
#: How the client signs: V3, or RPC signature v1 for what still needs it.
SIGNATURE = VendorOption(
    "aliyun_signature",
    "TAGSTRIP_ALIYUN_SIGNATURE",
    "ACS3-HMAC-SHA256",
    "ACS3 (V3) is what the vendor recommends; HMAC-SHA1 is RPC signature v1.",
    choices=("ACS3-HMAC-SHA256", "HMAC-SHA1"),
)
VENDOR = Vendor(
    "aliyun",
    AccessKeyVariables(
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
    ),
    (
        ProviderApi(
            AliyunEcs(),
            _CLIENT,
            "TAGSTRIP_ALIYUN_ECS_ENDPOINT",
            partial(default_endpoint, "aliyun-ecs"),
        ),
        ProviderApi(
            AliyunRedis(),
            _CLIENT,
            "TAGSTRIP_ALIYUN_REDIS_ENDPOINT",
            partial(default_endpoint, "aliyun-redis"),
        ),
        ProviderApi(
            AliyunTag(),
            _CLIENT,
            "TAGSTRIP_ALIYUN_TAG_ENDPOINT",
            partial(default_endpoint, "aliyun-tag"),
        ),
    ),
    options=(SIGNATURE,),
)
