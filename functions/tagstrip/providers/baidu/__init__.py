"""Baidu AI Cloud: the tag service (account-wide or per resource) and BCC, signed with
bce-auth-v1.

`VENDOR` is all the rest of tagstrip knows of this vendor (see `tagstrip.domain.rules.Vendor`).
"""

from __future__ import annotations

from functools import partial
from typing import Literal

from tagstrip.domain.rules import AccessKeyVariables, ProviderApi, Vendor
from tagstrip.providers.baidu.bcc import BaiduBcc
from tagstrip.providers.baidu.tag import BaiduTag
from tagstrip.providers.baidu.tag_resource import BaiduTagResource

__all__ = ["VENDOR", "BaiduProvider", "default_endpoint"]

BaiduProvider = Literal["baidu-tag", "baidu-bcc", "baidu-tag-resource"]


def default_endpoint(provider: BaiduProvider, region: str | None) -> str:
    """The vendor's public endpoint: the global tag service (both of its APIs), or BCC in
    `region` (e.g. bj)."""
    if provider != "baidu-bcc":
        return "https://tag.baidubce.com"
    return f"https://bcc.{region or 'bj'}.baidubce.com"


_CLIENT = "tagstrip.providers.baidu.client:BaiduClient"
VENDOR = Vendor(
    "baidu",
    AccessKeyVariables(
        "BAIDUCLOUD_ACCESS_KEY", "BAIDUCLOUD_SECRET_KEY", "BAIDUCLOUD_SECURITY_TOKEN"
    ),
    (
        ProviderApi(
            BaiduTag(),
            _CLIENT,
            "TAGSTRIP_BAIDU_TAG_ENDPOINT",
            partial(default_endpoint, "baidu-tag"),
        ),
        ProviderApi(
            BaiduBcc(),
            _CLIENT,
            "TAGSTRIP_BAIDU_BCC_ENDPOINT",
            partial(default_endpoint, "baidu-bcc"),
        ),
        # The same host as baidu-tag, so the same override: one variable per Baidu host.
        ProviderApi(
            BaiduTagResource(),
            _CLIENT,
            "TAGSTRIP_BAIDU_TAG_ENDPOINT",
            partial(default_endpoint, "baidu-tag-resource"),
        ),
    ),
)
