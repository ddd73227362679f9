"""Vendor errors the fake cloud answers with: one tiny class per documented code.

Each class carries the vendor's code, HTTP status and message; the responder of its vendor
renders it (Alibaba JSON/XML, Huawei nested or flat, Baidu JSON) in one place. Backends and
responders raise them; nothing else needs to know a vendor's wire format.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AliyunError",
    "BaiduError",
    "HuaweiEcsError",
    "HuaweiGatewayError",
    "VendorError",
]


class VendorError(Exception):
    """An error answer. `status` and `message` are defaults an instance may override."""

    code: ClassVar[str]
    status: int = 400
    message: str = ""

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        if message is not None:
            self.message = message
        if status is not None:
            self.status = status
        self.retry_after = retry_after
        super().__init__(f"{self.code}: {self.message}")


class AliyunError(VendorError):
    """Alibaba Cloud RPC gateway and ECS/R-kvstore service errors."""


class HuaweiEcsError(VendorError):
    """Huawei ECS service errors: ``{"error": {"code", "message"}}``."""


class HuaweiGatewayError(VendorError):
    """Huawei API gateway errors: flat ``{"error_code", "error_msg", "request_id"}``."""


class BaiduError(VendorError):
    """Baidu Cloud errors: ``{"code", "message", "requestId"}``."""
