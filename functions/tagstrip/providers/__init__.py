"""The vendor registry: one package per vendor, each declaring itself as its `VENDOR`.

This module only lists the vendor packages; everything else (provider names, credential and
endpoint variables, specs, clients) comes from their declarations. Specs (rules and
planning) load with the package; the HTTP clients load on first use through `make_client`,
so validating and planning never import httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from tagstrip.domain.models import ProviderName
from tagstrip.domain.rules import ProviderApi, ProviderSpec, Vendor
from tagstrip.providers import aliyun, baidu, huawei

if TYPE_CHECKING:
    from tagstrip.runtime.calls import ProviderClient
    from tagstrip.runtime.settings import Settings

__all__ = ["APIS", "SPECS", "VENDORS", "make_client", "spec_for", "vendor_of"]

VENDORS: tuple[Vendor, ...] = (aliyun.VENDOR, huawei.VENDOR, baidu.VENDOR)
APIS: dict[ProviderName, ProviderApi] = {api.name: api for v in VENDORS for api in v.apis}
SPECS: dict[ProviderName, ProviderSpec] = {name: api.spec for name, api in APIS.items()}
_VENDOR_OF: dict[ProviderName, Vendor] = {api.name: v for v in VENDORS for api in v.apis}


def spec_for(provider: ProviderName) -> ProviderSpec:
    return SPECS[provider]


def vendor_of(provider: ProviderName) -> Vendor:
    return _VENDOR_OF[provider]


def make_client(provider: ProviderName, settings: Settings) -> ProviderClient:
    """The HTTP client of `provider`; raises ConfigurationError if its credentials are unset."""
    module, _, name = APIS[provider].client.partition(":")
    factory = getattr(importlib.import_module(module), name)
    return cast("ProviderClient", factory(provider, settings))
