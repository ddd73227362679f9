"""Huawei Cloud: ECS tags, signed with SDK-HMAC-SHA256.

`VENDOR` is all the rest of tagstrip knows of this vendor (see `tagstrip.domain.rules.Vendor`).
"""

from __future__ import annotations

from tagstrip.domain.rules import AccessKeyVariables, ProviderApi, Vendor
from tagstrip.providers.huawei.ecs import HuaweiEcs

__all__ = ["VENDOR", "default_endpoint"]


def default_endpoint(region: str | None) -> str:
    """The vendor's public ECS endpoint, e.g. ``https://ecs.cn-north-4.myhuaweicloud.com``."""
    return f"https://ecs.{region or 'cn-north-4'}.myhuaweicloud.com"


VENDOR = Vendor(
    "huawei",
    AccessKeyVariables(
        "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN"
    ),
    (
        ProviderApi(
            HuaweiEcs(),
            "tagstrip.providers.huawei.client:HuaweiEcsClient",
            "TAGSTRIP_HUAWEI_ECS_ENDPOINT",
            default_endpoint,
        ),
    ),
)
