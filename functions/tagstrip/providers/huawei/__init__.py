"""Huawei Cloud: ECS tags and the Tag Management Service (TMS), signed with SDK-HMAC-SHA256.

`VENDOR` is all the rest of tagstrip knows of this vendor (see `tagstrip.domain.rules.Vendor`).
"""

from __future__ import annotations

from tagstrip.domain.rules import (
    AccessKeyVariables,
    PlatformKeys,
    ProviderApi,
    Vendor,
    VendorOption,
)
from tagstrip.providers.huawei.ecs import HuaweiEcs
from tagstrip.providers.huawei.tms import HuaweiTms

__all__ = ["FUNCTIONGRAPH_KEYS", "VENDOR", "default_endpoint", "tms_endpoint"]


def default_endpoint(region: str | None) -> str:
    """The vendor's public ECS endpoint, e.g. ``https://ecs.cn-north-4.myhuaweicloud.com``."""
    return f"https://ecs.{region or 'cn-north-4'}.myhuaweicloud.com"


def tms_endpoint(region: str | None) -> str:
    """TMS is global: the SDK's endpoint of its home region, cn-north-4, whatever `region`."""
    return "https://tms.myhuaweicloud.com"


#: FunctionGraph's agency keys: its HTTP functions get them in these headers with "Include
#: Keys" on, its Python handlers from these context methods.
FUNCTIONGRAPH_KEYS = PlatformKeys(
    VendorOption(
        "functiongraph_keys",
        "TAGSTRIP_FUNCTIONGRAPH_KEYS",
        False,
        "Sign huawei-ecs calls with the temporary keys FunctionGraph passes on each request "
        "(X-CFF-Security-* headers, its 'Include Keys' setting): the function agency's "
        "least-privilege credentials instead of HUAWEICLOUD_SDK_AK/SK.",
    ),
    ("x-cff-security-access-key", "x-cff-security-secret-key", "x-cff-security-token"),
    ("getSecurityAccessKey", "getSecuritySecretKey", "getSecurityToken"),
)
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
        ProviderApi(
            HuaweiTms(),
            "tagstrip.providers.huawei.client:HuaweiTmsClient",
            "TAGSTRIP_HUAWEI_TMS_ENDPOINT",
            tms_endpoint,
        ),
    ),
    # The SDK's own variable for the account (domain) id that global services need.
    account_variable="HUAWEICLOUD_SDK_DOMAIN_ID",
    platform_keys=FUNCTIONGRAPH_KEYS,
)
